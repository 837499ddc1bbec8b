"""StaffStore: cohorts (villages) with their trainers, and who is an admin or a trainer.

Admins come from FARMSKILLS_ADMINS and from `farmskills users grant`; trainers from grants and
from being named as a cohort's trainer. Ids are the channel's user ids (Telegram user ids).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Engine
from sqlmodel import select

from bot.store.database import open_session
from bot.store.tables import Cohort, StaffRole

ROLES = ("admin", "trainer")


class StaffStore:
    def __init__(self, engine: Engine, admins: Iterable[int | str] = ()) -> None:
        self.engine = engine
        self.env_admins = frozenset(str(a) for a in admins)

    # ----- cohorts -----------------------------------------------------------------------------

    def add_cohort(self, code: str, name: str, trainer_id: str | None, now: datetime) -> Cohort:
        """Create a cohort, or update its name and trainer when it exists."""
        with open_session(self.engine) as s:
            cohort = s.get(Cohort, code)
            if cohort is None:
                cohort = Cohort(code=code, name=name, trainer_id=trainer_id, created_at=now)
            else:
                cohort.name = name or cohort.name
                cohort.trainer_id = trainer_id if trainer_id is not None else cohort.trainer_id
            s.add(cohort)
            s.commit()
            s.refresh(cohort)
            return cohort

    def cohort(self, code: str | None) -> Cohort | None:
        if not code:
            return None
        with open_session(self.engine) as s:
            return s.get(Cohort, code)

    def cohorts(self) -> list[Cohort]:
        with open_session(self.engine) as s:
            return list(s.exec(select(Cohort).order_by(Cohort.code)).all())

    # ----- roles -------------------------------------------------------------------------------

    def grant(self, user_id: str, role: str, now: datetime) -> None:
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}")
        with open_session(self.engine) as s:
            row = s.get(StaffRole, user_id) or StaffRole(user_id=user_id, role=role, granted_at=now)
            row.role = role
            s.add(row)
            s.commit()

    def revoke(self, user_id: str) -> bool:
        with open_session(self.engine) as s:
            row = s.get(StaffRole, user_id)
            if row is None:
                return False
            s.delete(row)
            s.commit()
            return True

    def roles(self) -> list[tuple[str, str, str]]:
        """(user id, role, where it comes from) for everyone with a role."""
        with open_session(self.engine) as s:
            granted = [(r.user_id, r.role, "granted") for r in s.exec(select(StaffRole)).all()]
        env = [(a, "admin", "FARMSKILLS_ADMINS") for a in sorted(self.env_admins)]
        return env + sorted(granted)

    def role_of(self, user_id: str) -> str | None:
        if user_id in self.env_admins:
            return "admin"
        with open_session(self.engine) as s:
            row = s.get(StaffRole, user_id)
            if row is not None:
                return row.role
            named = s.exec(select(Cohort.code).where(Cohort.trainer_id == user_id)).first()
        return "trainer" if named else None

    def admins(self) -> list[str]:
        with open_session(self.engine) as s:
            granted = s.exec(select(StaffRole.user_id).where(StaffRole.role == "admin")).all()
        return sorted(self.env_admins | set(granted))

    def cohorts_of(self, trainer_id: str) -> tuple[str, ...]:
        """The codes of the cohorts a trainer looks after."""
        with open_session(self.engine) as s:
            codes = s.exec(select(Cohort.code).where(Cohort.trainer_id == trainer_id).order_by(Cohort.code))
            return tuple(codes.all())

    def handoff_recipients(self, cohort_code: str | None) -> list[str]:
        """Who receives a learner's question: their cohort's trainer, or the admins if it has none."""
        cohort = self.cohort(cohort_code)
        if cohort is not None and cohort.trainer_id:
            return [cohort.trainer_id]
        return self.admins()

    def may_answer(self, user_id: str, cohort_code: str | None) -> bool:
        """Admins answer anyone; a trainer answers learners of the cohorts they look after."""
        if self.role_of(user_id) == "admin":
            return True
        cohort = self.cohort(cohort_code)
        return cohort is not None and cohort.trainer_id == user_id
