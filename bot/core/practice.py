"""The practice desk: from a finished lesson to applying it, and from applying it to income.

A lesson ends with its practice task: "✅ Done" (with the photo, number or text the task asks for,
or skipped) or "⏰ Later" (the task stays open on the Home screen). A done task of a lesson with a
follow-up schedules a question N days later (the store keeps the schedule; the service sends it).
The answer — a button for a range, or a typed number in either language — is recorded as an
outcome, as is anything a learner volunteers with /income.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from bot.content.models import Evidence, Lesson, Unit
from bot.core.amounts import parse_amount
from bot.core.messages import Button, Media, Message, Response, keyboard
from bot.core.outcome import Outcome
from bot.core.state import Change, LearnerView, OutcomeReported, Place, PracticeReported, Screen

if TYPE_CHECKING:
    from bot.core.engine import LessonEngine

# Range buttons per unit: none yet, under low, low–high, over high — three ranges that do not
# overlap. A range records its middle, marked inexact; the open top range records its lower bound.
# The labels, with their unit, are UI words (`range_<unit>_<n>` in content/ui/*.yaml).
BANDS: dict[Unit, tuple[float, float]] = {
    Unit.yuan: (500, 2000),
    Unit.orders: (5, 20),
    Unit.viewers: (10, 50),
    Unit.followers: (10, 50),
    Unit.mu: (10, 50),
    Unit.kg: (5, 50),
    Unit.hours: (2, 8),
    Unit.times: (3, 10),
    Unit.items: (3, 10),
}


def ranges(unit: Unit) -> tuple[tuple[str, float, bool], ...]:
    """(label key, value recorded, exact) for each button: none yet, then the three ranges."""
    low, high = BANDS[unit]
    return (
        ("btn_none_yet", 0.0, True),
        (f"range_{unit.value}_1", (1 + low) / 2, False),
        (f"range_{unit.value}_2", (low + high) / 2, False),
        (f"range_{unit.value}_3", high, False),
    )


def shown_number(value: float) -> str:
    return f"{value:g}"


VOLUNTEERED = "-"  # the lesson part of an outcome button when no lesson asked (/income)


class PracticeDesk:
    def __init__(self, engine: LessonEngine) -> None:
        self.engine = engine

    def _outcome(
        self, view: LearnerView, messages: list[Message], place: Place, changes: list[Change] | None = None
    ) -> Outcome:
        return Outcome(Response(tuple(messages)), place, changes or [])

    def _lesson(self, lesson_id: str) -> Lesson | None:
        return self.engine.cur.lessons.get(lesson_id)

    # ----- the end of a lesson -------------------------------------------------------------------

    def finish_buttons(self, view: LearnerView, lesson: Lesson) -> list[Button]:
        """Done / Later while the task is open; nothing once it is reported done."""
        if lesson.id in view.progress.done_tasks:
            return []
        lang = view.profile.lang
        return [
            self.engine.b(lang, "btn_task_done", f"prc:done:{lesson.id}"),
            self.engine.b(lang, "btn_task_later", f"prc:later:{lesson.id}"),
        ]

    def _after_task(self, view: LearnerView, lesson: Lesson, text: str) -> list[Message]:
        return [Message(text, keyboard(*self.engine.onward_buttons(view, lesson)))]

    def _done(self, view: LearnerView, lesson: Lesson, kind: Evidence, evidence: str | None) -> Outcome:
        lang = view.profile.lang
        follow_up = lesson.practice.follow_up
        text = self.engine.t(lang, "practice_saved")
        if follow_up is not None:
            text += "\n" + self.engine.t(lang, "practice_follow_up_note", days=follow_up.after_days)
        change = PracticeReported(
            lesson.id, "done", kind.value, evidence, follow_up.after_days if follow_up else None
        )
        place = Place(screen=Screen.finished, track=lesson.track, tier=lesson.tier, lesson=lesson.id)
        return self._outcome(view, self._after_task(view, lesson, text), place, [change])

    def press(self, view: LearnerView, parts: list[str]) -> Outcome | None:
        if len(parts) != 2 or self._lesson(parts[1]) is None:
            return None
        verb, lesson = parts[0], self._lesson(parts[1])
        assert lesson is not None
        lang = view.profile.lang
        if lesson.id not in view.progress.completed or (
            verb in ("done", "later") and lesson.id in view.progress.done_tasks
        ):
            return None
        if verb == "later":
            later = PracticeReported(lesson.id, "later")
            text = self.engine.t(lang, "practice_later")
            # Home, as it will look once this is recorded: with the task waiting on it.
            progress = replace(view.progress, open_tasks=(*view.progress.open_tasks, lesson.id))
            home = Place(screen=Screen.menu, track=lesson.track)
            shown = self.engine.screen(replace(view, progress=progress), home)
            return self._outcome(view, [Message(text), *shown], home, [later])
        if verb == "open":  # "📝 My task": the task again, without the lesson's celebration
            place = Place(screen=Screen.finished, track=lesson.track, tier=lesson.tier, lesson=lesson.id)
            return self._outcome(view, [self.engine.lessons.finished(view, lesson, celebrate=False)], place)
        if verb == "skip" and view.place.screen is Screen.evidence and view.place.lesson == lesson.id:
            return self._done(view, lesson, Evidence.none, None)
        if verb == "done":
            if lesson.practice.evidence is Evidence.none:
                return self._done(view, lesson, Evidence.none, None)
            place = Place(screen=Screen.evidence, track=lesson.track, tier=lesson.tier, lesson=lesson.id)
            return self._outcome(view, self.engine.screen(view, place), place)
        return None

    def evidence_prompt(self, view: LearnerView, lesson: Lesson, again: bool = False) -> Message:
        lang = view.profile.lang
        kind = lesson.practice.evidence.value
        key = f"evidence_again_{kind}" if again and kind in ("photo", "number") else f"evidence_{kind}"
        skip = self.engine.b(lang, "btn_skip", f"prc:skip:{lesson.id}")
        return Message(self.engine.t(lang, key), keyboard(skip, self.engine.home_button(lang)))

    def evidence(self, view: LearnerView, given: str | Media) -> Outcome:
        """What the learner sent while the bot waits for a task's evidence."""
        lesson = self._lesson(view.place.lesson or "")
        assert lesson is not None
        kind = lesson.practice.evidence
        if isinstance(given, Media):
            if kind is Evidence.photo and given.kind == "photo" and given.file_id:
                return self._done(view, lesson, Evidence.photo, given.file_id)
            return self._outcome(view, [self.evidence_prompt(view, lesson, again=True)], view.place)
        if kind is Evidence.number:
            amount = parse_amount(given)
            if amount is None:
                return self._outcome(view, [self.evidence_prompt(view, lesson, again=True)], view.place)
            return self._done(view, lesson, Evidence.number, shown_number(amount.value))
        if kind in (Evidence.text, Evidence.photo):
            # Words are welcome where a photo is asked for: not every learner can send one yet.
            return self._done(view, lesson, Evidence.text, given[:500])
        return self._outcome(view, [self.evidence_prompt(view, lesson, again=True)], view.place)

    # ----- what it brought -----------------------------------------------------------------------

    def _unit(self, lesson_id: str) -> Unit:
        lesson = self._lesson(lesson_id)
        follow_up = lesson.practice.follow_up if lesson else None
        return follow_up.unit if follow_up else Unit.yuan

    def range_buttons(self, lang: str, lesson_id: str, first: int = 0) -> list[Button]:
        unit = self._unit(lesson_id) if lesson_id != VOLUNTEERED else Unit.yuan
        options = list(enumerate(ranges(unit)))[first:]
        return [Button(self.engine.t(lang, key), f"out:{lesson_id}:{i}") for i, (key, _v, _e) in options]

    def follow_up_message(self, lang: str, name: str, lesson: Lesson) -> Message:
        """The question N days after a task: first "none yet" or "yes", then (if yes) how much."""
        follow_up = lesson.practice.follow_up
        assert follow_up is not None
        e = self.engine
        title = e.cur.renderer.render_lesson(lesson, lang, name).title
        text = e.t(
            lang,
            "follow_up",
            name=name,
            days=follow_up.after_days,
            title=title,
            question=follow_up.question.get(lang),
        )
        none_yet = self.range_buttons(lang, lesson.id)[0]
        some = e.b(lang, "btn_some", f"out:{lesson.id}:some")
        return Message(text, keyboard(none_yet, some, e.home_button(lang)))

    def amounts_prompt(self, view: LearnerView, lesson_id: str, again: bool = False) -> Message:
        """How much, in the lesson's unit: three ranges that don't overlap, or a typed number."""
        e, lang = self.engine, view.profile.lang
        unit = e.t(lang, f"unit_{self._unit(lesson_id).value}")
        text = e.t(lang, "outcome_again") if again else e.t(lang, "follow_up_amount", unit=unit)
        return Message(text, keyboard(*self.range_buttons(lang, lesson_id, first=1), e.home_button(lang)))

    def _saved(
        self, view: LearnerView, lesson_id: str | None, value: float, unit: Unit, exact: bool
    ) -> Outcome:
        lang = view.profile.lang
        change = OutcomeReported(lesson_id, value, unit.value, asked=lesson_id is not None, exact=exact)
        shown = ("~" if not exact and value else "") + shown_number(value)
        text = self.engine.t(
            lang, "outcome_saved", value=shown, unit=self.engine.t(lang, f"unit_{unit.value}")
        )
        place = view.place
        if place.screen in (Screen.income, Screen.follow_up):
            place = Place(screen=Screen.menu, track=place.track)
        return self._outcome(view, [Message(text, keyboard(self.engine.home_button(lang)))], place, [change])

    def outcome_press(self, view: LearnerView, parts: list[str]) -> Outcome | None:
        if len(parts) != 2:
            return None
        lesson_id = None if parts[0] == VOLUNTEERED else parts[0]
        if lesson_id is not None and lesson_id != view.progress.awaiting:
            return None  # not the follow-up we are waiting for (already answered, or forged)
        if lesson_id is None and view.place.screen is not Screen.income:
            return None
        if parts[1] == "some" and lesson_id is not None:
            place = Place(screen=Screen.follow_up, track=view.place.track, lesson=lesson_id)
            return self._outcome(view, [self.amounts_prompt(view, lesson_id)], place)
        if not parts[1].isdecimal():
            return None
        unit = self._unit(lesson_id) if lesson_id else Unit.yuan
        options = ranges(unit)
        if int(parts[1]) >= len(options):
            return None
        _label, value, exact = options[int(parts[1])]
        return self._saved(view, lesson_id, value, unit, exact)

    def typed_outcome(self, view: LearnerView, text: str) -> Outcome | None:
        """A typed answer to the follow-up we are waiting for, or to /income; None if it isn't one."""
        lesson_id = view.progress.awaiting if view.place.screen is not Screen.income else None
        if lesson_id is None and view.place.screen is not Screen.income:
            return None
        amount = parse_amount(text)
        if amount is None:
            if view.place.screen is Screen.income or len(text) <= 12:
                return self._outcome(
                    view, [self.amounts_prompt(view, lesson_id or VOLUNTEERED, again=True)], view.place
                )
            return None  # a longer message is more likely a question: the FAQ takes it
        default = self._unit(lesson_id) if lesson_id else Unit.yuan
        return self._saved(view, lesson_id, amount.value, amount.unit or default, True)

    def income_prompt(self, view: LearnerView) -> Message:
        lang = view.profile.lang
        # Three ranges and a way home: someone volunteering an amount has earned something.
        buttons = self.range_buttons(lang, VOLUNTEERED, first=1)
        return Message(
            self.engine.t(lang, "income_prompt"), keyboard(*buttons, self.engine.home_button(lang))
        )
