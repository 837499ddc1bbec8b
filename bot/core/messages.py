"""What goes in and out of the core: a learner's inputs and the bot's replies, free of any channel.

Channels (Telegram, the console) turn their own updates into these inputs and draw these
messages with their own widgets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Press:
    """A button press; `action` is the button's data, checked against the learner's place."""

    action: str


@dataclass(frozen=True)
class Say:
    """Free text typed by the learner."""

    text: str


@dataclass(frozen=True)
class Command:
    """A slash command such as /start or /progress, with what follows it."""

    name: str
    arg: str = ""


@dataclass(frozen=True)
class Media:
    """Something that is not text: a photo, sticker, voice note, location, contact..."""

    kind: str
    file_id: str | None = None


Input = Press | Say | Command | Media


@dataclass(frozen=True)
class Button:
    label: str
    action: str


Keyboard = tuple[tuple[Button, ...], ...]


@dataclass(frozen=True)
class Document:
    filename: str
    data: bytes
    mime: str = "application/octet-stream"


@dataclass(frozen=True)
class Picture:
    """A picture the bot drew (a certificate, a report chart), carried whole: whichever machine
    sends the message needs no file another one wrote."""

    filename: str
    data: bytes


@dataclass(frozen=True)
class Message:
    """One message to the learner: one idea, optional buttons, optional picture or voice."""

    text: str
    keyboard: Keyboard = ()
    # Lesson media shipped with the content (files under its media folder): every machine that
    # serves the content has them, so the outbox keeps them relative to that folder.
    image: Path | None = None
    voice: Path | None = None
    document: Document | None = None
    picture: Picture | None = None
    # A picture or voice note the channel already holds ("telegram:<file id>"), e.g. one a trainer
    # attached to a step from their phone.
    image_ref: str | None = None
    voice_ref: str | None = None

    def buttons(self) -> list[Button]:
        return [b for row in self.keyboard for b in row]


@dataclass(frozen=True)
class Response:
    """Everything the bot says back to one input, in order, and anything it sends to others."""

    messages: tuple[Message, ...] = ()
    notice: str | None = None  # a short toast for the button press, where the channel has one
    deliveries: tuple[Delivery, ...] = field(default=())


@dataclass(frozen=True)
class Delivery:
    """A message for someone other than the sender: a question for a trainer, a trainer's answer."""

    channel: str
    user_id: str
    message: Message


def keyboard(*buttons: Button | None, per_row: int = 2) -> Keyboard:
    """Lay buttons out two to a row, skipping the ones that don't apply."""
    present = [b for b in buttons if b is not None]
    return tuple(tuple(present[i : i + per_row]) for i in range(0, len(present), per_row))
