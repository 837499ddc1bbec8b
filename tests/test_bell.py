"""The outbox bell: a reply written by one worker wakes the sending worker when its transaction
commits, and never for a transaction rolled back (PostgreSQL's NOTIFY; SQLite has no bell)."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.core.messages import Message
from bot.store import bell
from bot.store.database import make_engine, unit_of_work, upgrade
from bot.store.outbox import Addressed, OutboxStore
from tests.databases import ON_POSTGRES, database_for

pytestmark = pytest.mark.skipif(not ON_POSTGRES, reason="the bell is PostgreSQL's NOTIFY")

NOW = datetime(2026, 5, 4, 19, 0, tzinfo=UTC)


class Rollback(Exception):
    pass


async def test_a_reply_committed_by_another_worker_rings_and_one_rolled_back_does_not(tmp_path: Path) -> None:
    url = database_for(tmp_path / "bell.db")
    upgrade(url)
    writer, sender = make_engine(url), make_engine(url)
    rings: list[int] = []
    listening = asyncio.create_task(bell.listen(sender, lambda: rings.append(1)))
    try:
        # It rings once on connecting: whatever was owed meanwhile is looked at.
        await asyncio.wait_for(_until(lambda: rings), 30)
        outbox = OutboxStore(writer)

        def owe(commit: bool) -> None:
            with contextlib.suppress(Rollback), unit_of_work(writer):
                outbox.put([Addressed("telegram", "7", Message("hello"))], NOW)
                if not commit:
                    raise Rollback

        await asyncio.to_thread(owe, False)
        await asyncio.to_thread(owe, True)
        await asyncio.wait_for(_until(lambda: len(rings) >= 2), 30)
        await asyncio.sleep(0.5)  # a ring for the rolled-back row would have come by now
        assert len(rings) == 2
    finally:
        listening.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await listening
        writer.dispose()
        sender.dispose()


async def _until(check: object) -> None:
    while not check():  # type: ignore[operator]
        await asyncio.sleep(0.05)
