"""MentorStore: local digital mentors — who was invited, who said yes, who a trainer confirmed —
and the few numbers a mentor's weekly summary of their cohort needs (counted in SQL, no names).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, case, func, update
from sqlmodel import col, select

from bot.core.schedule import summary_due, week_key
from bot.store.database import open_session
from bot.store.tables import (
    FaqQuestion,
    Learner,
    LessonProgress,
    Mentor,
    Nudge,
    Outcome,
    PracticeReport,
    StepEvent,
)

INVITED, NOT_NOW, OFFERED, CONFIRMED, DECLINED = "invited", "not_now", "offered", "confirmed", "declined"


@dataclass(frozen=True)
class CohortWeek:
    """A cohort's week in numbers, for its mentors."""

    learners: int
    active: int  # learned at least one step this week
    lessons_completed: int
    applied: int  # practice tasks reported done
    outcomes: int
    yuan: float  # income reported in yuan this week
    waiting: int  # questions handed to a person and not answered yet (any week)


class MentorStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def get(self, learner_id: int) -> Mentor | None:
        with open_session(self.engine) as s:
            return s.get(Mentor, learner_id)

    def invite(self, learner_id: int, cohort: str, track: str, now: datetime) -> bool:
        """Record an invitation; False when the learner is already asked, offered or a mentor."""
        with open_session(self.engine) as s:
            row = s.get(Mentor, learner_id)
            if row is not None and row.status not in (NOT_NOW, DECLINED):
                return False
            row = row or Mentor(
                learner_id=learner_id, cohort=cohort, track=track, status=INVITED, invited_at=now
            )
            row.cohort, row.track, row.status, row.invited_at = cohort, track, INVITED, now
            row.decided_at = row.decided_by = None
            s.add(row)
            s.commit()
            return True

    def move(
        self, learner_id: int, from_status: str, to_status: str, now: datetime, by: str | None = None
    ) -> bool:
        """Change the status only if it still is `from_status`: an old button pressed again, or two
        trainers confirming at once, changes nothing the second time."""
        with open_session(self.engine) as s:
            values: dict[str, object] = {"status": to_status}
            if by is not None:
                values.update(decided_at=now, decided_by=by)
            change = update(Mentor).where(
                col(Mentor.learner_id) == learner_id, col(Mentor.status) == from_status
            )
            result = s.execute(change.values(**values))
            s.commit()
            return bool(getattr(result, "rowcount", 0) == 1)

    def of_cohort(self, cohort: str | None) -> list[Learner]:
        """The confirmed mentors of a cohort who still use the bot."""
        if not cohort:
            return []
        with open_session(self.engine) as s:
            query = (
                select(Learner)
                .join(Mentor, col(Mentor.learner_id) == Learner.id)
                .where(Mentor.cohort == cohort, Mentor.status == CONFIRMED, col(Learner.active).is_(True))
                .order_by(col(Learner.id))
            )
            return list(s.exec(query).all())

    def is_mentor_of(self, learner_id: int, cohort: str | None) -> bool:
        row = self.get(learner_id)
        return row is not None and row.status == CONFIRMED and row.cohort == cohort

    def remove(self, learner_id: int) -> bool:
        """No longer a mentor (or invited): their questions go back to the trainer alone."""
        with open_session(self.engine) as s:
            row = s.get(Mentor, learner_id)
            if row is None:
                return False
            s.delete(row)
            s.commit()
            return True

    def everyone(self) -> list[tuple[Mentor, Learner]]:
        with open_session(self.engine) as s:
            query = select(Mentor, Learner).join(Learner, col(Learner.id) == Mentor.learner_id)
            return list(s.exec(query.order_by(Mentor.cohort, col(Mentor.learner_id))).all())

    def plan_summaries(self, now: datetime, default_tz: str) -> int:
        """This week's summary for each confirmed mentor, from Monday mid-morning in their zone."""
        planned = 0
        with open_session(self.engine) as s:
            mentors = s.exec(
                select(Mentor.learner_id, Learner.timezone)
                .join(Learner, col(Learner.id) == Mentor.learner_id)
                .where(Mentor.status == CONFIRMED, col(Learner.active).is_(True))
            ).all()
            for learner_id, own_zone in mentors:
                zone = own_zone or default_tz
                if not summary_due(now, zone):
                    continue
                key = week_key(now, zone)
                exists = s.exec(
                    select(Nudge.id).where(
                        Nudge.learner_id == learner_id, Nudge.kind == "summary", Nudge.key == key
                    )
                ).first()
                if exists is None:
                    s.add(Nudge(learner_id=learner_id, kind="summary", key=key, due_at=now))
                    planned += 1
            s.commit()
        return planned

    def cohort_week(self, cohort: str, since: datetime, until: datetime) -> CohortWeek:
        """The cohort's numbers between `since` and `until` (UTC)."""
        members = select(Learner.id).where(Learner.cohort == cohort)
        in_cohort = col(Learner.cohort) == cohort

        with open_session(self.engine) as s:

            def count(model: Any, *where: Any) -> int:
                query = select(func.count()).select_from(model).where(col(model.learner_id).in_(members))
                return int(s.exec(query.where(*where)).one())

            learners = s.exec(select(func.count()).select_from(Learner).where(in_cohort)).one()
            active = s.exec(
                select(func.count(func.distinct(StepEvent.learner_id))).where(
                    col(StepEvent.learner_id).in_(members), col(StepEvent.at).between(since, until)
                )
            ).one()
            lessons = count(
                LessonProgress,
                LessonProgress.status == "completed",
                col(LessonProgress.completed_at).between(since, until),
            )
            applied = count(
                PracticeReport, PracticeReport.status == "done", col(PracticeReport.at).between(since, until)
            )
            outcomes, yuan = s.exec(
                select(
                    func.count(),
                    func.coalesce(
                        func.sum(case((col(Outcome.unit) == "yuan", Outcome.value), else_=0.0)), 0.0
                    ),
                ).where(col(Outcome.learner_id).in_(members), col(Outcome.at).between(since, until))
            ).one()
            waiting = count(
                FaqQuestion,
                col(FaqQuestion.handed_off_at).is_not(None),
                col(FaqQuestion.answered_at).is_(None),
            )
        return CohortWeek(learners, active, lessons, applied, outcomes, float(yuan), waiting)
