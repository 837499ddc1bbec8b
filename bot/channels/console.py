"""The console channel: the whole bot in a terminal, buttons shown as numbered choices.

`farmskills chat` runs it. It reads lines from standard input, so a person can type or a script
can pipe a session in; typing a button's number or its label presses it. Like every channel, it
prints what the service owed this learner in the outbox, and marks each message delivered.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from bot.app.channels import ChannelSpec, register
from bot.app.desk import Identity
from bot.app.service import LearningService
from bot.channels.base import Channel, input_from_text
from bot.content.limits import split_icon
from bot.core.messages import Button, Command, Input, Media, Message, Press, Response

SPEC = register(ChannelSpec("console"))  # one person at this terminal: staff are not reached here
QUIT_WORDS = {"/quit", "/exit", "quit", "exit"}


PHOTO_WORDS = ("/photo", "📷")


class ConsoleChannel(Channel):
    name = SPEC.name

    def __init__(
        self,
        service: LearningService,
        who: Identity,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
        files_dir: Path | None = None,
    ) -> None:
        self.service = service
        self.who = who
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout
        self.files_dir = files_dir or Path.cwd()
        self.buttons: list[Button] = []
        self.echo = not self.stdin.isatty()

    def write(self, text: str = "") -> None:
        self.stdout.write(text + "\n")
        self.stdout.flush()

    def draw(self, message: Message) -> None:
        self.write("─" * 40)
        if message.image:
            self.write(f"🖼️  [picture: {message.image.name}]")
        if message.picture:
            path = self.files_dir / message.picture.filename
            path.write_bytes(message.picture.data)
            self.write(f"🖼️  [picture: {message.picture.filename} → {path}]")
        if message.voice:
            self.write(f"🔊 [voice clip: {message.voice.name}]")
        if message.image_ref:
            self.write("🖼️  [picture a trainer attached]")
        if message.voice_ref:
            self.write("🔊 [voice note a trainer attached]")
        self.write(message.text)
        if message.document:
            path = self.files_dir / message.document.filename
            path.write_bytes(message.document.data)
            self.write(f"📎 {message.document.filename} → {path}")
        if message.keyboard:
            self.buttons = message.buttons()
            n = 0
            for row in message.keyboard:
                cells = []
                for button in row:
                    n += 1
                    cells.append(f"[{n}] {button.label}")
                self.write("   ".join(cells))

    def show(self, response: Response) -> None:
        if response.notice:
            self.write(f"(ℹ️ {response.notice})")
        self.deliver()

    def deliver(self) -> None:
        """Print, in order, every message owed to this learner, and mark each delivered."""
        outbox = self.service.outbox
        owed = outbox.claim(self.name, "console", self.service.clock(), user_id=self.who.user_id)
        for item in owed:
            self.draw(item.message)
            outbox.delivered(item.id)

    def show_nudges(self) -> None:
        """Follow-ups that are due for this learner (with --now, a trainer can skip ahead days)."""
        learner = self.service.store.find(self.who.channel, self.who.user_id)
        if learner is None or learner.id is None:
            return
        if self.service.due_nudges(learner_id=learner.id):
            self.deliver()

    def to_input(self, line: str) -> Input:
        typed = line.strip()
        if typed in PHOTO_WORDS:
            # A terminal can't send a picture: this stands in for one, as Telegram's file id would.
            return Media("photo", "console-photo")
        if typed.isdecimal() and 1 <= int(typed) <= len(self.buttons):
            return Press(self.buttons[int(typed) - 1].action)
        for button in self.buttons:
            if typed and typed.casefold() in (
                button.label.casefold(),
                split_icon(button.label)[1].casefold(),
            ):
                return Press(button.action)
        return input_from_text(line.rstrip("\n"))

    def run(self) -> int:
        """Talk until end of input or /quit. Returns the process exit code."""
        self.show(self.service.handle(self.who, Command("start")))
        self.show_nudges()
        for raw in self.stdin:
            line = raw.rstrip("\n")
            if self.echo:
                self.write(f"> {line}")
            if line.strip().lower() in QUIT_WORDS:
                break
            if not line.strip():
                continue
            self.show(self.service.handle(self.who, self.to_input(line)))
            self.show_nudges()
        self.write("👋 再见 / Goodbye")
        return 0
