"""The question desk: what the learner sees when they type a question, in a lesson or out of one.

The matcher decides (answer / choices / none); this turns the decision into kind messages and
buttons, keeps the learner's place so they can go straight back to their lesson, and asks the
store to record every question and what became of it. Sending a question on to a trainer is
only requested here; the service finds the trainer and delivers it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.core.messages import Button, Message, Response, keyboard
from bot.core.outcome import Outcome
from bot.core.state import (
    WORK_SCREENS,
    Change,
    HandoffRequested,
    LearnerView,
    QuestionAsked,
    QuestionPicked,
    Screen,
)
from bot.faq.decision import Decision, Matcher

if TYPE_CHECKING:
    from bot.core.engine import LessonEngine

MAX_KEPT_QUESTION = 500
IN_LESSON = (Screen.step, Screen.question, Screen.finished)
CHOICE_ICONS = ("1️⃣", "2️⃣", "3️⃣")
# Two choices, "None of these" and the way back fill the four buttons a keyboard may have.
MAX_CHOICES = 2


class QuestionDesk:
    def __init__(self, engine: LessonEngine, matcher: Matcher) -> None:
        self.engine = engine
        self.matcher = matcher

    def _way_back(self, view: LearnerView) -> Button:
        """Back to the lesson when the question interrupted one; otherwise home."""
        lang = view.profile.lang
        if view.place.screen in IN_LESSON and view.place.lesson:
            return self.engine.b(lang, "btn_back_lesson", "back")
        if view.place.screen in WORK_SCREENS:  # the placement test, a task's evidence…
            return self.engine.b(lang, "btn_back_to", "back")
        return self.engine.home_button(lang)

    def _outcome(
        self, view: LearnerView, messages: list[Message], changes: list[Change], **place: object
    ) -> Outcome:
        return Outcome(Response(tuple(messages)), view.place.moved(**place), changes, about_question=True)

    def ask(self, view: LearnerView, text: str) -> Outcome:
        lang = view.profile.lang
        match = self.matcher.match(text, lang)
        best = match.best
        asked = QuestionAsked(
            text=text[:MAX_KEPT_QUESTION],
            lang=lang,
            decision=match.decision.value,
            best_id=best.id if best else None,
            best_score=best.score if best else None,
            offered=match.offered[:MAX_CHOICES] if match.decision is Decision.choices else match.offered,
            lesson=view.place.lesson if view.place.screen in IN_LESSON else None,
        )
        kept = {"asked": text[:MAX_KEPT_QUESTION], "offered": ()}
        if match.decision is Decision.answer:
            return self._outcome(view, [self.answer_message(view, match.offered[0])], [asked], **kept)
        if match.decision is Decision.choices:
            kept["offered"] = match.offered[:MAX_CHOICES]
            return self._outcome(
                view, [self.choices_message(view, match.offered[:MAX_CHOICES])], [asked], **kept
            )
        return self._outcome(view, [self._not_known(view)], [asked], **kept)

    def answer_message(self, view: LearnerView, entry_id: str) -> Message:
        lang = view.profile.lang
        t, b = self.engine.t, self.engine.b
        entry = self.matcher.bank.by_id[entry_id]
        text = entry.answer.get(lang)
        lesson = self.engine.cur.lessons.get(entry.lesson or "")
        open_lesson = None
        if lesson is not None and lesson.id != view.place.lesson:
            title = self.engine.rendered(view, lesson).title
            text += "\n\n" + t(lang, "faq_lesson_hint", title=title)
            open_lesson = b(lang, "btn_open_lesson", f"les:{lesson.id}")
        return Message(
            text, keyboard(self._way_back(view), open_lesson, b(lang, "btn_ask_person", "faq:send"))
        )

    def choices_message(self, view: LearnerView, offered: tuple[str, ...]) -> Message:
        lang = view.profile.lang
        bank = self.matcher.bank.by_id
        lines = [self.engine.t(lang, "faq_choices")]
        lines += [f"{CHOICE_ICONS[i]} {bank[eid].title(lang)}" for i, eid in enumerate(offered)]
        buttons = [
            Button(f"{CHOICE_ICONS[i]} {bank[eid].short_label(lang)}", f"faq:{eid}")
            for i, eid in enumerate(offered)
        ]
        none = self.engine.b(lang, "btn_none_of_these", "faq:none")
        return Message("\n".join(lines), keyboard(*buttons, none, self._way_back(view)))

    def _not_known(self, view: LearnerView) -> Message:
        lang = view.profile.lang
        send = self.engine.b(lang, "btn_send_trainer", "faq:send")
        return Message(self.engine.t(lang, "faq_none"), keyboard(send, self._way_back(view)))

    def press(self, view: LearnerView, choice: str) -> Outcome | None:
        """A tap on a choice, on "None of these", or on "Ask a person"; None if it is stale."""
        lang = view.profile.lang
        if choice == "send":
            if not view.place.asked:
                return None
            sent = Message(self.engine.t(lang, "faq_sent"), keyboard(self._way_back(view)))
            return self._outcome(view, [sent], [HandoffRequested()], offered=())
        if choice == "none":
            if not view.place.offered:
                return None
            return self._outcome(view, [self._not_known(view)], [QuestionPicked("none")], offered=())
        if choice in view.place.offered and choice in self.matcher.bank.by_id:
            return self._outcome(
                view, [self.answer_message(view, choice)], [QuestionPicked(choice)], offered=()
            )
        return None

    def choice_for_text(self, view: LearnerView, text: str) -> str | None:
        """Typing 1, 2 or 3 after "Did you mean…?" picks that choice."""
        typed = text.strip()
        if (
            view.place.offered
            and typed.isascii()
            and typed.isdecimal()
            and 1 <= int(typed) <= len(view.place.offered)
        ):
            return view.place.offered[int(typed) - 1]
        return None
