"""Nudger: what the bot says unasked — reminders, practice follow-ups, mentors' weekly summaries.

Each due nudge is claimed and its message owed in the outbox in one transaction, so a crash never
loses a claimed nudge and a second bot process never owes it twice; the channels' senders deliver.
"""

from __future__ import annotations

from datetime import datetime

from bot.app.mentoring import MentorDesk
from bot.core.engine import LessonEngine
from bot.core.messages import Delivery, Message, keyboard
from bot.core.state import RemindersSet
from bot.store.database import unit_of_work
from bot.store.nudges import DueNudge, NudgeStore
from bot.store.outbox import SCHEDULED, Addressed, OutboxStore
from bot.store.progress import ProgressStore

IGNORED_BEFORE_PAUSE = 3
NUDGES_PER_TRANSACTION = 50  # claimed and owed together: a crash loses none, a wave costs few commits


class Nudger:
    def __init__(self, store: ProgressStore, nudges: NudgeStore, outbox: OutboxStore) -> None:
        self.store = store
        self.nudges = nudges
        self.outbox = outbox

    def owe_due(
        self,
        engine: LessonEngine,
        mentoring: MentorDesk,
        now: datetime,
        learner_id: int | None = None,
        limit: int = 200,
    ) -> list[Delivery]:
        """Claim every nudge that is due (never at the learner's night) and owe its message, each in
        one transaction with its claim, so a crash never loses a claimed nudge; channels' senders
        deliver them. Returns what was owed."""
        self.nudges.plan_reminders(now, self.store.timezone)
        mentoring.mentors.plan_summaries(now, self.store.timezone)
        deliveries: list[Delivery] = []
        due = self.nudges.due(now, self.store.timezone, learner_id, limit=limit)
        for start in range(0, len(due), NUDGES_PER_TRANSACTION):
            with unit_of_work(self.store.engine):
                for nudge in due[start : start + NUDGES_PER_TRANSACTION]:
                    if not self.nudges.claim(nudge.id, now):
                        continue  # another bot process owes it already
                    owed = self._messages(engine, mentoring, nudge, now)
                    addressed = [Addressed(d.channel, d.user_id, d.message) for d in owed]
                    self.outbox.put(addressed, now, priority=SCHEDULED)
                    deliveries.extend(owed)
        return deliveries

    def _messages(
        self, engine: LessonEngine, mentoring: MentorDesk, due: DueNudge, now: datetime
    ) -> list[Delivery]:
        learner = due.learner
        if due.kind == "reminder":
            return self._reminder(engine, due)
        if due.kind == "summary":
            summary = mentoring.weekly_summary(learner, now)
            return [Delivery(learner.channel, learner.external_id, summary)] if summary else []
        lesson = engine.cur.lessons.get(due.lesson_id or "")
        if due.kind != "follow_up" or lesson is None or lesson.practice.follow_up is None:
            return []  # nothing to say any more (the lesson was removed)
        message = engine.practice.follow_up_message(learner.lang, learner.name, lesson)
        return [Delivery(learner.channel, learner.external_id, message)]

    def _reminder(self, engine: LessonEngine, due: DueNudge) -> list[Delivery]:
        """Today's nudge: what is next, one button. After three ignored in a row, pause and say so."""
        learner = due.learner
        t = engine.t
        if self.nudges.ignored_in_a_row(learner, due.id) >= IGNORED_BEFORE_PAUSE:
            assert learner.id is not None
            view = self.store.view(learner)
            self.store.record(learner.id, [RemindersSet(on=False)], view.place, learner.last_active_at)
            return [
                Delivery(learner.channel, learner.external_id, Message(t(learner.lang, "reminders_paused")))
            ]
        view = self.store.view(learner)
        target = engine.continue_target(view)
        if target is None:
            return []  # nothing left to learn: no nudge
        title = engine.title(view, target[0])  # not the whole lesson, for 85,000 learners
        text = t(learner.lang, "reminder", name=learner.name, title=title)
        button = engine.b(learner.lang, "btn_continue", "continue")
        return [Delivery(learner.channel, learner.external_id, Message(text, keyboard(button)))]
