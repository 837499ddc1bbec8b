"""HandoffDesk: a question the bot could not answer goes to a person, and their answer comes back.

The learner's latest question goes to their cohort's trainer (or the admins) and its mentors, each
with a Reply button; the desk takes that button and the answer typed after it, and delivers the
answer to the learner.
"""

from __future__ import annotations

from datetime import datetime

from bot.app.desk import Identity
from bot.app.mentoring import MentorDesk
from bot.core.engine import LessonEngine
from bot.core.messages import Button, Delivery, Input, Message, Press, Response, Say, keyboard
from bot.core.state import LearnerView
from bot.store.questions import QuestionStore
from bot.store.staff import StaffStore

MAX_ANSWER_CHARS = 2000


class HandoffDesk:
    def __init__(
        self, engine: LessonEngine, questions: QuestionStore, staff: StaffStore, mentoring: MentorDesk
    ) -> None:
        self.engine = engine
        self.questions = questions
        self.staff = staff
        self.mentoring = mentoring

    def hand_off(self, view: LearnerView) -> tuple[Delivery, ...]:
        """The learner's latest question, to their cohort's trainer (or the admins) and mentors."""
        question = self.questions.latest(view.profile.learner_id)
        if question is None or question.id is None:
            return ()
        t = self.engine.t
        cohort = self.staff.cohort(view.profile.cohort)
        deliveries = []
        for person in self.mentoring.question_recipients(view):
            lang = person.lang
            group = (cohort.name if cohort and cohort.name else view.profile.cohort) or t(lang, "no_cohort")
            text = t(lang, "staff_question", name=view.profile.name or "?", cohort=group, text=question.text)
            reply = Button(t(lang, "btn_reply"), f"reply:{question.id}")
            deliveries.append(Delivery(person.channel, person.user_id, Message(text, keyboard(reply))))
        return tuple(deliveries)

    def handle(self, who: Identity, view: LearnerView, inp: Input, now: datetime) -> Response | None:
        """A trainer's Reply button, and the answer they type after it."""
        if isinstance(inp, Press) and inp.action.startswith("reply:"):
            return self._reply_pressed(who.user_id, view, inp.action.removeprefix("reply:"), now)
        if not isinstance(inp, Say) or not inp.text.strip():
            return None
        question_id = self.questions.draft_of(who.user_id)
        if question_id is None:
            return None
        t, lang = self.engine.t, view.profile.lang
        answer = inp.text.strip()[:MAX_ANSWER_CHARS]
        answered = self.questions.answer(question_id, who.user_id, answer, now)
        if answered is None:
            return Response((Message(t(lang, "staff_reply_cancelled")),))
        learner, question = answered.learner, answered.question
        to_learner = Message(
            t(learner.lang, "learner_got_reply", question=question.text, answer=question.answer),
            keyboard(self.engine.home_button(learner.lang)),
        )
        sent = Message(t(lang, "staff_reply_sent", name=learner.name or "?"))
        return Response((sent,), deliveries=(Delivery(learner.channel, learner.external_id, to_learner),))

    def _reply_pressed(self, user: str, view: LearnerView, target: str, now: datetime) -> Response | None:
        t, lang = self.engine.t, view.profile.lang
        if target == "cancel":
            self.questions.drop_draft(user)
            return Response((Message(t(lang, "staff_reply_cancelled")),))
        asked = self.questions.asked(int(target)) if target.isdecimal() else None
        if asked is None:
            return None  # gone (the learner used /forget) or forged: the engine calls it stale
        if not self.mentoring.may_answer(user, view, asked.learner.cohort):
            return Response((Message(t(lang, "staff_not_yours")),))
        if asked.question.answer:
            return Response((Message(t(lang, "staff_already_answered", answer=asked.question.answer)),))
        self.questions.start_reply(user, int(target), now)
        name = asked.learner.name or "?"
        cancel = Button(t(lang, "btn_cancel"), "reply:cancel")
        prompt = t(lang, "staff_reply_prompt", name=name, text=asked.question.text)
        return Response((Message(prompt, keyboard(cancel)),))
