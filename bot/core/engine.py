"""The lesson engine: given a learner and one input, decide the reply, the new place and what to record.

It is a pure function of its inputs (no database, no network, no clock of its own), so every rule
can be tested as a dialogue of inputs and replies, and any channel can drive it. The engine routes
each input to the desk that owns it (lessons, placement, practice, questions, reminders, screens)
through dispatch tables; it keeps the rules every input shares: double taps and old buttons show the
current screen again, Continue brings back exactly the screen the learner left, and a recap after
a day away.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

from bot.content.limits import split_icon
from bot.content.loader import Curriculum
from bot.content.models import LANGS, Lesson, Tier
from bot.content.render import RenderedLesson
from bot.core.lessons import LessonFlow
from bot.core.messages import Button, Command, Input, Media, Message, Press, Response, Say, keyboard
from bot.core.outcome import Outcome, clean_text
from bot.core.placement import PlacementDesk, placement_tier
from bot.core.practice import PracticeDesk
from bot.core.privacy import stored_list
from bot.core.questions import QuestionDesk
from bot.core.reminders import ReminderDesk
from bot.core.screens import Screens
from bot.core.state import (
    WORK_SCREENS,
    Change,
    LearnerView,
    LessonCompleted,
    OutcomeReported,
    Place,
    PlacementTaken,
    PracticeReported,
    ProfileSet,
    Screen,
    StepShown,
)
from bot.faq.decision import Matcher
from bot.faq.text import looks_like_words

__all__ = ["LessonEngine", "Outcome", "clean_text", "placement_tier"]  # re-exported for older imports

RECAP_AFTER = timedelta(days=1)
MAX_NAME_LENGTH = 20
# Screens the learner reaches by finding their way around; leaving work for one of these keeps the
# work as the place Continue brings back.
NAV_SCREENS = frozenset(
    {
        Screen.menu, Screen.more, Screen.tracks, Screen.track, Screen.tier, Screen.locked, Screen.progress,
        Screen.language, Screen.reminders, Screen.reminder_hours, Screen.reminder_zones, Screen.income,
        Screen.forget,
    }
)  # fmt: skip
# Changes that end a piece of work: after them there is nothing to come back to.
ENDS_WORK = (LessonCompleted, PlacementTaken, PracticeReported, OutcomeReported)
Handler = Callable[[LearnerView, list[str]], Outcome | None]


class LessonEngine:
    """Turns (learner, input) into (reply, new place, changes) using the curriculum's rules."""

    def __init__(self, curriculum: Curriculum, faq: Matcher | None = None) -> None:
        self.cur = curriculum
        self.desk = QuestionDesk(self, faq) if faq is not None else None
        self.practice = PracticeDesk(self)
        self.screens = Screens(self)
        self.lessons = LessonFlow(self)
        self.placement = PlacementDesk(self)
        self.reminders = ReminderDesk(self)
        nav = self._navigate
        # One small handler per button kind: the part of the action before the first colon.
        self.presses: dict[str, Handler] = {
            "home": lambda v, p: nav(v, Place(screen=Screen.menu, track=v.place.track)),
            "back": lambda v, p: self.show(v, v.place),
            "more": lambda v, p: nav(v, v.place.moved(screen=Screen.more, step=1 if p == ["1"] else 0)),
            "language": lambda v, p: nav(v, v.place.moved(screen=Screen.language)),
            "tracks": lambda v, p: nav(v, Place(screen=Screen.tracks, track=v.place.track)),
            "progress": lambda v, p: nav(v, Place(screen=Screen.progress, track=v.place.track)),
            "income": lambda v, p: nav(v, Place(screen=Screen.income, track=v.place.track)),
            "forget": lambda v, p: None if p else nav(v, Place(screen=Screen.forget, track=v.place.track)),
            "ask": self._ask_prompt,
            "askit": self._ask_anyway,
            "continue": self._continue,
            "trk": self._track,
            "tier": self._tier,
            "les": self._lesson,
            "place": self.placement.start,
            "pla": self.placement.answer,
            "nx": lambda v, p: self.lessons.step_action(v, "nx", p),
            "bk": lambda v, p: self.lessons.step_action(v, "bk", p),
            "rp": lambda v, p: self.lessons.step_action(v, "rp", p),
            "vo": lambda v, p: self.lessons.step_action(v, "vo", p),
            "ans": self.lessons.answer,
            "nextles": self.lessons.next_lesson,
            "rem": self.reminders.press,
            "prc": self.practice.press,
            "out": self.practice.outcome_press,
            "faq": lambda v, p: self.desk.press(v, p[0]) if p and self.desk is not None else None,
        }
        self.commands: dict[str, Callable[[LearnerView, str], Outcome]] = {
            "start": self._start,
            "menu": lambda v, a: self._navigate(v, Place(screen=Screen.menu, track=v.place.track)),
            "progress": lambda v, a: self._navigate(v, Place(screen=Screen.progress, track=v.place.track)),
            "reminders": lambda v, a: self._navigate(v, Place(screen=Screen.reminders, track=v.place.track)),
            "income": lambda v, a: self._navigate(v, Place(screen=Screen.income, track=v.place.track)),
            "lang": lambda v, a: self._navigate(v, v.place.moved(screen=Screen.language)),
            "forget": lambda v, a: self._navigate(v, Place(screen=Screen.forget, track=v.place.track)),
            "help": lambda v, a: self.said(v, [self.screens.with_way_back(v.profile.lang, "help")]),
        }

    # ----- words and small pieces ----------------------------------------------------------------

    def t(self, lang: str, key: str, **values: object) -> str:
        texts = self.cur.ui.get(lang) or self.cur.ui[LANGS[0]]
        template = texts.get(key, key)
        if "{stored}" in template and "stored" not in values:
            # The privacy notice's list is written once (bot/core/privacy.py) and shown wherever asked.
            values["stored"] = stored_list(self.t, lang)
        return template.format(**values) if values else template

    def b(self, lang: str, key: str, action: str, **values: object) -> Button:
        return Button(self.t(lang, key, **values), action)

    def home_button(self, lang: str) -> Button:
        return self.b(lang, "btn_home", "home")

    def rendered(self, view: LearnerView, lesson: Lesson) -> RenderedLesson:
        p = view.profile
        return self.cur.renderer.render_lesson(lesson, p.lang, p.name)

    def title(self, view: LearnerView, lesson: Lesson) -> str:
        """The lesson's title for this learner, without rendering the whole lesson for it."""
        p = view.profile
        return self.cur.renderer.render_title(lesson, p.lang, p.name)

    def tier_name(self, lang: str, tier: Tier) -> str:
        return self.t(lang, f"tier_{tier.value}")

    def screen(self, view: LearnerView, place: Place | None = None) -> list[Message]:
        """The messages that show a place; used to resume, repeat and recover."""
        return self.screens.paint(view, place or view.place)

    def show(
        self,
        view: LearnerView,
        place: Place,
        changes: list[Change] | None = None,
        notice: str | None = None,
        before: list[Message] | None = None,
    ) -> Outcome:
        messages = (before or []) + self.screen(view, place)
        return Outcome(Response(tuple(messages), notice), place, changes or [])

    def said(self, view: LearnerView, messages: list[Message]) -> Outcome:
        """Messages that leave the learner where they are."""
        return Outcome(Response(tuple(messages)), view.place)

    # The desks' answers that channels and the service ask for by name.
    def continue_target(self, view: LearnerView) -> tuple[Lesson, Place] | None:
        return self.lessons.continue_target(view)

    def onward_buttons(self, view: LearnerView, lesson: Lesson) -> list[Button]:
        return self.lessons.onward_buttons(view, lesson)

    def completed_tiers(self, view: LearnerView) -> list[tuple[str, Tier]]:
        """(track, tier) for each tier whose lessons are all done: the learner's badges."""
        return [
            (track, tier)
            for track in self.cur.track_ids
            for tier in Tier
            if (cell := self.cur.lessons_in(track, tier))
            and all(ls.id in view.progress.completed for ls in cell)
        ]

    # ----- entry point -------------------------------------------------------------------------

    def handle(self, view: LearnerView, inp: Input, now: datetime) -> Outcome:
        if isinstance(inp, Press):
            outcome = self.press(view, inp.action)
        elif isinstance(inp, Command):
            handler = self.commands.get(inp.name)
            if view.place.screen is Screen.welcome and inp.name not in ("start", "lang", "help"):
                outcome = self.show(view, view.place)
            elif handler is None:
                outcome = self.said(view, [self.screens.with_way_back(view.profile.lang, "unknown")])
            else:
                outcome = handler(view, inp.arg)
        elif isinstance(inp, Say):
            outcome = self.say(view, inp.text)
        else:
            outcome = self.media(view, inp)
        if outcome.place.offered and not outcome.about_question:
            outcome.place = outcome.place.moved(offered=())  # the choices are gone from view
        outcome.place = self._keep_resume(view.place, outcome)
        return self._with_recap(view, outcome, now)

    def _keep_resume(self, old: Place, outcome: Outcome) -> Place:
        """Remember the work screen a learner leaves for Home and the like, so Continue brings it back."""
        new = outcome.place
        if new.screen in WORK_SCREENS or new.screen is Screen.welcome:
            return new.moved(resume=None) if new.resume else new
        if any(isinstance(c, ENDS_WORK) for c in outcome.changes):
            return new.moved(resume=None) if new.resume else new
        if old.screen in WORK_SCREENS and new.screen in NAV_SCREENS:
            return new.moved(resume=old.moved(resume=None, last="", asked="", offered=()))
        if new.resume is None and old.resume is not None:
            return new.moved(resume=old.resume)
        return new

    def _with_recap(self, view: LearnerView, outcome: Outcome, now: datetime) -> Outcome:
        """After more than a day away, say in one line where the learner left off."""
        if view.last_active is None or now - view.last_active <= RECAP_AFTER:
            return outcome
        left = view.place if view.place.screen in WORK_SCREENS else view.place.resume  # Home, mid-lesson
        lesson = self.cur.lessons.get(left.lesson or "") if left is not None else None
        if left is None or lesson is None or left.screen not in (Screen.step, Screen.question):
            return outcome
        lang = view.profile.lang
        title = self.rendered(view, lesson).title
        if left.screen is Screen.step:
            where = self.t(lang, "recap_step", title=title, step=left.step + 1)
        else:
            where = self.t(lang, "recap_question", title=title)
        recap = Message(self.t(lang, "recap", name=view.profile.name, where=where))
        outcome.response = Response((recap, *outcome.response.messages), outcome.response.notice)
        return outcome

    # ----- buttons -----------------------------------------------------------------------------

    def press(self, view: LearnerView, action: str) -> Outcome:
        lang = view.profile.lang
        if view.place.last and action == view.place.last and not action.startswith(("rp:", "vo:")):
            # The same button again (a double tap): nothing changes, and the learner sees where they are.
            return self.show(view, view.place, notice=self.t(lang, "notice_already"))
        outcome = self._press(view, action)
        if outcome is None:
            # An old message's button, or forged data: nothing changes; the current screen again.
            before = [Message(self.t(lang, "stale_button"))]
            return self.show(view, view.place, notice=self.t(lang, "notice_stale"), before=before)
        if outcome.place is not view.place:
            outcome.place = outcome.place.moved(last=action)
        return outcome

    def _press(self, view: LearnerView, action: str) -> Outcome | None:
        head, _, rest = action.partition(":")
        parts = rest.split(":") if rest else []
        if head == "lang":
            return self._set_language(view, parts[0]) if parts and parts[0] in LANGS else None
        if view.place.screen is Screen.welcome:  # before the learner has a Home: only these
            if head == "begin":
                return self.show(view, Place(screen=Screen.name))
            return self.show(view, view.place) if head == "welcome" else None
        if view.place.screen is Screen.name and head == "name":
            keep = parts == ["keep"]
            return self._set_name(
                view, view.profile.name if keep else self.t(view.profile.lang, "default_name")
            )
        handler = self.presses.get(head)
        return handler(view, parts) if handler is not None else None

    def _navigate(self, view: LearnerView, place: Place) -> Outcome:
        return self.show(view, place)

    def _ask_prompt(self, view: LearnerView, parts: list[str]) -> Outcome:
        lang = view.profile.lang
        return self.said(view, [Message(self.t(lang, "ask_prompt"), keyboard(self.home_button(lang)))])

    def _ask_anyway(self, view: LearnerView, parts: list[str]) -> Outcome | None:
        """The learner typed words at a check question and wants them answered as a question."""
        if self.desk is None or not view.place.asked or view.place.screen is not Screen.question:
            return None
        return self.desk.ask(view, view.place.asked)

    def _continue(self, view: LearnerView, parts: list[str]) -> Outcome:
        """Exactly the screen the learner left (a step, a check question, the placement test…), else
        the next lesson, else the courses."""
        place = view.place
        if place.screen in WORK_SCREENS and self.screens.valid(place):
            return self.show(view, place.moved())
        resume = place.resume
        if resume is not None and self.screens.valid(resume):
            changes: list[Change] = []
            if resume.screen is Screen.step and resume.lesson:
                changes.append(StepShown(resume.lesson, resume.step, "resume"))
            return self.show(view, resume.moved(), changes)
        target = self.continue_target(view)
        if target is None:
            return self.show(view, Place(screen=Screen.tracks, track=place.track))
        return self.lessons.open_lesson(view, target[0])

    def _track(self, view: LearnerView, parts: list[str]) -> Outcome | None:
        if not parts or parts[0] not in self.cur.tracks:
            return None
        return self._navigate(view, Place(screen=Screen.track, track=parts[0]))

    def _tier(self, view: LearnerView, parts: list[str]) -> Outcome | None:
        if len(parts) != 2 or parts[0] not in self.cur.tracks or parts[1] not in Tier.__members__:
            return None
        track, tier = parts[0], Tier(parts[1])
        screen = Screen.tier if view.progress.tier_unlocked(track, tier) else Screen.locked
        return self._navigate(view, Place(screen=screen, track=track, tier=tier))

    def _lesson(self, view: LearnerView, parts: list[str]) -> Outcome | None:
        lesson = self.cur.lessons.get(parts[0]) if parts else None
        if lesson is None:
            return None
        if not view.progress.tier_unlocked(lesson.track, lesson.tier):
            return self.show(view, Place(screen=Screen.locked, track=lesson.track, tier=lesson.tier))
        return self.lessons.open_lesson(view, lesson)

    # ----- commands and profile ----------------------------------------------------------------

    def _start(self, view: LearnerView, arg: str) -> Outcome:
        changes: list[Change] = []
        cohort = re.sub(r"[^A-Za-z0-9_-]", "", arg)[:32]
        if cohort and cohort != view.profile.cohort:
            changes.append(ProfileSet(cohort=cohort))
        place = view.place
        if place.screen in (Screen.welcome, Screen.name) or place.screen in WORK_SCREENS:
            return self.show(view, place, changes)
        return self.show(view, Place(screen=Screen.menu, track=place.track), changes)

    def _set_language(self, view: LearnerView, lang: str) -> Outcome:
        new_view = replace(view, profile=replace(view.profile, lang=lang))
        place = view.place if view.place.screen is Screen.welcome else view.place.moved(screen=Screen.menu)
        if view.place.screen is Screen.language:
            place = Place(screen=Screen.menu, track=view.place.track)
        before = [] if view.place.screen is Screen.welcome else [Message(self.t(lang, "language_set"))]
        return self.show(new_view, place, [ProfileSet(lang=lang)], before=before)

    def _set_name(self, view: LearnerView, name: str) -> Outcome:
        name = clean_text(name).replace("\n", " ")[:MAX_NAME_LENGTH] or self.t(
            view.profile.lang, "default_name"
        )
        new_view = replace(view, profile=replace(view.profile, name=name))
        greeting = Message(self.t(view.profile.lang, "name_set", name=name))
        return self.show(new_view, Place(screen=Screen.menu), [ProfileSet(name=name)], before=[greeting])

    # ----- typing and media --------------------------------------------------------------------

    def button_for_text(self, view: LearnerView, text: str) -> Button | None:
        """A typed number or label presses the matching button on the learner's current screen."""
        messages = self.screen(view)
        buttons = messages[-1].buttons() if messages else []
        typed = text.strip().casefold()
        if typed.isascii() and typed.isdecimal() and 1 <= int(typed) <= len(buttons):
            return buttons[int(typed) - 1]
        for button in buttons:
            if typed and typed in (button.label.casefold(), split_icon(button.label)[1].casefold()):
                return button
        return None

    def say(self, view: LearnerView, text: str) -> Outcome:
        text = clean_text(text)
        lang, screen = view.profile.lang, view.place.screen
        pressed = self.button_for_text(view, text)
        if screen is Screen.name and text and not text.startswith("/"):
            return self.press(view, pressed.action) if pressed is not None else self._set_name(view, text)
        if screen is Screen.evidence and view.place.lesson in self.cur.lessons and text and pressed is None:
            return self.practice.evidence(view, text)
        reported = self.practice.typed_outcome(view, text) if text and pressed is None else None
        if reported is not None:
            return reported
        choice = self.desk.choice_for_text(view, text) if self.desk is not None else None
        if choice is not None:
            return self.press(view, f"faq:{choice}")
        if pressed is not None:
            return self.press(view, pressed.action)
        if screen is Screen.welcome:
            return self.show(view, view.place, before=[Message(self.t(lang, "welcome_hint"))])
        words = looks_like_words(text)
        if screen is Screen.question and words and view.place.lesson in self.cur.lessons:
            return self.lessons.typed_during_question(view, text)
        if self.desk is not None and words:
            return self.desk.ask(view, text)
        return self.said(view, [self.screens.with_way_back(lang, "unknown")])

    def media(self, view: LearnerView, inp: Media) -> Outcome:
        lang = view.profile.lang
        if view.place.screen is Screen.evidence and view.place.lesson in self.cur.lessons:
            return self.practice.evidence(view, inp)
        key = f"media_{inp.kind}" if f"media_{inp.kind}" in self.cur.ui.get(lang, {}) else "media_other"
        return self.said(view, [self.screens.with_way_back(lang, key)])
