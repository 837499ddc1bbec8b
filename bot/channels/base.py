"""What every channel shares: turning typed text into the core's inputs, and the channel contract.

A channel (Telegram, the console, a test double) only translates: its updates become `Input`s for
`LearningService.handle`, and the `Response` comes back drawn with the channel's own widgets.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

from bot.core.messages import Command, Input, Message, Say

MAX_INPUT_CHARS = 1000  # longer texts are cut: no farmer's question needs more, and it bounds work


def input_from_text(text: str) -> Input:
    """A line typed by a learner: "/start abc" is a command, anything else is free text."""
    text = text[:MAX_INPUT_CHARS]
    stripped = text.strip()
    if stripped.startswith("/") and len(stripped) > 1:
        head, _, arg = stripped[1:].partition(" ")
        name = head.split("@", 1)[0].lower()  # "/start@FarmSkillsBot" in groups
        if name.isascii() and name.replace("_", "").isalnum():
            return Command(name, arg.strip())
    return Say(text)


class Channel(ABC):
    """A place the conversation happens. Subclasses draw messages and feed inputs to the core."""

    name: str

    @abstractmethod
    def draw(self, message: Message) -> object:
        """Show one message to the learner in this channel's form."""
