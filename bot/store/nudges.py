"""NudgeStore: messages the bot sends unasked (follow-up questions, later reminders), kept in the
database so a restart loses none, and claimed one by one so two running bots never send one twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, update
from sqlmodel import Session, col, select

from bot.store.tables import Learner, Nudge


@dataclass(frozen=True)
class DueNudge:
    id: int
    kind: str
    lesson_id: str | None
    learner: Learner


class NudgeStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def due(self, now: datetime, learner_id: int | None = None, limit: int = 200) -> list[DueNudge]:
        """Unsent nudges whose time has come, for active learners (oldest first)."""
        with Session(self.engine, expire_on_commit=False) as s:
            query = (
                select(Nudge, Learner)
                .join(Learner, col(Learner.id) == Nudge.learner_id)
                .where(col(Nudge.sent_at).is_(None), col(Nudge.due_at) <= now, col(Learner.active).is_(True))
            )
            if learner_id is not None:
                query = query.where(Nudge.learner_id == learner_id)
            rows = s.exec(query.order_by(col(Nudge.due_at)).limit(limit)).all()
        return [DueNudge(n.id, n.kind, n.lesson_id, learner) for n, learner in rows if n.id is not None]

    def claim(self, nudge_id: int, now: datetime) -> bool:
        """Mark a nudge sent; False if another process already did (then this one must not send)."""
        with Session(self.engine) as s:
            claim = update(Nudge).where(col(Nudge.id) == nudge_id, col(Nudge.sent_at).is_(None))
            result = s.execute(claim.values(sent_at=now))
            s.commit()
            return bool(getattr(result, "rowcount", 0) == 1)  # a CursorResult for an UPDATE

    def for_learner(self, learner_id: int) -> list[Nudge]:
        with Session(self.engine) as s:
            return list(
                s.exec(select(Nudge).where(Nudge.learner_id == learner_id).order_by(col(Nudge.id))).all()
            )
