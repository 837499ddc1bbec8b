"""One worker at a time sends to Telegram and runs the jobs: the lease that decides which.

Workers race for the lease on their own engines (as separate processes would); exactly one holds
it, renews it, and another takes it only once it has run out, or at once when the holder gives it
up or is known gone.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine

from bot.store.database import make_engine, upgrade
from bot.store.leases import LeaseStore
from tests.databases import database_for

NOW = datetime(2026, 5, 4, 19, 0, tzinfo=UTC)
TTL = timedelta(seconds=10)


def store(tmp_path: Path) -> LeaseStore:
    url = database_for(tmp_path / "leases.db")
    upgrade(url)
    return LeaseStore(make_engine(url))


def test_of_eight_workers_starting_together_exactly_one_takes_the_lease(tmp_path: Path) -> None:
    url = database_for(tmp_path / "leases.db")
    upgrade(url)
    engines: list[Engine] = [make_engine(url) for _ in range(8)]
    start = threading.Barrier(8)

    def take(n: int) -> bool:
        start.wait()
        return LeaseStore(engines[n]).take("telegram", f"worker-{n}", NOW, TTL)

    try:
        with ThreadPoolExecutor(8) as pool:
            held = list(pool.map(take, range(8)))
    finally:
        for engine in engines:
            engine.dispose()
    assert held.count(True) == 1
    assert LeaseStore(make_engine(url)).holder("telegram", NOW) == f"worker-{held.index(True)}"


def test_the_holder_renews_and_no_one_else_takes_it_meanwhile(tmp_path: Path) -> None:
    leases = store(tmp_path)
    assert leases.take("telegram", "a", NOW, TTL)
    assert not leases.take("telegram", "b", NOW + timedelta(seconds=5), TTL)
    assert leases.take("telegram", "a", NOW + timedelta(seconds=8), TTL)  # renewed until 0:18
    assert not leases.take("telegram", "b", NOW + timedelta(seconds=15), TTL)
    assert leases.holder("telegram", NOW + timedelta(seconds=15)) == "a"


def test_a_holder_that_stops_renewing_loses_it_once_it_runs_out(tmp_path: Path) -> None:
    leases = store(tmp_path)
    assert leases.take("telegram", "a", NOW, TTL)
    later = NOW + TTL + timedelta(seconds=1)
    assert leases.holder("telegram", later) is None
    assert leases.take("telegram", "b", later, TTL)
    assert not leases.take("telegram", "a", later, TTL)  # a late renewal does not take it back


def test_a_holder_that_stops_cleanly_hands_it_over_at_once(tmp_path: Path) -> None:
    leases = store(tmp_path)
    assert leases.take("telegram", "a", NOW, TTL)
    leases.release("telegram", "b")  # not b's to give up: nothing happens
    assert leases.holder("telegram", NOW) == "a"
    leases.release("telegram", "a")
    assert leases.take("telegram", "b", NOW, TTL)


def test_a_long_polling_bot_takes_it_from_a_holder_known_gone(tmp_path: Path) -> None:
    leases = store(tmp_path)
    assert leases.take("telegram", "killed-a-moment-ago", NOW, TTL)
    assert leases.take("telegram", "restarted", NOW + timedelta(seconds=1), TTL, force=True)
    assert leases.holder("telegram", NOW + timedelta(seconds=1)) == "restarted"
