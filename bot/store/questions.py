"""QuestionStore: questions learners typed, their hand-off to a person, and the person's answer.

It also lists the questions the bot could not answer, most frequent first, so trainers know
which FAQ entries to write next.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, delete, or_
from sqlmodel import col, select

from bot.faq.text import normalise
from bot.store.database import open_session
from bot.store.progress import latest_question
from bot.store.tables import FaqQuestion, Learner, ReplyDraft


@dataclass(frozen=True)
class Asked:
    """A question with the learner who asked it, as a person answering it needs to see."""

    question: FaqQuestion
    learner: Learner


@dataclass(frozen=True)
class Unanswered:
    text: str  # the most recent wording
    times: int
    last_asked: datetime
    handed_off: int  # how many of them a learner sent to a trainer
    answered_by_person: int  # how many a trainer has answered by hand
    best_id: str | None  # the matcher's best guess, for a trainer deciding where it belongs


class QuestionStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def latest(self, learner_id: int) -> FaqQuestion | None:
        with open_session(self.engine) as s:
            return latest_question(s, learner_id)

    def asked(self, question_id: int) -> Asked | None:
        with open_session(self.engine) as s:
            question = s.get(FaqQuestion, question_id)
            learner = s.get(Learner, question.learner_id) if question else None
            return Asked(question, learner) if question and learner else None

    # ----- a person answering ------------------------------------------------------------------

    def start_reply(self, user_id: str, question_id: int, now: datetime) -> None:
        with open_session(self.engine) as s:
            draft = s.get(ReplyDraft, user_id) or ReplyDraft(
                user_id=user_id, question_id=question_id, started_at=now
            )
            draft.question_id, draft.started_at = question_id, now
            s.add(draft)
            s.commit()

    def draft_of(self, user_id: str) -> int | None:
        with open_session(self.engine) as s:
            draft = s.get(ReplyDraft, user_id)
            return draft.question_id if draft else None

    def drop_draft(self, user_id: str) -> None:
        with open_session(self.engine) as s:
            s.exec(delete(ReplyDraft).where(ReplyDraft.user_id == user_id))  # type: ignore[arg-type]
            s.commit()

    def answer(self, question_id: int, user_id: str, text: str, now: datetime) -> Asked | None:
        """Record a person's answer and close the draft; None if the question is gone (/forget)."""
        with open_session(self.engine) as s:
            s.exec(delete(ReplyDraft).where(ReplyDraft.user_id == user_id))  # type: ignore[arg-type]
            question = s.get(FaqQuestion, question_id)
            learner = s.get(Learner, question.learner_id) if question else None
            if question is None or learner is None:
                s.commit()
                return None
            question.answer, question.answered_by, question.answered_at = text, user_id, now
            s.add(question)
            s.commit()
            s.refresh(question)
            s.refresh(learner)
            return Asked(question, learner)

    # ----- what the bot could not answer -------------------------------------------------------

    def unanswered(self, since: datetime | None = None, limit: int = 50) -> list[Unanswered]:
        """Questions that got no FAQ answer (or "None of these"), grouped by wording."""
        with open_session(self.engine) as s:
            query = select(FaqQuestion).where(
                or_(
                    col(FaqQuestion.decision) == "none",
                    col(FaqQuestion.picked) == "none",
                    col(FaqQuestion.handed_off_at).is_not(None),
                )
            )
            if since is not None:
                query = query.where(FaqQuestion.asked_at >= since)
            rows = s.exec(query.order_by(FaqQuestion.asked_at)).all()  # type: ignore[arg-type]
        groups: dict[str, list[FaqQuestion]] = {}
        for row in rows:
            groups.setdefault(normalise(row.text).replace(" ", "") or row.text, []).append(row)
        out = [
            Unanswered(
                text=items[-1].text,
                times=len(items),
                last_asked=items[-1].asked_at,
                handed_off=sum(1 for q in items if q.handed_off_at is not None),
                answered_by_person=sum(1 for q in items if q.answered_at is not None),
                best_id=items[-1].best_id,
            )
            for items in groups.values()
        ]
        out.sort(key=lambda u: (-u.times, -u.last_asked.timestamp()))
        return out[:limit]
