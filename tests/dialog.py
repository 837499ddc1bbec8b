"""A learner talking to the core, for tests that read as dialogues (input, reply).

In the spirit of zulip_bots' dialog tests: each call sends one input and returns what the bot
said, and `tap("label")` presses a button from the last reply the way a farmer would.
"""

from __future__ import annotations

from datetime import datetime

from bot.app.desk import Identity
from bot.app.service import LearningService
from bot.content.loader import Curriculum
from bot.core.messages import Button, Command, Media, Press, Response, Say


class Learner:
    def __init__(
        self,
        service: LearningService,
        user: str = "1",
        lang: str | None = "zh",
        name: str = "",
        channel: str = "console",
    ) -> None:
        self.service = service
        self.who = Identity(channel, user, name, lang)
        self.last = Response()
        self.keyboards: list[list[Button]] = []
        self.now: datetime | None = None

    def _send(self, inp: Command | Say | Press | Media) -> Response:
        self.last = self.service.handle(self.who, inp, self.now)
        shown = [m.buttons() for m in self.last.messages if m.keyboard]
        if shown:
            self.keyboards.append(shown[-1])
        return self.last

    @property
    def text(self) -> str:
        return "\n".join(m.text for m in self.last.messages)

    @property
    def buttons(self) -> list[Button]:
        return self.keyboards[-1] if self.keyboards else []

    def labels(self) -> list[str]:
        return [b.label for b in self.buttons]

    def command(self, name: str, arg: str = "") -> Response:
        return self._send(Command(name, arg))

    def say(self, text: str) -> Response:
        return self._send(Say(text))

    def press(self, action: str) -> Response:
        return self._send(Press(action))

    def button(self, label_part: str, keyboard: list[Button] | None = None) -> Button:
        for b in keyboard if keyboard is not None else self.buttons:
            if label_part in b.label:
                return b
        raise AssertionError(f"no button with {label_part!r} among {self.labels()}")

    def tap(self, label_part: str) -> Response:
        return self.press(self.button(label_part).action)

    def onboard(self, name: str = "老王") -> None:
        self.command("start")
        self.tap("开始学习" if self.who.lang_hint != "en" else "Start")
        self.say(name)


# ----- walks many stories share -----------------------------------------------------------------


def open_basic_lesson(learner: Learner, n: int = 1) -> None:
    learner.tap("选课程")
    learner.tap("网上卖货")
    learner.tap("基础")
    learner.tap(f"第{n}课")


def finish_open_lesson(learner: Learner, curriculum: Curriculum) -> None:
    """Tap Next through the steps and answer every question right."""
    while "下一步" in " ".join(learner.labels()):
        learner.tap("下一步")
    while any(label.startswith(("1️⃣", "2️⃣")) for label in learner.labels()):
        learner.tap("1️⃣")


def open_level_test(learner: Learner, locked_tier: str) -> None:
    """From Home to the level test of the selling-online track, through one of its locked tiers."""
    learner.tap("选课程")
    learner.tap("网上卖货")
    learner.tap(locked_tier)
    learner.tap("水平测试")
