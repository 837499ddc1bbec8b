"""The one shape every desk of the application layer has, and who is talking.

A desk answers the inputs that are its business — `/mydata`, a trainer's Reply button, `/attach`,
the mentor buttons, `/report`, the certificate button — and returns None for everything else, so
the service can try its desks in order and give the lesson engine what none of them took.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.core.messages import Input, Response
from bot.core.state import LearnerView


@dataclass(frozen=True)
class Identity:
    """Who is talking, as the channel knows them."""

    channel: str
    user_id: str
    display_name: str = ""
    lang_hint: str | None = None


class Desk(Protocol):
    def handle(self, who: Identity, view: LearnerView, inp: Input, now: datetime) -> Response | None:
        """The response to an input this desk handles; None for any other input."""
        ...


class LazyDesk:
    """A desk that is costly to make (the report desk brings matplotlib, numpy and Pillow), made at
    the first input it wants: a bot that is never asked for it never holds it in memory."""

    def __init__(self, wants: Callable[[Input], bool], make: Callable[[], Desk]) -> None:
        self.wants = wants
        self.make = make
        self._desk: Desk | None = None

    @property
    def desk(self) -> Desk:
        if self._desk is None:
            self._desk = self.make()
        return self._desk

    def handle(self, who: Identity, view: LearnerView, inp: Input, now: datetime) -> Response | None:
        return self.desk.handle(who, view, inp, now) if self.wants(inp) else None
