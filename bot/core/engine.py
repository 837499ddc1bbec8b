"""The lesson engine: given a learner and one input, decide the reply, the new place and what to record.

It is a pure function of its inputs (no database, no network, no clock of its own), so every rule
can be tested as a dialogue of inputs and replies, and any channel can drive it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from bot.content.limits import split_icon
from bot.content.loader import Curriculum
from bot.content.models import LANGS, Lesson, PlacementQuestion, Tier
from bot.content.render import RenderedLesson
from bot.core.messages import (
    Button,
    Command,
    Input,
    Keyboard,
    Media,
    Message,
    Press,
    Response,
    Say,
    keyboard,
)
from bot.core.practice import PracticeDesk
from bot.core.questions import QuestionDesk
from bot.core.schedule import LEARNER_ZONES
from bot.core.state import (
    Answered,
    Change,
    LearnerView,
    LessonCompleted,
    LessonStarted,
    Place,
    PlacementTaken,
    ProfileSet,
    RemindersSet,
    Screen,
    StepShown,
    TierCompleted,
    TierUnlocked,
)
from bot.faq.matcher import FaqMatcher
from bot.faq.text import looks_like_words

RECAP_AFTER = timedelta(days=1)
MAX_NAME_LENGTH = 20
TIER_ICONS = {Tier.basic: "🌱", Tier.intermediate: "🌿", Tier.advanced: "🌳"}
OPTION_ICONS = ("1️⃣", "2️⃣", "3️⃣")
REMINDER_HOURS = (8, 12, 19)  # morning, midday, after supper: all well inside 07:00–21:00


@dataclass
class Outcome:
    """The engine's answer: what to say, where the learner is now, and what to record."""

    response: Response
    place: Place
    changes: list[Change] = field(default_factory=list)
    about_question: bool = False  # came from the question desk, so its "Did you mean…?" stays open


def clean_text(text: str) -> str:
    """Drop control characters and fold width, so what farmers type compares reliably."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in text if unicodedata.category(ch)[0] != "C" or ch in "\n\t").strip()


class LessonEngine:
    """Turns (learner, input) into (reply, new place, changes) using the curriculum's rules."""

    def __init__(self, curriculum: Curriculum, faq: FaqMatcher | None = None) -> None:
        self.cur = curriculum
        self.desk = QuestionDesk(self, faq) if faq is not None else None
        self.practice = PracticeDesk(self)

    # ----- text and small pieces -------------------------------------------------------------

    def t(self, lang: str, key: str, **values: object) -> str:
        texts = self.cur.ui.get(lang) or self.cur.ui[LANGS[0]]
        template = texts.get(key, key)
        return template.format(**values) if values else template

    def b(self, lang: str, key: str, action: str, **values: object) -> Button:
        return Button(self.t(lang, key, **values), action)

    def home_button(self, lang: str) -> Button:
        return self.b(lang, "btn_home", "home")

    def rendered(self, view: LearnerView, lesson: Lesson) -> RenderedLesson:
        p = view.profile
        return self.cur.renderer.render_lesson(lesson, p.lang, p.name)

    def tier_name(self, lang: str, tier: Tier) -> str:
        return self.t(lang, f"tier_{tier.value}")

    # ----- entry point -----------------------------------------------------------------------

    def handle(self, view: LearnerView, inp: Input, now: datetime) -> Outcome:
        if isinstance(inp, Press):
            outcome = self.press(view, inp.action)
        elif isinstance(inp, Command):
            outcome = self.command(view, inp.name, inp.arg)
        elif isinstance(inp, Say):
            outcome = self.say(view, inp.text)
        else:
            outcome = self.media(view, inp)
        if outcome.place.offered and not outcome.about_question:
            outcome.place = outcome.place.moved(offered=())  # the choices are gone from view
        return self._with_recap(view, outcome, now)

    def _with_recap(self, view: LearnerView, outcome: Outcome, now: datetime) -> Outcome:
        """After more than a day away, say in one line where the learner left off."""
        if view.last_active is None or now - view.last_active <= RECAP_AFTER:
            return outcome
        lesson = self.cur.lessons.get(view.place.lesson or "")
        if lesson is None or view.place.screen not in (Screen.step, Screen.question):
            return outcome
        lang = view.profile.lang
        title = self.rendered(view, lesson).title
        if view.place.screen is Screen.step:
            where = self.t(lang, "recap_step", title=title, step=view.place.step + 1)
        else:
            where = self.t(lang, "recap_question", title=title)
        recap = Message(self.t(lang, "recap", name=view.profile.name, where=where))
        outcome.response = Response((recap, *outcome.response.messages), outcome.response.notice)
        return outcome

    # ----- screens: what the learner sees at a place ----------------------------------------

    def screen(self, view: LearnerView, place: Place | None = None) -> list[Message]:
        """The messages that show a place; used to resume, repeat and recover."""
        place = place or view.place
        lang = view.profile.lang
        match place.screen:
            case Screen.welcome:
                return [self._welcome(lang)]
            case Screen.name:
                return [self._ask_name(view)]
            case Screen.more:
                return [self._more(lang)]
            case Screen.language:
                return [self._language(lang)]
            case Screen.tracks:
                return [self._tracks(lang)]
            case Screen.track if place.track in self.cur.tracks:
                return [self._track(view, place.track)]
            case Screen.tier if place.track in self.cur.tracks and place.tier:
                return [self._tier(view, place.track, place.tier)]
            case Screen.locked if place.track in self.cur.tracks and place.tier:
                return [self._locked(view, place.track, place.tier)]
            case Screen.step if place.lesson in self.cur.lessons:
                return self._step(view, self.cur.lessons[place.lesson], place.step)
            case Screen.question if place.lesson in self.cur.lessons:
                return [self._question(view, self.cur.lessons[place.lesson], place.question)]
            case Screen.finished if place.lesson in self.cur.lessons:
                return [self._finished(view, self.cur.lessons[place.lesson])]
            case Screen.placement if place.track in self.cur.tracks:
                return [self._placement_question(view, place.track, len(place.answers))]
            case Screen.progress:
                return [self._progress(view)]
            case Screen.evidence if place.lesson in self.cur.lessons:
                return [self.practice.evidence_prompt(view, self.cur.lessons[place.lesson])]
            case Screen.income:
                return [self.practice.income_prompt(view)]
            case Screen.reminders:
                return [self._reminders(view)]
            case Screen.reminder_hours:
                return [self._reminder_hours(view)]
            case Screen.reminder_zones:
                return [self._reminder_zones(view)]
            case Screen.forget:
                return [self._forget(lang)]
            case _:
                return [self._menu(view)]

    def _welcome(self, lang: str) -> Message:
        other = "en" if lang == "zh" else "zh"
        return Message(
            self.t(lang, "welcome"),
            keyboard(
                self.b(lang, "btn_begin", "begin"),
                Button(self.t(other, "btn_this_language"), f"lang:{other}"),
            ),
        )

    def _ask_name(self, view: LearnerView) -> Message:
        lang = view.profile.lang
        suggested = view.profile.name
        keep = None
        if suggested and split_icon(self.t(lang, "btn_keep_name", name=suggested))[1]:
            label = self.t(lang, "btn_keep_name", name=suggested[:6] if lang == "zh" else suggested[:12])
            keep = Button(label, "name:keep")
        return Message(self.t(lang, "ask_name"), keyboard(keep, self.b(lang, "btn_skip_name", "name:skip")))

    def _menu(self, view: LearnerView) -> Message:
        lang = view.profile.lang
        text = self.t(lang, "menu", name=view.profile.name)
        nxt = self.continue_target(view)
        if nxt is not None:
            title = self.rendered(view, nxt[0]).title
            text += "\n\n" + self.t(lang, "menu_next", title=title)
        # A task put off for later takes the Ask button's place (typing a question always works).
        third = self.b(lang, "btn_ask", "ask")
        task = next((self.cur.lessons[t] for t in view.progress.open_tasks if t in self.cur.lessons), None)
        if task is not None:
            text += "\n" + self.t(lang, "menu_task", title=self.rendered(view, task).title)
            third = self.b(lang, "btn_my_task", f"prc:open:{task.id}")
        return Message(
            text,
            keyboard(
                self.b(lang, "btn_continue", "continue"),
                self.b(lang, "btn_courses", "tracks"),
                third,
                self.b(lang, "btn_more", "more"),
            ),
        )

    def _more(self, lang: str) -> Message:
        return Message(
            self.t(lang, "more"),
            keyboard(
                self.b(lang, "btn_progress", "progress"),
                self.b(lang, "btn_language", "language"),
                self.b(lang, "btn_mydata", "mydata"),
                self.b(lang, "btn_reminders", "rem:show"),
            ),
        )

    def _language(self, lang: str) -> Message:
        return Message(
            self.t(lang, "choose_language"),
            keyboard(
                Button(self.t("zh", "btn_this_language"), "lang:zh"),
                Button(self.t("en", "btn_this_language"), "lang:en"),
                self.home_button(lang),
            ),
        )

    def _tracks(self, lang: str) -> Message:
        buttons = [
            Button(f"{tr.icon} {tr.title.get(lang)}", f"trk:{tr.track}")
            for tr in (self.cur.tracks[t] for t in self.cur.track_ids[:3])
        ]
        return Message(self.t(lang, "choose_track"), keyboard(*buttons, self.home_button(lang)))

    def _tier_status(self, view: LearnerView, track: str, tier: Tier) -> tuple[str, int, int]:
        lessons = self.cur.lessons_in(track, tier)
        done = sum(1 for ls in lessons if ls.id in view.progress.completed)
        if not view.progress.tier_unlocked(track, tier):
            icon = "🔒"
        elif done == len(lessons):
            icon = "✅"
        else:
            icon = TIER_ICONS[tier]
        return icon, done, len(lessons)

    def _track(self, view: LearnerView, track: str) -> Message:
        lang = view.profile.lang
        tr = self.cur.tracks[track]
        lines = [f"{tr.icon} {tr.title.get(lang)}", ""]
        buttons = []
        for tier in Tier:
            icon, done, total = self._tier_status(view, track, tier)
            name = self.tier_name(lang, tier)
            lines.append(self.t(lang, "tier_line", icon=icon, tier=name, done=done, total=total))
            buttons.append(Button(f"{icon} {name}", f"tier:{track}:{tier.value}"))
        lines += ["", self.t(lang, "choose_tier")]
        return Message("\n".join(lines), keyboard(*buttons, self.home_button(lang)))

    def _locked(self, view: LearnerView, track: str, tier: Tier) -> Message:
        lang = view.profile.lang
        below = list(Tier)[tier.rank - 1]
        text = self.t(lang, "tier_locked", tier=self.tier_name(lang, tier), below=self.tier_name(lang, below))
        return Message(
            text,
            keyboard(
                self.b(lang, "btn_placement", f"place:{track}"),
                self.b(lang, "btn_back_track", f"trk:{track}"),
                self.home_button(lang),
            ),
        )

    def _tier(self, view: LearnerView, track: str, tier: Tier) -> Message:
        lang = view.profile.lang
        lessons = self.cur.lessons_in(track, tier)
        lines = [f"{TIER_ICONS[tier]} {self.tier_name(lang, tier)}", ""]
        for n, lesson in enumerate(lessons, start=1):
            mark = "✅" if lesson.id in view.progress.completed else "⬜"
            title = self.rendered(view, lesson).title
            lines.append(self.t(lang, "lesson_line", mark=mark, n=n, title=title, minutes=lesson.minutes))
        # Offer the next lesson to do first, then the others, within the four-button limit.
        todo = [ls for ls in lessons if ls.id not in view.progress.completed]
        order = todo + [ls for ls in lessons if ls not in todo]
        buttons = []
        for lesson in order[:3]:
            n = lessons.index(lesson) + 1
            icon = "✅" if lesson.id in view.progress.completed else "▶️"
            buttons.append(Button(f"{icon} {self.t(lang, 'lesson_n', n=n)}", f"les:{lesson.id}"))
        buttons.sort(key=lambda b: b.action != f"les:{order[0].id}")
        lines += ["", self.t(lang, "choose_lesson")]
        return Message("\n".join(lines), keyboard(*buttons, self.home_button(lang)))

    def _step(self, view: LearnerView, lesson: Lesson, index: int) -> list[Message]:
        lang = view.profile.lang
        text = self.rendered(view, lesson)
        index = max(0, min(index, len(lesson.steps) - 1))
        step = lesson.steps[index]
        header = self.t(lang, "step_header", title=text.title, n=index + 1, total=len(lesson.steps))
        ctx = f"{lesson.id}:{index}"
        voice = step.voice.get(lang) if step.voice else None
        second = self.b(lang, "btn_listen", f"vo:{ctx}") if voice else self.b(lang, "btn_repeat", f"rp:{ctx}")
        back = self.b(lang, "btn_back", f"bk:{ctx}") if index > 0 else None
        kb: Keyboard = keyboard(self.b(lang, "btn_next", f"nx:{ctx}"), second, back, self.home_button(lang))
        image = self.cur.media_path(step.image) if step.image else None
        return [Message(f"{header}\n\n{text.steps[index]}", kb, image=image)]

    def _question(self, view: LearnerView, lesson: Lesson, index: int, prefix: str = "") -> Message:
        lang = view.profile.lang
        q = self.rendered(view, lesson).questions[index]
        header = self.t(lang, "question_header", n=index + 1, total=len(lesson.questions))
        buttons = [
            Button(f"{OPTION_ICONS[i]} {opt}", f"ans:{lesson.id}:{index}:{i}")
            for i, opt in enumerate(q.options)
        ]
        text = f"{header}\n\n{q.ask}"
        return Message(f"{prefix}{text}", keyboard(*buttons, self.home_button(lang)))

    def _finished(self, view: LearnerView, lesson: Lesson) -> Message:
        lang = view.profile.lang
        text = self.rendered(view, lesson)
        body = (
            self.t(lang, "lesson_done", title=text.title) + "\n\n" + self.t(lang, "practice", task=text.task)
        )
        task_buttons = self.practice.finish_buttons(view, lesson)
        return Message(body, keyboard(*task_buttons, *self.onward_buttons(view, lesson)))

    def onward_buttons(self, view: LearnerView, lesson: Lesson) -> list[Button]:
        """After a lesson: the next one in its tier, if any, and home."""
        lang = view.profile.lang
        nxt = self.lesson_after(view, lesson)
        next_button = [self.b(lang, "btn_next_lesson", f"nextles:{lesson.id}")] if nxt else []
        return [*next_button, self.home_button(lang)]

    def _placement_question(self, view: LearnerView, track: str, index: int) -> Message:
        lang = view.profile.lang
        tr = self.cur.tracks[track]
        q = tr.placement[index]
        header = self.t(lang, "placement_header", n=index + 1, total=len(tr.placement))
        buttons = [
            Button(f"{OPTION_ICONS[i]} {opt.get(lang)}", f"pla:{track}:{index}:{i}")
            for i, opt in enumerate(q.options)
        ]
        return Message(f"{header}\n\n{q.ask.get(lang)}", keyboard(*buttons, self.home_button(lang)))

    def _progress(self, view: LearnerView) -> Message:
        lang = view.profile.lang
        lines = [self.t(lang, "progress_title")]
        for track in self.cur.track_ids:
            tr = self.cur.tracks[track]
            lines.append("")
            lines.append(f"{tr.icon} {tr.title.get(lang)}")
            for tier in Tier:
                icon, done, total = self._tier_status(view, track, tier)
                name = self.tier_name(lang, tier)
                lines.append(self.t(lang, "tier_line", icon=icon, tier=name, done=done, total=total))
        if view.progress.streak > 1:
            lines += ["", self.t(lang, "streak", days=view.progress.streak)]
        badges = self.completed_tiers(view)
        certificates = self.b(lang, "btn_certificates", "cert") if badges else None
        if badges:
            lines.append(self.t(lang, "badges", count=len(badges)))
        return Message(
            "\n".join(lines),
            keyboard(self.b(lang, "btn_continue", "continue"), certificates, self.home_button(lang)),
        )

    def completed_tiers(self, view: LearnerView) -> list[tuple[str, Tier]]:
        """(track, tier) for each tier whose lessons are all done: the learner's badges."""
        return [
            (track, tier)
            for track in self.cur.track_ids
            for tier in Tier
            if (cell := self.cur.lessons_in(track, tier))
            and all(ls.id in view.progress.completed for ls in cell)
        ]

    def _forget(self, lang: str) -> Message:
        return Message(
            self.t(lang, "forget_confirm"),
            keyboard(self.b(lang, "btn_forget_yes", "forget:yes"), self.b(lang, "btn_forget_no", "home")),
        )

    # ----- navigation helpers ----------------------------------------------------------------

    def lesson_after(self, view: LearnerView, lesson: Lesson) -> Lesson | None:
        """The lesson that follows this one for this learner, if one is open to them."""
        nxt = self.cur.next_lesson(lesson)
        if nxt is not None:
            return nxt
        higher = lesson.tier.next()
        if higher is not None and view.progress.tier_unlocked(lesson.track, higher):
            cell = self.cur.lessons_in(lesson.track, higher)
            return cell[0] if cell else None
        return None

    def continue_target(self, view: LearnerView) -> tuple[Lesson, Place] | None:
        """Where "Continue" takes the learner: their open lesson, else the next one to do."""
        place = view.place
        if place.lesson in self.cur.lessons and place.screen in (Screen.step, Screen.question):
            return self.cur.lessons[place.lesson], place
        track = place.track if place.track in self.cur.tracks else None
        tracks = [track] if track else []
        tracks += [t for t in self.cur.track_ids if t != track]
        for tr in tracks:
            if tr != track and not any(
                ls.track == tr
                for ls in self.cur.lessons.values()
                if ls.id in view.progress.started or ls.id in view.progress.completed
            ):
                continue
            for tier in Tier:
                if not view.progress.tier_unlocked(tr, tier):
                    break
                for lesson in self.cur.lessons_in(tr, tier):
                    if lesson.id not in view.progress.completed:
                        return lesson, self._open_place(view, lesson)
        return None

    def _open_place(self, view: LearnerView, lesson: Lesson) -> Place:
        step = view.progress.started.get(lesson.id, 0)
        step = max(0, min(step, len(lesson.steps) - 1))
        return Place(screen=Screen.step, track=lesson.track, tier=lesson.tier, lesson=lesson.id, step=step)

    def _show(
        self,
        view: LearnerView,
        place: Place,
        changes: list[Change] | None = None,
        notice: str | None = None,
        before: list[Message] | None = None,
    ) -> Outcome:
        messages = (before or []) + self.screen(view, place)
        return Outcome(Response(tuple(messages), notice), place, changes or [])

    def _open_lesson(self, view: LearnerView, lesson: Lesson, action: str) -> Outcome:
        place = self._open_place(view, lesson).moved(last=action)
        changes: list[Change] = []
        if lesson.id not in view.progress.started and lesson.id not in view.progress.completed:
            changes.append(LessonStarted(lesson.id))
        changes.append(StepShown(lesson.id, place.step, "open"))
        return self._show(view, place, changes)

    # ----- inputs ----------------------------------------------------------------------------

    def press(self, view: LearnerView, action: str) -> Outcome:
        if view.place.last and action == view.place.last and not action.startswith(("rp:", "vo:")):
            # The same button again (a double tap, or Telegram delivering an update twice).
            return Outcome(Response((), self.t(view.profile.lang, "notice_already")), view.place)
        outcome = self._press(view, action)
        if outcome is None:
            return self._show(
                view,
                view.place,
                notice=self.t(view.profile.lang, "notice_stale"),
                before=[Message(self.t(view.profile.lang, "stale_button"))],
            )
        if outcome.place is not view.place:
            outcome.place = outcome.place.moved(last=action)
        return outcome

    def _press(self, view: LearnerView, action: str) -> Outcome | None:
        lang = view.profile.lang
        place = view.place
        head, _, rest = action.partition(":")
        parts = rest.split(":") if rest else []

        if head == "lang" and parts and parts[0] in LANGS:
            return self._set_language(view, parts[0])
        if place.screen is Screen.welcome:
            if head == "begin":
                return self._show(view, Place(screen=Screen.name))
            return None
        if place.screen is Screen.name and head == "name":
            return self._set_name(
                view, view.profile.name if parts == ["keep"] else self.t(lang, "default_name")
            )
        if head == "home":
            return self._show(view, Place(screen=Screen.menu, track=place.track))
        if head == "back":
            return self._show(view, place)
        if head == "more":
            return self._show(view, place.moved(screen=Screen.more))
        if head == "language":
            return self._show(view, place.moved(screen=Screen.language))
        if head == "tracks":
            return self._show(view, Place(screen=Screen.tracks, track=place.track))
        if head == "progress":
            return self._show(view, Place(screen=Screen.progress, track=place.track))
        if head == "ask":
            return Outcome(
                Response((Message(self.t(lang, "ask_prompt"), keyboard(self.home_button(lang))),)),
                place,
            )
        if head == "forget" and not parts:
            return self._show(view, Place(screen=Screen.forget, track=place.track))
        if head == "continue":
            target = self.continue_target(view)
            if target is None:
                return self._show(view, Place(screen=Screen.tracks, track=place.track))
            lesson, target_place = target
            if target_place == place or (
                target_place.lesson == place.lesson and place.screen is Screen.question
            ):
                return self._show(view, place.moved())
            return self._open_lesson(view, lesson, action)
        if head == "trk" and parts and parts[0] in self.cur.tracks:
            return self._show(view, Place(screen=Screen.track, track=parts[0]))
        if (
            head == "tier"
            and len(parts) == 2
            and parts[0] in self.cur.tracks
            and parts[1] in Tier.__members__
        ):
            track, tier = parts[0], Tier(parts[1])
            screen = Screen.tier if view.progress.tier_unlocked(track, tier) else Screen.locked
            return self._show(view, Place(screen=screen, track=track, tier=tier))
        if head == "les" and parts and parts[0] in self.cur.lessons:
            lesson = self.cur.lessons[parts[0]]
            if not view.progress.tier_unlocked(lesson.track, lesson.tier):
                return self._show(view, Place(screen=Screen.locked, track=lesson.track, tier=lesson.tier))
            return self._open_lesson(view, lesson, action)
        if head == "place" and parts and parts[0] in self.cur.tracks:
            return self._show(view, Place(screen=Screen.placement, track=parts[0]))
        if head == "pla":
            return self._placement_answer(view, parts)
        if head in ("nx", "bk", "rp", "vo"):
            return self._step_action(view, head, parts)
        if head == "ans":
            return self._answer(view, parts)
        if head == "rem":
            return self._reminder_press(view, parts)
        if head == "prc":
            return self.practice.press(view, parts)
        if head == "out":
            return self.practice.outcome_press(view, parts)
        if head == "faq" and parts and self.desk is not None:
            return self.desk.press(view, parts[0])
        if head == "nextles" and parts and parts[0] in self.cur.lessons:
            lesson = self.cur.lessons[parts[0]]
            if place.screen is not Screen.finished or place.lesson != lesson.id:
                return None
            nxt = self.lesson_after(view, lesson)
            return self._open_lesson(view, nxt, action) if nxt else None
        return None

    def _reminders(self, view: LearnerView) -> Message:
        lang, p = view.profile.lang, view.profile
        if p.reminders_on:
            text = self.t(lang, "reminders_on", hour=p.reminder_hour, zone=self.zone_name(lang, p.timezone))
            toggle = self.b(lang, "btn_reminders_off", "rem:off")
            hours: Button | None = self.b(lang, "btn_reminder_time", "rem:hours")
            zones: Button | None = self.b(lang, "btn_reminder_zone", "rem:zones")
        else:
            text, toggle, hours, zones = (
                self.t(lang, "reminders_off"),
                self.b(lang, "btn_reminders_on", "rem:on"),
                None,
                None,
            )
        return Message(text, keyboard(toggle, hours, zones, self.home_button(lang)))

    def zone_name(self, lang: str, zone: str) -> str:
        """北京时间 / Beijing time for the zones the learner can pick; the zone's own name otherwise."""
        key = next((k for k, z in LEARNER_ZONES.items() if z == zone), None)
        return self.t(lang, f"zone_{key}") if key else zone

    def _reminder_zones(self, view: LearnerView) -> Message:
        lang = view.profile.lang
        buttons = [self.b(lang, f"btn_zone_{key}", f"rem:tz:{key}") for key in LEARNER_ZONES]
        return Message(
            self.t(lang, "reminder_zones"), keyboard(*buttons, self.b(lang, "btn_back_to", "rem:show"))
        )

    def _reminder_hours(self, view: LearnerView) -> Message:
        lang = view.profile.lang
        buttons = [self.b(lang, f"btn_hour_{hour}", f"rem:hour:{hour}") for hour in REMINDER_HOURS]
        return Message(
            self.t(lang, "reminder_hours"), keyboard(*buttons, self.b(lang, "btn_back_to", "rem:show"))
        )

    def _reminder_press(self, view: LearnerView, parts: list[str]) -> Outcome | None:
        lang = view.profile.lang
        here = Place(screen=Screen.reminders, track=view.place.track)
        match parts:
            case ["show"]:
                return self._show(view, here)
            case ["hours"]:
                return self._show(view, here.moved(screen=Screen.reminder_hours))
            case ["zones"]:
                return self._show(view, here.moved(screen=Screen.reminder_zones))
            case ["tz", key] if key in LEARNER_ZONES:
                zone = LEARNER_ZONES[key]
                profile = replace(view.profile, timezone=zone)
                change = RemindersSet(on=view.profile.reminders_on, timezone=zone)
                return self._show(replace(view, profile=profile), here, [change])
            case ["on" | "off" as state]:
                on = state == "on"
                new_view = replace(view, profile=replace(view.profile, reminders_on=on))
                note = Message(self.t(lang, "reminders_set_on" if on else "reminders_set_off"))
                return self._show(new_view, here, [RemindersSet(on=on)], before=[note])
            case ["hour", hour] if hour.isdecimal() and int(hour) in REMINDER_HOURS:
                profile = replace(view.profile, reminders_on=True, reminder_hour=int(hour))
                change = RemindersSet(on=True, hour=int(hour))
                return self._show(replace(view, profile=profile), here, [change])
        return None

    def _set_language(self, view: LearnerView, lang: str) -> Outcome:
        profile = replace(view.profile, lang=lang)
        new_view = LearnerView(profile, view.place, view.progress, view.last_active, view.is_new)
        place = view.place if view.place.screen in (Screen.welcome,) else view.place.moved(screen=Screen.menu)
        if view.place.screen is Screen.language:
            place = Place(screen=Screen.menu, track=view.place.track)
        before = [] if view.place.screen is Screen.welcome else [Message(self.t(lang, "language_set"))]
        outcome = self._show(new_view, place, [ProfileSet(lang=lang)], before=before)
        return outcome

    def _set_name(self, view: LearnerView, name: str) -> Outcome:
        name = clean_text(name).replace("\n", " ")[:MAX_NAME_LENGTH] or self.t(
            view.profile.lang, "default_name"
        )
        profile = replace(view.profile, name=name)
        new_view = LearnerView(profile, view.place, view.progress, view.last_active, view.is_new)
        greeting = Message(self.t(profile.lang, "name_set", name=name))
        return self._show(new_view, Place(screen=Screen.menu), [ProfileSet(name=name)], before=[greeting])

    def _step_action(self, view: LearnerView, head: str, parts: list[str]) -> Outcome | None:
        place = view.place
        if len(parts) != 2 or place.screen is not Screen.step or place.lesson != parts[0]:
            return None
        if not parts[1].isdecimal() or int(parts[1]) != place.step:
            return None
        lesson = self.cur.lessons[parts[0]]
        lang = view.profile.lang
        if head == "rp":
            return self._show(view, place, [StepShown(lesson.id, place.step, "repeat")])
        if head == "vo":
            step = lesson.steps[place.step]
            voice = step.voice.get(lang) if step.voice else None
            if not voice:
                return None
            msg = Message(self.t(lang, "voice_caption"), voice=self.cur.media_path(voice))
            return Outcome(Response((msg,)), place, [StepShown(lesson.id, place.step, "voice")])
        if head == "bk":
            target = place.moved(step=max(0, place.step - 1))
            return self._show(view, target, [StepShown(lesson.id, target.step, "back")])
        if place.step + 1 < len(lesson.steps):
            target = place.moved(step=place.step + 1)
            return self._show(view, target, [StepShown(lesson.id, target.step, "next")])
        target = place.moved(screen=Screen.question, question=0)
        return self._show(view, target, [StepShown(lesson.id, place.step, "finish")])

    def _answer(self, view: LearnerView, parts: list[str]) -> Outcome | None:
        place = view.place
        if len(parts) != 3 or place.screen is not Screen.question or place.lesson != parts[0]:
            return None
        if not (parts[1].isdecimal() and parts[2].isdecimal()) or int(parts[1]) != place.question:
            return None
        lesson = self.cur.lessons[parts[0]]
        qi, choice = int(parts[1]), int(parts[2])
        question = lesson.questions[qi]
        if choice >= len(question.options):
            return None
        lang = view.profile.lang
        correct = choice == question.right_index
        changes: list[Change] = [Answered(lesson.id, qi, choice, correct)]
        text = self.rendered(view, lesson)
        if not correct:
            retry = self.t(lang, "answer_wrong", explain=text.questions[qi].explain)
            msg = self._question(view, lesson, qi, prefix=retry + "\n\n")
            # The place stays the same object, so trying the same option again is not a double tap.
            return Outcome(Response((msg,)), place, changes)
        right = self.t(lang, "answer_right")
        if qi + 1 < len(lesson.questions):
            target = place.moved(question=qi + 1)
            msg = self._question(view, lesson, qi + 1, prefix=right + "\n\n")
            return Outcome(Response((msg,)), target, changes)
        return self._complete(view, lesson, changes, right)

    def _complete(self, view: LearnerView, lesson: Lesson, changes: list[Change], right: str) -> Outcome:
        lang = view.profile.lang
        changes.append(LessonCompleted(lesson.id))
        completed = view.progress.completed | {lesson.id}
        before = [Message(right)]
        cell = self.cur.lessons_in(lesson.track, lesson.tier)
        unlocked = dict(view.progress.unlocked)
        if all(ls.id in completed for ls in cell):
            if lesson.id not in view.progress.completed:
                changes.append(TierCompleted(lesson.track, lesson.tier))
            higher = lesson.tier.next()
            tier_name = self.tier_name(lang, lesson.tier)
            if higher is not None and not view.progress.tier_unlocked(lesson.track, higher):
                changes.append(TierUnlocked(lesson.track, higher, "completed"))
                unlocked[lesson.track] = higher
                text = self.t(lang, "tier_done_unlocked", tier=tier_name, next=self.tier_name(lang, higher))
            else:
                text = self.t(lang, "tier_done", tier=tier_name)
            before.append(Message(text))
        progress = replace(
            view.progress,
            completed=frozenset(completed),
            started={k: v for k, v in view.progress.started.items() if k != lesson.id},
            unlocked=unlocked,
        )
        new_view = LearnerView(view.profile, view.place, progress, view.last_active, view.is_new)
        place = view.place.moved(screen=Screen.finished, question=0)
        return self._show(new_view, place, changes, before=before)

    def _placement_answer(self, view: LearnerView, parts: list[str]) -> Outcome | None:
        place = view.place
        if len(parts) != 3 or place.screen is not Screen.placement or place.track != parts[0]:
            return None
        if not (parts[1].isdecimal() and parts[2].isdecimal()) or int(parts[1]) != len(place.answers):
            return None
        track = self.cur.tracks[parts[0]]
        choice = int(parts[2])
        if choice >= len(track.placement[int(parts[1])].options):
            return None
        answers = (*place.answers, choice)
        if len(answers) < len(track.placement):
            return self._show(view, place.moved(answers=answers))
        placed = placement_tier(track.placement, answers)
        changes: list[Change] = [PlacementTaken(track.track, answers, placed)]
        unlocked = dict(view.progress.unlocked)
        if placed.rank > unlocked.get(track.track, Tier.basic).rank:
            changes.append(TierUnlocked(track.track, placed, "placement"))
            unlocked[track.track] = placed
        lang = view.profile.lang
        progress = view.progress.__class__(view.progress.completed, view.progress.started, unlocked)
        new_view = LearnerView(view.profile, view.place, progress, view.last_active, view.is_new)
        result = Message(self.t(lang, "placement_result", tier=self.tier_name(lang, placed)))
        target = Place(screen=Screen.tier, track=track.track, tier=placed)
        return self._show(new_view, target, changes, before=[result])

    def command(self, view: LearnerView, name: str, arg: str) -> Outcome:
        lang = view.profile.lang
        place = view.place
        if name == "start":
            changes: list[Change] = []
            cohort = re.sub(r"[^A-Za-z0-9_-]", "", arg)[:32]
            if cohort and cohort != view.profile.cohort:
                changes.append(ProfileSet(cohort=cohort))
            if place.screen in (Screen.welcome, Screen.name):
                return self._show(view, place, changes)
            if place.screen in (Screen.step, Screen.question):
                return self._show(view, place, changes)
            return self._show(view, Place(screen=Screen.menu, track=place.track), changes)
        if place.screen is Screen.welcome and name not in ("lang", "help", "mydata", "forget"):
            return self._show(view, place)
        if name == "menu":
            return self._show(view, Place(screen=Screen.menu, track=place.track))
        if name == "progress":
            return self._show(view, Place(screen=Screen.progress, track=place.track))
        if name == "reminders":
            return self._show(view, Place(screen=Screen.reminders, track=place.track))
        if name == "income":
            return self._show(view, Place(screen=Screen.income, track=place.track))
        if name == "lang":
            return self._show(view, place.moved(screen=Screen.language))
        if name == "help":
            return Outcome(
                Response(
                    (
                        Message(
                            self.t(lang, "help"),
                            keyboard(self.b(lang, "btn_back_to", "back"), self.home_button(lang)),
                        ),
                    )
                ),
                place,
            )
        if name == "forget":
            return self._show(view, Place(screen=Screen.forget, track=place.track))
        return Outcome(Response((self._unknown(lang),)), place)

    def _unknown(self, lang: str) -> Message:
        return Message(
            self.t(lang, "unknown"),
            keyboard(self.b(lang, "btn_back_to", "back"), self.home_button(lang)),
        )

    def button_for_text(self, view: LearnerView, text: str) -> Button | None:
        """A typed number or label presses the matching button on the learner's current screen."""
        messages = self.screen(view)
        buttons = messages[-1].buttons() if messages else []
        typed = text.strip().casefold()
        if typed.isdecimal() and 1 <= int(typed) <= len(buttons):
            return buttons[int(typed) - 1]
        for button in buttons:
            if typed and typed in (button.label.casefold(), split_icon(button.label)[1].casefold()):
                return button
        return None

    def say(self, view: LearnerView, text: str) -> Outcome:
        text = clean_text(text)
        lang = view.profile.lang
        if view.place.screen is Screen.name and text and not text.startswith("/"):
            button = self.button_for_text(view, text)
            if button is not None:
                return self.press(view, button.action)
            return self._set_name(view, text)
        pressed = self.button_for_text(view, text)
        waiting_evidence = view.place.screen is Screen.evidence and view.place.lesson in self.cur.lessons
        if waiting_evidence and text and pressed is None:
            return self.practice.evidence(view, text)
        reported = self.practice.typed_outcome(view, text) if text and pressed is None else None
        if reported is not None:
            return reported
        choice = self.desk.choice_for_text(view, text) if self.desk is not None else None
        if choice is not None:
            return self.press(view, f"faq:{choice}")
        button = self.button_for_text(view, text)
        if button is not None:
            return self.press(view, button.action)
        if view.place.screen is Screen.welcome:
            return self._show(view, view.place, before=[Message(self.t(lang, "welcome_hint"))])
        if self.desk is not None and looks_like_words(text):
            return self.desk.ask(view, text)
        return Outcome(Response((self._unknown(lang),)), view.place)

    def media(self, view: LearnerView, inp: Media) -> Outcome:
        lang = view.profile.lang
        if view.place.screen is Screen.evidence and view.place.lesson in self.cur.lessons:
            return self.practice.evidence(view, inp)
        key = f"media_{inp.kind}" if f"media_{inp.kind}" in self.cur.ui.get(lang, {}) else "media_other"
        msg = Message(
            self.t(lang, key), keyboard(self.b(lang, "btn_back_to", "back"), self.home_button(lang))
        )
        return Outcome(Response((msg,)), view.place)


def placement_tier(questions: Sequence[PlacementQuestion], answers: tuple[int, ...]) -> Tier:
    """The tier a learner starts at: above each tier whose placement questions they all got right."""
    placed = Tier.basic
    for tier in (Tier.basic, Tier.intermediate):
        own = [(q, a) for q, a in zip(questions, answers, strict=True) if q.tier is tier]
        if own and all(a == q.right_index for q, a in own):
            placed = tier.next() or placed
        else:
            break
    return placed
