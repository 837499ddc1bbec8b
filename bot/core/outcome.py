"""What the engine and its desks return for one input: the reply, the learner's new place, the changes.

It lives apart from the engine so the desks (practice, questions, placement…) can build one
without importing the engine that imports them.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from bot.core.messages import Message, Response
from bot.core.state import Change, Place


@dataclass
class Outcome:
    """The engine's answer: what to say, where the learner is now, and what to record."""

    response: Response
    place: Place
    changes: list[Change] = field(default_factory=list)
    about_question: bool = False  # came from the question desk, so its "Did you mean…?" stays open


def said(messages: list[Message], place: Place, changes: list[Change] | None = None) -> Outcome:
    """An outcome that says these messages and moves the learner to `place`."""
    return Outcome(Response(tuple(messages)), place, changes or [])


def clean_text(text: str) -> str:
    """Drop control characters and fold width, so what farmers type compares reliably."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in text if unicodedata.category(ch)[0] != "C" or ch in "\n\t").strip()
