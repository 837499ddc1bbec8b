"""UpdateJournal: every update a channel receives, kept from arrival until its effects are committed.

The Telegram channel writes an update here before it confirms receipt (the next getUpdates offset,
or the webhook's HTTP 200), so a crash cannot lose it; the service marks it handled inside the same
transaction as its effects, so a re-delivered or replayed update never acts twice. Payloads are
dropped once handled (they may hold what the learner typed); the bare ids stay a day, as long as
Telegram may re-deliver an update.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import Engine, bindparam, delete, update
from sqlmodel import col, select

from bot.store.database import connected, insert_or_skip, open_session
from bot.store.tables import InboundUpdate

KEPT = timedelta(days=1)  # Telegram keeps an unconfirmed update at most a day
TOO_OLD = timedelta(hours=1)  # an update still unhandled after this is dropped, not acted on late

# Built once: every update runs it, and building a statement costs more than running it.
_MARK = (
    update(InboundUpdate)
    .where(
        col(InboundUpdate.channel) == bindparam("ch"),
        col(InboundUpdate.update_id) == bindparam("uid"),
        col(InboundUpdate.handled_at).is_(None),
    )
    .values(handled_at=bindparam("now"), status=bindparam("st"), payload=None)
)

_HANDLED = select(InboundUpdate.update_id).where(
    col(InboundUpdate.channel) == bindparam("ch"),
    col(InboundUpdate.update_id).in_(bindparam("ids", expanding=True)),
    col(InboundUpdate.handled_at).is_not(None),
)


class UpdateJournal:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        # Its dialect's spelling, built once.
        self._journal_new = insert_or_skip(engine, InboundUpdate).returning(col(InboundUpdate.update_id))

    def receive(self, channel: str, updates: Sequence[tuple[int, str]], now: datetime) -> set[int]:
        """Journal these (id, raw JSON) updates; returns the ids still to handle (new, or received
        before and never handled). One transaction: call it before confirming receipt."""
        if not updates:
            return set()
        rows = [
            {"channel": channel, "update_id": uid, "payload": raw, "received_at": now, "status": "new"}
            for uid, raw in updates
        ]
        ids = {uid for uid, _ in updates}
        with connected(self.engine) as conn:
            # RETURNING names the rows written: new updates, the usual case, need no second look.
            new = set(conn.execute(self._journal_new, rows).scalars().all())
            seen = ids - new
            if not seen:
                return new
            handled = conn.execute(_HANDLED, {"ch": channel, "ids": sorted(seen)}).scalars().all()
        return ids - set(handled)

    def claim(self, channel: str, update_id: int, now: datetime, status: str = "handled") -> bool:
        """Mark the update handled; False when it already was (a re-delivery: do nothing). Inside the
        service's unit of work, so the mark commits with the update's effects or not at all."""
        with connected(self.engine) as conn:
            params = {"ch": channel, "uid": update_id, "now": now, "st": status}
            if conn.execute(_MARK, params).rowcount == 1:
                return True
            # Not journaled (a channel that doesn't journal, or a test): record it as handled now.
            row = {"channel": channel, "update_id": update_id, "received_at": now, "handled_at": now}
            insert = insert_or_skip(self.engine, InboundUpdate).values(status=status, **row)
            # RETURNING, not the row count: a skipped row may be counted as written.
            inserted = conn.execute(insert.returning(col(InboundUpdate.update_id))).all()
            return len(inserted) == 1

    def unhandled(self, channel: str, received_before: datetime, limit: int = 500) -> list[tuple[int, str]]:
        """Updates journaled but never handled (the process died, or the database failed meanwhile),
        oldest first, to handle now."""
        with open_session(self.engine) as s:
            rows = s.exec(
                select(InboundUpdate.update_id, InboundUpdate.payload)
                .where(
                    col(InboundUpdate.channel) == channel,
                    col(InboundUpdate.handled_at).is_(None),
                    col(InboundUpdate.received_at) <= received_before,
                    col(InboundUpdate.payload).is_not(None),
                )
                .order_by(col(InboundUpdate.update_id))
                .limit(limit)
            ).all()
        return [(uid, payload) for uid, payload in rows if payload is not None]

    def prune(self, now: datetime) -> None:
        """Forget handled ids after a day; give up on updates that waited over an hour."""
        with open_session(self.engine) as s:
            s.execute(
                update(InboundUpdate)
                .where(
                    col(InboundUpdate.handled_at).is_(None), col(InboundUpdate.received_at) < now - TOO_OLD
                )
                .values(handled_at=now, status="skipped", payload=None)
            )
            s.execute(delete(InboundUpdate).where(col(InboundUpdate.handled_at) < now - KEPT))
            s.commit()
