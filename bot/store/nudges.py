"""NudgeStore: messages the bot sends unasked (follow-up questions, later reminders), kept in the
database so a restart loses none, and claimed one by one so two running bots never send one twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, func, update
from sqlmodel import Session, col, select

from bot.core.schedule import is_quiet
from bot.store.database import insert_or_skip, open_session
from bot.store.tables import Learner, LessonProgress, Nudge

PLAN_BATCH = 500  # reminders planned per INSERT


@dataclass(frozen=True)
class DueNudge:
    id: int
    kind: str
    lesson_id: str | None
    learner: Learner


class NudgeStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def _zones(self, s: Session, default_tz: str) -> list[str]:
        """Every time zone some learner keeps (those who picked none keep the default)."""
        zone = func.coalesce(Learner.timezone, default_tz)
        return [z for z in s.exec(select(zone).distinct()).all() if z]

    def due(
        self, now: datetime, default_tz: str, learner_id: int | None = None, limit: int = 200
    ) -> list[DueNudge]:
        """Unsent nudges whose time has come, for active learners for whom it is not night (oldest
        first). Night-time ones stay unsent until the learner's morning."""
        with open_session(self.engine) as s:
            awake = [z for z in self._zones(s, default_tz) if not is_quiet(now, z)]
            query = (
                select(Nudge, Learner)
                .join(Learner, col(Learner.id) == Nudge.learner_id)
                .where(
                    col(Nudge.sent_at).is_(None),
                    col(Nudge.due_at) <= now,
                    col(Learner.active).is_(True),
                    func.coalesce(Learner.timezone, default_tz).in_(awake),
                )
            )
            if learner_id is not None:
                query = query.where(Nudge.learner_id == learner_id)
            rows = s.exec(query.order_by(col(Nudge.due_at)).limit(limit)).all()
        return [DueNudge(n.id, n.kind, n.lesson_id, learner) for n, learner in rows if n.id is not None]

    def plan_reminders(self, now: datetime, default_tz: str) -> int:
        """Put today's reminder on the list for each learner who wants one, is due by their chosen
        hour, has begun a course, and has not studied yet today (their local time). Returns how many."""
        with open_session(self.engine) as s:
            zones = self._zones(s, default_tz)
        awake = [zone for zone in zones if not is_quiet(now, zone)]
        return sum(self._plan_reminders_in(now, zone, default_tz) for zone in awake)

    def _plan_reminders_in(self, now: datetime, tz: str, default_tz: str) -> int:
        zone = ZoneInfo(tz)
        local = now.astimezone(zone)
        midnight = datetime.combine(local.date(), time(0), tzinfo=zone).astimezone(UTC)
        today = local.date().isoformat()
        has_today = (
            select(Nudge.id)
            .where(Nudge.learner_id == Learner.id, Nudge.kind == "reminder", Nudge.key == today)
            .exists()
        )
        has_begun = select(LessonProgress.id).where(LessonProgress.learner_id == Learner.id).exists()
        wanted = select(Learner.id).where(
            func.coalesce(Learner.timezone, default_tz) == tz,
            col(Learner.active).is_(True),
            col(Learner.reminders_on).is_(True),
            col(Learner.reminder_hour) <= local.hour,
            col(Learner.last_active_at) < midnight,
            ~has_today,
            has_begun,
        )
        count = 0
        after = 0  # learner ids come up from 1
        # A slice of learners at a time, in id order: an evening's 50,000 ids read at once and one
        # INSERT of them all held about 14 MB (ids) and 100 MB (compiled parameters). Each slice is
        # its own transaction: on SQLite a write holds the whole database, and one transaction for
        # an evening's 85,000 reminders held every tap, journal entry and lease renewal for 30 s.
        while True:
            with open_session(self.engine) as s:
                due = s.exec(
                    wanted.where(col(Learner.id) > after).order_by(col(Learner.id)).limit(PLAN_BATCH)
                ).all()
                if not due:
                    return count
                after = due[-1] or after  # a stored id is never None
                rows = [
                    {"learner_id": learner_id, "kind": "reminder", "key": today, "due_at": now}
                    for learner_id in due
                ]
                # Another bot may plan the same reminders at the same moment: its rows stand, ours
                # are skipped, and the rest of the batch still goes in (uq_nudge_learner_kind_key).
                insert = insert_or_skip(self.engine, Nudge).values(rows).returning(col(Nudge.id))
                count += len(s.execute(insert).all())  # the rows this bot inserted, not those skipped
                s.commit()

    def ignored_in_a_row(self, learner: Learner, before: int) -> int:
        """Reminders sent since the learner was last active, not counting nudge `before`."""
        with open_session(self.engine) as s:
            query = select(Nudge.id).where(
                Nudge.learner_id == learner.id,
                Nudge.kind == "reminder",
                col(Nudge.sent_at) > learner.last_active_at,
                Nudge.id != before,
            )
            return len(s.exec(query).all())

    def claim(self, nudge_id: int, now: datetime) -> bool:
        """Mark a nudge sent; False if another process already did (then this one must not send)."""
        with open_session(self.engine) as s:
            claim = update(Nudge).where(col(Nudge.id) == nudge_id, col(Nudge.sent_at).is_(None))
            result = s.execute(claim.values(sent_at=now))
            s.commit()
            return bool(getattr(result, "rowcount", 0) == 1)  # a CursorResult for an UPDATE
