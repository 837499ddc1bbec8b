"""LeaseStore: one holder at a time for a deployment-wide duty, kept in the database.

Several workers share one database; some duties must be done by exactly one of them at a time
(draining the outbox at Telegram's limits, running the scheduled jobs). A worker takes the duty's
lease for a short time and renews it well before it runs out; a worker that dies stops renewing,
and another takes the lease over once it has run out. Taking and renewing are one conditional
statement each, checked by its row count, so two workers can never both believe they hold it.
Workers' clocks are assumed to agree to within a second or two (NTP), as leases are timed by them.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Engine, delete, or_, update
from sqlmodel import col, select

from bot.store.database import insert_or_skip, open_session
from bot.store.tables import Lease


class LeaseStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def take(self, name: str, holder: str, now: datetime, ttl: timedelta, force: bool = False) -> bool:
        """Take or renew the lease until `now + ttl`; True when `holder` has it now. It is free to
        take when nobody has it or its time ran out; `force` takes it from a holder known dead
        (a long-polling bot is the only process of its deployment, so whoever held it before is gone)."""
        until = now + ttl
        with open_session(self.engine) as s:
            new = insert_or_skip(self.engine, Lease).values(name=name, holder=holder, until=until)
            created = s.execute(new)
            if getattr(created, "rowcount", 0) == 1:
                s.commit()
                return True
            claim = update(Lease).where(col(Lease.name) == name)
            if not force:
                claim = claim.where(or_(col(Lease.holder) == holder, col(Lease.until) < now))
            result = s.execute(claim.values(holder=holder, until=until))
            s.commit()
            return bool(getattr(result, "rowcount", 0) == 1)

    def release(self, name: str, holder: str) -> None:
        """Give the lease up (a clean stop), so another worker need not wait for it to run out."""
        with open_session(self.engine) as s:
            s.execute(delete(Lease).where(col(Lease.name) == name, col(Lease.holder) == holder))
            s.commit()

    def holder(self, name: str, now: datetime) -> str | None:
        """Who holds the lease now (None when nobody does, or its time ran out)."""
        with open_session(self.engine) as s:
            lease = s.exec(select(Lease).where(col(Lease.name) == name, col(Lease.until) >= now)).first()
            return lease.holder if lease is not None else None
