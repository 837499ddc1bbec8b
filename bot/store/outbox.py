"""OutboxStore: everything the bot says, from the moment it is decided until a channel delivers it.

A reply is written in the same transaction as the change it answers (see `unit_of_work`), so a
crash can never keep the change and lose the reply. Senders claim rows with a lease, deliver them in
order per user, and delete each once the channel took it; a row the channel refuses for good is
kept as failed with the reason (blocked, chat not found). Messages are stored as JSON of the core's
`Message` (`bot.store.payload`: no path to one machine's disk), keyed by channel and user id, so
every channel uses the same path.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, Engine, bindparam, delete, func, insert, or_, update
from sqlalchemy.orm import aliased
from sqlmodel import col, select

from bot.core.messages import Message
from bot.store.bell import ring
from bot.store.database import connected, open_session
from bot.store.payload import message_from_json, message_to_json
from bot.store.tables import Outbox

LEASE = timedelta(seconds=60)  # how long a sender may hold a row before another may take it over
FAILED_KEPT = timedelta(days=30)


@dataclass(frozen=True)
class Owed:
    """One message owed to one user of one channel."""

    id: int
    channel: str
    user_id: str
    message: Message
    attempts: int
    priority: int = 0


REPLY, SCHEDULED = 0, 1  # priorities: what someone waits for goes before what the bot sends unasked


@dataclass(frozen=True)
class Addressed:
    """A message and who it is for, as the service hands it to the outbox."""

    channel: str
    user_id: str
    message: Message


_INSERT = insert(Outbox)
_DELETE = delete(Outbox).where(col(Outbox.id).in_(bindparam("ids", expanding=True)))
_INSERT_RETURNING_ID = insert(Outbox).returning(col(Outbox.id), sort_by_parameter_order=True)
# Users with a pending row this sender does not hold (see `OutboxStore._waiting`), built once.
# Spelled out rather than NOT(held here): an unclaimed row's NULLs would make that unknown.
# A row that is owed and not in this sender's hands (nobody's, another's, run out, or not yet due).
_NOT_IN_HAND = (
    col(Outbox.status) == "pending",
    or_(
        col(Outbox.claimed_by).is_(None),
        col(Outbox.claimed_by) != bindparam("sender"),
        col(Outbox.claimed_until).is_(None),
        col(Outbox.claimed_until) < bindparam("now"),
        col(Outbox.next_at) > bindparam("now"),
    ),
)
_WAITING = (
    select(Outbox.user_id)
    .where(
        col(Outbox.channel) == bindparam("ch"),
        col(Outbox.user_id).in_(bindparam("users", expanding=True)),
        *_NOT_IN_HAND,
    )
    .distinct()
)
# The usual case, a reply to the one learner who wrote: a plain statement, compiled once (an
# expanding IN is rewritten on every run).
_WAITING_ONE = (
    select(Outbox.user_id)
    .where(col(Outbox.channel) == bindparam("ch"), col(Outbox.user_id) == bindparam("user"), *_NOT_IN_HAND)
    .limit(1)
)


def _free(now: datetime) -> Any:
    return or_(col(Outbox.claimed_until).is_(None), col(Outbox.claimed_until) < now)


class OutboxStore:
    def __init__(self, engine: Engine, media_root: Path | None = None) -> None:
        self.engine = engine
        # The content's media folder: lesson pictures and voice clips are stored relative to it.
        self.media_root = media_root

    def put(
        self,
        messages: Iterable[Addressed],
        now: datetime,
        priority: int = REPLY,
        claim: tuple[str, str] | None = None,
        lease: timedelta = LEASE,
    ) -> list[Owed]:
        """Owe these messages (inside the caller's unit of work when there is one). With `claim`
        (channel, sender), that channel's rows are written already held by that sender, which
        then sends them without reading them back; those rows are returned."""
        messages = list(messages)
        waiting: set[str] = set()
        if claim is not None:
            users = {m.user_id for m in messages if m.channel == claim[0]}
            waiting = self._waiting(claim[0], claim[1], users, now)  # their earlier rows go first
        rows: list[dict[str, Any]] = []
        for m in messages:
            held = claim is not None and m.channel == claim[0] and m.user_id not in waiting
            rows.append(
                {
                    "channel": m.channel,
                    "user_id": m.user_id,
                    "payload": message_to_json(m.message, self.media_root),
                    "status": "pending",
                    "priority": priority,
                    "attempts": 0,
                    "next_at": now,
                    "created_at": now,
                    "claimed_by": claim[1] if held and claim else None,
                    "claimed_until": now + lease if held else None,
                }
            )
        if not rows:
            return []
        held_rows = sum(row["claimed_by"] is not None for row in rows)
        with connected(self.engine) as conn:
            if held_rows:
                # Plain INSERTs (no ORM flush), the new ids back in the order the rows were given.
                ids = [int(i or 0) for i in conn.execute(_INSERT_RETURNING_ID, rows).scalars()]
            else:
                conn.execute(_INSERT, rows)
                ids = [0] * len(rows)
            if len(rows) > held_rows:
                ring(conn)  # rows nobody holds yet: the sending worker looks once they are committed
        return [
            Owed(row_id, m.channel, m.user_id, m.message, 0, priority)
            for row_id, row, m in zip(ids, rows, messages, strict=True)
            if row["claimed_by"] is not None
        ]

    def _waiting(self, channel: str, sender: str, users: set[str], now: datetime) -> set[str]:
        """Users with an earlier row this sender does not hold: a new row of theirs must wait for
        the sender's next pass. Earlier rows this sender already holds are in its queue for that
        chat, so a new row can join the queue behind them at once."""
        if not users:
            return set()
        params: dict[str, Any] = {"ch": channel, "sender": sender, "now": now}
        if len(users) == 1:
            statement, params["user"] = _WAITING_ONE, next(iter(users))
        else:
            statement, params["users"] = _WAITING, sorted(users)
        with connected(self.engine) as conn:
            return set(conn.execute(statement, params).scalars().all())

    def claim(
        self,
        channel: str,
        sender: str,
        now: datetime,
        limit: int = 200,
        user_id: str | None = None,
        lease: timedelta = LEASE,
        replies_only: bool = False,
    ) -> list[Owed]:
        """Take the rows due for this channel that no other sender holds: replies first, then
        scheduled messages, oldest first (`replies_only`: no scheduled ones). A user's row waits
        while an earlier one of theirs is held elsewhere or postponed, so each user's order is kept."""
        earlier = aliased(Outbox)
        blocked_by_earlier = (
            select(earlier.id)
            .where(
                col(earlier.channel) == Outbox.channel,
                col(earlier.user_id) == Outbox.user_id,
                col(earlier.id) < col(Outbox.id),
                col(earlier.status) == "pending",
                or_(col(earlier.next_at) > now, col(earlier.claimed_until) >= now),
            )
            .exists()
        )
        query = select(Outbox.id).where(
            col(Outbox.channel) == channel,
            col(Outbox.status) == "pending",
            col(Outbox.next_at) <= now,
            _free(now),
            ~blocked_by_earlier,
        )
        if user_id is not None:
            query = query.where(col(Outbox.user_id) == user_id)
        if replies_only:
            query = query.where(col(Outbox.priority) == REPLY)
        with open_session(self.engine) as s:
            ordered = query.order_by(col(Outbox.priority), col(Outbox.id)).limit(limit)
            # On PostgreSQL rows another sender is claiming right now are passed over, not waited
            # for (SQLite has one writer at a time and ignores the clause). The UPDATE below checks
            # the lease again, so a row is claimed by one sender only either way.
            ordered = ordered.with_for_update(skip_locked=True)
            ids = [i for i in s.exec(ordered).all() if i is not None]
            if not ids:
                return []
            s.execute(
                update(Outbox)
                .where(col(Outbox.id).in_(ids), _free(now))
                .values(claimed_by=sender, claimed_until=now + lease)
            )
            rows = s.exec(
                select(Outbox)
                .where(col(Outbox.id).in_(ids), col(Outbox.claimed_by) == sender)
                .order_by(col(Outbox.id))
            ).all()
            s.commit()
        return [
            Owed(
                r.id or 0,
                r.channel,
                r.user_id,
                message_from_json(r.payload, self.media_root),
                r.attempts,
                r.priority,
            )
            for r in rows
        ]

    def delivered(self, *owed_ids: int) -> None:
        if not owed_ids:
            return
        with connected(self.engine) as conn:
            conn.execute(_DELETE, {"ids": list(owed_ids)})

    def retry_later(self, owed_id: int, now: datetime) -> None:
        """Not delivered this time: back off (up to an hour: a learner with no signal for a day
        still gets it) and let any sender take it then."""
        with open_session(self.engine) as s:
            row = s.get(Outbox, owed_id)
            if row is not None:
                row.attempts += 1
                row.next_at = now + timedelta(seconds=min(3600, 2 * 2 ** min(row.attempts, 11)))
                row.claimed_by = None
                row.claimed_until = None
                s.add(row)
                s.commit()

    def release(self, sender: str, user_id: str | None = None) -> None:
        """Give back what this sender holds and has not sent (it is stopping, or one of the user's
        messages failed and the rest must wait behind it)."""
        query = update(Outbox).where(col(Outbox.claimed_by) == sender)
        if user_id is not None:
            query = query.where(col(Outbox.user_id) == user_id)
        with open_session(self.engine) as s:
            s.execute(query.values(claimed_by=None, claimed_until=None))
            s.commit()

    def release_all(self, channel: str, keep: str | None = None) -> None:
        """A channel's one sender starts sending (a long-polling bot starts, or a worker takes over
        the sending lease): whatever other senders held is owed again at once. What `keep` (the new
        sender itself) holds stays held: it may be sending it right now."""
        held: list[ColumnElement[bool]] = [col(Outbox.claimed_by).is_not(None)]
        if keep is not None:
            held.append(col(Outbox.claimed_by) != keep)
        with open_session(self.engine) as s:
            s.execute(
                update(Outbox)
                .where(col(Outbox.channel) == channel, *held)
                .values(claimed_by=None, claimed_until=None)
            )
            s.commit()

    def fail_user(self, channel: str, user_id: str, reason: str) -> int:
        """The channel will never take this user's messages (they blocked the bot, the chat is gone):
        keep them as failed, with the reason, and stop trying."""
        with open_session(self.engine) as s:
            result = s.execute(
                update(Outbox)
                .where(
                    col(Outbox.channel) == channel,
                    col(Outbox.user_id) == user_id,
                    col(Outbox.status) == "pending",
                )
                .values(status="failed", reason=reason[:200], claimed_by=None, claimed_until=None)
            )
            s.commit()
            return int(getattr(result, "rowcount", 0) or 0)

    def fail_one(self, owed_id: int, reason: str) -> None:
        with open_session(self.engine) as s:
            s.execute(
                update(Outbox)
                .where(col(Outbox.id) == owed_id)
                .values(status="failed", reason=reason[:200], claimed_by=None, claimed_until=None)
            )
            s.commit()

    def forget_user(self, channel: str, user_id: str) -> None:
        with open_session(self.engine) as s:
            s.execute(delete(Outbox).where(col(Outbox.channel) == channel, col(Outbox.user_id) == user_id))
            s.commit()

    def prune(self, now: datetime) -> None:
        with open_session(self.engine) as s:
            s.execute(
                delete(Outbox).where(
                    col(Outbox.status) == "failed", col(Outbox.created_at) < now - FAILED_KEPT
                )
            )
            s.commit()

    def pending(self, channel: str | None = None) -> int:
        query = select(func.count()).select_from(Outbox).where(col(Outbox.status) == "pending")
        if channel is not None:
            query = query.where(col(Outbox.channel) == channel)
        with open_session(self.engine) as s:
            return int(s.exec(query).one())

    def failed(self, channel: str, user_id: str) -> list[str]:
        """Why this user's undeliverable messages failed (for tests and support)."""
        query = select(Outbox.reason).where(
            col(Outbox.channel) == channel, col(Outbox.user_id) == user_id, col(Outbox.status) == "failed"
        )
        with open_session(self.engine) as s:
            return [r or "" for r in s.exec(query).all()]
