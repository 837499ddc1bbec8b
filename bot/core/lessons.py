"""Inside a lesson: its steps, its check questions (answered with buttons), its end, and what is next.

Every button names the step or question it was made for (`nx:LESSON:STEP`, `ans:LESSON:Q:OPTION`),
so a double tap or an old message's button can neither skip a step nor answer for the learner.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from bot.content.models import Lesson, Tier
from bot.core.messages import Button, Keyboard, Message, Response, keyboard
from bot.core.outcome import Outcome, said
from bot.core.screens import TIER_ICONS
from bot.core.state import (
    Answered,
    Change,
    LearnerView,
    LessonCompleted,
    LessonStarted,
    Place,
    Screen,
    StepShown,
    TierCompleted,
    TierUnlocked,
)

if TYPE_CHECKING:
    from bot.core.engine import LessonEngine

OPTION_ICONS = ("1️⃣", "2️⃣", "3️⃣")


class LessonFlow:
    def __init__(self, engine: LessonEngine) -> None:
        self.engine = engine

    # ----- screens -----------------------------------------------------------------------------

    def tier_screen(self, view: LearnerView, track: str, tier: Tier) -> Message:
        e, lang = self.engine, view.profile.lang
        lessons = e.cur.lessons_in(track, tier)
        lines = [f"{TIER_ICONS[tier]} {e.tier_name(lang, tier)}", ""]
        for n, lesson in enumerate(lessons, start=1):
            mark = "✅" if lesson.id in view.progress.completed else "⬜"
            title = e.rendered(view, lesson).title
            lines.append(e.t(lang, "lesson_line", mark=mark, n=n, title=title, minutes=lesson.minutes))
        # Offer the next lesson to do first, then the others, within the four-button limit.
        todo = [ls for ls in lessons if ls.id not in view.progress.completed]
        order = todo + [ls for ls in lessons if ls not in todo]
        buttons = []
        for lesson in order[:3]:
            n = lessons.index(lesson) + 1
            icon = "✅" if lesson.id in view.progress.completed else "▶️"
            buttons.append(Button(f"{icon} {e.t(lang, 'lesson_n', n=n)}", f"les:{lesson.id}"))
        if order:
            buttons.sort(key=lambda b: b.action != f"les:{order[0].id}")
        lines += ["", e.t(lang, "choose_lesson")]
        return Message("\n".join(lines), keyboard(*buttons, e.home_button(lang)))

    def step(self, view: LearnerView, lesson: Lesson, index: int) -> list[Message]:
        e, lang = self.engine, view.profile.lang
        text = e.rendered(view, lesson)
        index = max(0, min(index, len(lesson.steps) - 1))
        step = lesson.steps[index]
        header = e.t(lang, "step_header", title=text.title, n=index + 1, total=len(lesson.steps))
        ctx = f"{lesson.id}:{index}"
        voice = step.voice.get(lang) if step.voice else None
        second = e.b(lang, "btn_listen", f"vo:{ctx}") if voice else e.b(lang, "btn_repeat", f"rp:{ctx}")
        back = e.b(lang, "btn_back", f"bk:{ctx}") if index > 0 else None
        kb: Keyboard = keyboard(e.b(lang, "btn_next", f"nx:{ctx}"), second, back, e.home_button(lang))
        image = e.cur.media_path(step.image) if step.image else None
        return [Message(f"{header}\n\n{text.steps[index]}", kb, image=image)]

    def question(self, view: LearnerView, lesson: Lesson, index: int, prefix: str = "") -> Message:
        e, lang = self.engine, view.profile.lang
        q = e.rendered(view, lesson).questions[index]
        header = e.t(lang, "question_header", n=index + 1, total=len(lesson.questions))
        buttons = [
            Button(f"{OPTION_ICONS[i]} {opt}", f"ans:{lesson.id}:{index}:{i}")
            for i, opt in enumerate(q.options)
        ]
        return Message(f"{prefix}{header}\n\n{q.ask}", keyboard(*buttons, e.home_button(lang)))

    def finished(self, view: LearnerView, lesson: Lesson, celebrate: bool = True) -> Message:
        """The lesson's end: its practice task, Done / Later, and what is next.

        Opened again from "📝 My task" it shows only the task: the celebration was said once.
        """
        e, lang = self.engine, view.profile.lang
        text = e.rendered(view, lesson)
        body = e.t(lang, "practice", task=text.task)
        if celebrate:
            body = e.t(lang, "lesson_done", title=text.title) + "\n\n" + body
        else:
            body = e.t(lang, "task_of", title=text.title) + "\n" + body
        task_buttons = e.practice.finish_buttons(view, lesson)
        return Message(body, keyboard(*task_buttons, *self.onward_buttons(view, lesson)))

    def onward_buttons(self, view: LearnerView, lesson: Lesson) -> list[Button]:
        """After a lesson: the next one in its tier, if any, and home."""
        lang = view.profile.lang
        nxt = self.lesson_after(view, lesson)
        next_button = [self.engine.b(lang, "btn_next_lesson", f"nextles:{lesson.id}")] if nxt else []
        return [*next_button, self.engine.home_button(lang)]

    # ----- where next ---------------------------------------------------------------------------

    def lesson_after(self, view: LearnerView, lesson: Lesson) -> Lesson | None:
        """The lesson that follows this one for this learner, if one is open to them."""
        cur = self.engine.cur
        nxt = cur.next_lesson(lesson)
        if nxt is not None:
            return nxt
        higher = lesson.tier.next()
        if higher is not None and view.progress.tier_unlocked(lesson.track, higher):
            cell = cur.lessons_in(lesson.track, higher)
            return cell[0] if cell else None
        return None

    def continue_target(self, view: LearnerView) -> tuple[Lesson, Place] | None:
        """The lesson "Continue" opens when nothing is left half-done: the open one, else the next.

        The next lesson is looked for from the highest tier open to the learner (where a placement
        test or finishing a tier put them), then above it, then below it.
        """
        cur, place, progress = self.engine.cur, view.place, view.progress
        if place.lesson in cur.lessons and place.screen in (Screen.step, Screen.question):
            return cur.lessons[place.lesson], place
        track = place.track if place.track in cur.tracks else None
        tracks = [track] if track else []
        tracks += [t for t in cur.track_ids if t != track]
        for tr in tracks:
            begun = tr in progress.unlocked or any(
                ls.track == tr
                for ls in cur.lessons.values()
                if ls.id in progress.started or ls.id in progress.completed
            )
            if tr != track and not begun:
                continue
            top = progress.unlocked.get(tr, Tier.basic)
            tiers = [t for t in Tier if t.rank >= top.rank] + [t for t in reversed(Tier) if t.rank < top.rank]
            for tier in tiers:
                if not progress.tier_unlocked(tr, tier):
                    continue
                for lesson in cur.lessons_in(tr, tier):
                    if lesson.id not in progress.completed:
                        return lesson, self.open_place(view, lesson)
        return None

    def open_place(self, view: LearnerView, lesson: Lesson) -> Place:
        step = view.progress.started.get(lesson.id, 0)
        step = max(0, min(step, len(lesson.steps) - 1))
        return Place(screen=Screen.step, track=lesson.track, tier=lesson.tier, lesson=lesson.id, step=step)

    def open_lesson(self, view: LearnerView, lesson: Lesson) -> Outcome:
        place = self.open_place(view, lesson)
        changes: list[Change] = []
        if lesson.id not in view.progress.started and lesson.id not in view.progress.completed:
            changes.append(LessonStarted(lesson.id))
        changes.append(StepShown(lesson.id, place.step, "open"))
        return self.engine.show(view, place, changes)

    # ----- presses ------------------------------------------------------------------------------

    def step_action(self, view: LearnerView, head: str, parts: list[str]) -> Outcome | None:
        place, e = view.place, self.engine
        if len(parts) != 2 or place.screen is not Screen.step or place.lesson != parts[0]:
            return None
        if not parts[1].isdecimal() or int(parts[1]) != place.step:
            return None
        lesson = e.cur.lessons[parts[0]]
        lang = view.profile.lang
        if head == "rp":
            return e.show(view, place, [StepShown(lesson.id, place.step, "repeat")])
        if head == "vo":
            step = lesson.steps[place.step]
            voice = step.voice.get(lang) if step.voice else None
            if not voice:
                return None
            msg = Message(e.t(lang, "voice_caption"), voice=e.cur.media_path(voice))
            return Outcome(Response((msg,)), place, [StepShown(lesson.id, place.step, "voice")])
        if head == "bk":
            target = place.moved(step=max(0, place.step - 1))
            return e.show(view, target, [StepShown(lesson.id, target.step, "back")])
        if place.step + 1 < len(lesson.steps):
            target = place.moved(step=place.step + 1)
            return e.show(view, target, [StepShown(lesson.id, target.step, "next")])
        target = place.moved(screen=Screen.question, question=0)
        return e.show(view, target, [StepShown(lesson.id, place.step, "finish")])

    def answer(self, view: LearnerView, parts: list[str]) -> Outcome | None:
        place, e = view.place, self.engine
        if len(parts) != 3 or place.screen is not Screen.question or place.lesson != parts[0]:
            return None
        if not (parts[1].isdecimal() and parts[2].isdecimal()) or int(parts[1]) != place.question:
            return None
        lesson = e.cur.lessons[parts[0]]
        qi, choice = int(parts[1]), int(parts[2])
        question = lesson.questions[qi]
        if choice >= len(question.options):
            return None
        lang = view.profile.lang
        correct = choice == question.right_index
        changes: list[Change] = [Answered(lesson.id, qi, choice, correct)]
        text = e.rendered(view, lesson)
        if not correct:
            retry = e.t(lang, "answer_wrong", explain=text.questions[qi].explain)
            msg = self.question(view, lesson, qi, prefix=retry + "\n\n")
            # The place stays the same object, so trying the same option again is not a double tap.
            return Outcome(Response((msg,)), place, changes)
        right = e.t(lang, "answer_right")
        if qi + 1 < len(lesson.questions):
            msg = self.question(view, lesson, qi + 1, prefix=right + "\n\n")
            return said([msg], place.moved(question=qi + 1), changes)
        return self.complete(view, lesson, changes, right)

    def typed_during_question(self, view: LearnerView, text: str) -> Outcome:
        """Words typed at a check question: a hint to tap an answer, and a way to ask them anyway."""
        e, lang = self.engine, view.profile.lang
        kb = keyboard(e.b(lang, "btn_ask_anyway", "askit"), e.b(lang, "btn_back_quiz", "back"))
        place = view.place.moved(asked=text[:500])
        return Outcome(Response((Message(e.t(lang, "quiz_tap_hint"), kb),)), place, about_question=True)

    def complete(self, view: LearnerView, lesson: Lesson, changes: list[Change], right: str) -> Outcome:
        e, lang = self.engine, view.profile.lang
        changes.append(LessonCompleted(lesson.id))
        completed = view.progress.completed | {lesson.id}
        before = [Message(right)]
        cell = e.cur.lessons_in(lesson.track, lesson.tier)
        unlocked = dict(view.progress.unlocked)
        if all(ls.id in completed for ls in cell):
            if lesson.id not in view.progress.completed:
                changes.append(TierCompleted(lesson.track, lesson.tier))
            higher = lesson.tier.next()
            tier_name = e.tier_name(lang, lesson.tier)
            if higher is not None and not view.progress.tier_unlocked(lesson.track, higher):
                changes.append(TierUnlocked(lesson.track, higher, "completed"))
                unlocked[lesson.track] = higher
                text = e.t(lang, "tier_done_unlocked", tier=tier_name, next=e.tier_name(lang, higher))
            else:
                text = e.t(lang, "tier_done", tier=tier_name)
            before.append(Message(text))
        progress = replace(
            view.progress,
            completed=frozenset(completed),
            started={k: v for k, v in view.progress.started.items() if k != lesson.id},
            unlocked=unlocked,
        )
        place = view.place.moved(screen=Screen.finished, question=0)
        return e.show(replace(view, progress=progress), place, changes, before=before)

    def next_lesson(self, view: LearnerView, parts: list[str]) -> Outcome | None:
        lesson = self.engine.cur.lessons.get(parts[0]) if parts else None
        if lesson is None or view.place.screen is not Screen.finished or view.place.lesson != lesson.id:
            return None
        nxt = self.lesson_after(view, lesson)
        return self.open_lesson(view, nxt) if nxt else None
