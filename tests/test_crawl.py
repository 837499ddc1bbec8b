"""A crawl of every screen a learner can reach from /start, in Chinese and in English.

Breadth-first over the service's real replies with the shipped content: from each screen, every
button is pressed (on a copy of the learner, so each press starts from the same state), and every
reply is checked the way a farmer would meet it:

- no dead end: every reply ends with a message that has buttons;
- a way back: every message with buttons offers 🏠 Home or ↩️ back (except before the learner has a
  Home: the welcome, the name question, and after /forget, where the only way is to begin again);
- no button that leads nowhere: pressing a button on the newest screen never gets "that button is
  old", "I didn't understand" or an error.

Screens are told apart by the learner's place, the buttons shown, and how much of the lesson's tier
is done, so a lesson is walked again after the ones before it are finished (that is how a tier is
completed and the next one unlocked) without walking every order of lessons.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlmodel import select

from bot.app.desk import Identity
from bot.app.service import LearningService, build_service
from bot.content.loader import Curriculum
from bot.core.messages import Command, Input, Press, Response
from bot.core.state import LearnerView, Screen
from bot.faq.matcher import FaqMatcher
from bot.store.tables import Learner as LearnerRow
from bot.store.tables import LessonProgress, Nudge, PracticeReport, TrackProgress
from tests.conftest import Clock
from tests.databases import database_for

REPO = Path(__file__).resolve().parents[1]
WAYS_BACK = ("🏠", "↩️")
NO_HOME_YET = (Screen.welcome, Screen.name)
COMMANDS = ("menu", "progress", "income", "reminders", "help", "lang", "mydata", "forget", "start")
# The rows the engine's decisions read (place, progress, unlocked tiers, tasks, an awaited
# follow-up); the history tables (each step shown, each answer) only add up and are not copied.
STATE_TABLES = (LessonProgress, TrackProgress, PracticeReport, Nudge)


@dataclass(frozen=True)
class Node:
    who: Identity
    response: Response
    path: tuple[str, ...]


class Crawler:
    def __init__(self, service: LearningService, lang: str) -> None:
        self.service = service
        self.lang = lang
        self.users = 0
        self.seen: set[tuple[object, ...]] = set()
        self.problems: list[str] = []
        self.screens = 0
        self.presses = 0

    def new_user(self) -> Identity:
        self.users += 1
        return Identity("console", f"{self.lang}-{self.users}", "", self.lang)

    def clone(self, who: Identity) -> Identity:
        """A new learner with every row of `who` copied: the same place, progress and history."""
        twin = self.new_user()
        store = self.service.store
        with store.session() as s:
            row = store.find(who.channel, who.user_id)
            if row is None:  # the learner used /forget: a copy is a stranger too
                return twin
            data = row.model_dump(exclude={"id"})
            data["external_id"] = twin.user_id
            copy = LearnerRow(**data)
            s.add(copy)
            s.flush()
            for model in STATE_TABLES:
                for r in s.exec(select(model).where(model.learner_id == row.id)).all():
                    values = r.model_dump(exclude={"id"})  # each of these has its own numeric id
                    values["learner_id"] = copy.id
                    s.add(model(**values))
            s.commit()
        return twin

    def view(self, who: Identity) -> LearnerView | None:
        row = self.service.store.find(who.channel, who.user_id)
        return self.service.store.view(row) if row is not None else None

    def key(self, view: LearnerView | None, response: Response) -> tuple[object, ...]:
        buttons = tuple(sorted((b.label, b.action) for m in response.messages for b in m.buttons()))
        if view is None:
            return ("gone", buttons)
        p = view.place
        in_order = False  # every lesson before this one in its tier is done: finishing them in turn
        lesson = self.service.curriculum.lessons.get(p.lesson or "")
        if lesson is not None:
            cell = self.service.curriculum.lessons_in(lesson.track, lesson.tier)
            in_order = all(ls.id in view.progress.completed for ls in cell[: cell.index(lesson)])
        # In the placement test, what decides what comes next is how many are answered and whether
        # all of them were right, not which wrong option was tapped.
        placement = (
            self.service.curriculum.tracks[p.track].placement
            if p.track in self.service.curriculum.tracks
            else []
        )
        right = all(a == q.right_index for a, q in zip(p.answers, placement, strict=False))
        return (
            p.screen,
            p.track,
            p.tier,
            p.lesson,
            p.step,
            p.question,
            len(p.answers),
            right,
            in_order,
            buttons,
        )

    def check(self, node: Node, pressed: str, view: LearnerView | None) -> None:
        """Dead ends, missing ways back and buttons that lead nowhere, in one reply."""
        t = self.service.engine.t
        where = " → ".join(node.path) or "/start"
        messages = node.response.messages
        if not messages or not messages[-1].keyboard:
            self.problems.append(f"dead end after {where}: {[m.text[:40] for m in messages]}")
        failures = (t(self.lang, "stale_button"), t(self.lang, "unknown"), t(self.lang, "error_sorry"))
        if pressed and any(m.text.startswith(failures) for m in messages):
            self.problems.append(f"button leads nowhere: {where}: {messages[0].text[:60]!r}")
        if view is None or view.place.screen in NO_HOME_YET:
            return
        home_screen = view.place.screen is Screen.menu
        for m in messages:
            labels = [b.label for b in m.buttons()]
            if labels and not home_screen and not any(label.startswith(WAYS_BACK) for label in labels):
                self.problems.append(f"no way back after {where}: {m.text[:50]!r} {labels}")

    def send(self, who: Identity, inp: Input) -> Response:
        self.presses += 1
        return self.service.handle(who, inp)

    def crawl(self) -> None:
        start = self.new_user()
        first = Node(start, self.send(start, Command("start")), ("/start",))
        queue = deque([(first, self.view(start))])
        self.check(first, "", queue[0][1])
        commands_tried = False
        while queue:
            node, view = queue.popleft()
            key = self.key(view, node.response)
            if key in self.seen:
                continue
            self.seen.add(key)
            self.screens += 1
            inputs: list[tuple[str, Input]] = []
            for m in node.response.messages:
                inputs += [(b.label, Press(b.action)) for b in m.buttons()]
            if not commands_tried and view is not None and view.place.screen is Screen.menu:
                commands_tried = True  # the commands in the menu of a learner who has just begun
                inputs += [(f"/{c}", Command(c)) for c in COMMANDS]
            choices = list(dict.fromkeys(inputs))
            for n, (label, inp) in enumerate(choices):
                # Each input starts from the same state: a copy, except the last, which may use the original.
                who = node.who if n == len(choices) - 1 else self.clone(node.who)
                child = Node(who, self.send(who, inp), (*node.path, label))
                child_view = self.view(who)
                self.check(child, label, child_view)
                queue.append((child, child_view))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_screen_reachable_from_start_has_a_way_back_and_no_button_leads_nowhere(
    lang: str, shipped: Curriculum, shipped_matcher: FaqMatcher, tmp_path: Path
) -> None:
    clock = Clock()
    service = build_service(shipped, database_for(tmp_path / "crawl.db"), faq=shipped_matcher, clock=clock)
    crawler = Crawler(service, lang)
    crawler.crawl()
    print(f"\n{lang}: {crawler.screens} screens, {crawler.presses} inputs")
    # The crawl reached the whole path: every lesson, the placement test's last tier, the end of a tier.
    assert crawler.screens > 10 * len(shipped.lessons)
    assert not crawler.problems, "\n".join(crawler.problems[:30])
