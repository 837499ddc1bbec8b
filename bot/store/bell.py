"""The outbox bell: a worker that owes a message tells the sending worker at once.

With several workers on PostgreSQL, the worker that handles an update is often not the one that
sends (only the holder of the sending lease does). `ring` adds a NOTIFY to the transaction that
writes the outbox rows, so it is heard exactly when they are committed (and never for rows rolled
back); the sender `listen`s and looks at the outbox straight away instead of at its next tick.
SQLite has no such thing and needs none: there the sender looks every second, and a deployment
on one SQLite file normally has one process.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from sqlalchemy import Connection, Engine, text
from sqlmodel import Session

log = logging.getLogger(__name__)

CHANNEL_NAME = "farmskills_outbox"
_NOTIFY = text(f"NOTIFY {CHANNEL_NAME}")


def ring(db: Session | Connection) -> None:
    """Ring when the session's or connection's transaction commits (PostgreSQL; nothing elsewhere)."""
    dialect = db.dialect if isinstance(db, Connection) else db.get_bind().dialect
    if dialect.name == "postgresql":
        db.execute(_NOTIFY)


async def listen(engine: Engine, heard: Callable[[], None], retry: float = 2.0) -> None:
    """Call `heard` each time the bell rings, until cancelled; reconnects after a lost connection.
    Returns at once on a database without the bell."""
    if engine.dialect.name != "postgresql":
        return
    import psycopg

    conninfo = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    while True:
        try:
            async with await psycopg.AsyncConnection.connect(conninfo, autocommit=True) as conn:
                await conn.execute(f"LISTEN {CHANNEL_NAME}")
                heard()  # whatever was rung while nobody listened is looked at now
                async for _ in conn.notifies():
                    heard()
        except psycopg.Error as exc:
            log.warning("outbox bell: %s; listening again in %.0f s", exc, retry)
            with contextlib.suppress(Exception):
                heard()
            await asyncio.sleep(retry)
