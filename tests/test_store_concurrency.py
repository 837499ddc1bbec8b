"""Claims under concurrency: several processes' worth of connections racing for the same rows.

Each racer has its own engine (its own connections, as a second bot process would) and runs in
its own thread; a barrier starts them together. On SQLite the write lock takes them in turn; on
PostgreSQL they really overlap, and the conditional UPDATEs, SKIP LOCKED and ON CONFLICT must keep
every row claimed once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

import pytest
from sqlalchemy import Engine, event, update

from bot.core.messages import Message
from bot.store import nudges
from bot.store.database import make_engine, unit_of_work, upgrade
from bot.store.nudges import NudgeStore
from bot.store.outbox import Addressed, OutboxStore
from bot.store.progress import ProgressStore
from bot.store.tables import Learner, LessonProgress, Nudge
from tests.databases import ON_POSTGRES, database_for, query

NOW = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)
RACERS = 4
T = TypeVar("T")


def fresh(tmp_path: Path) -> str:
    url = database_for(tmp_path / "race.db")
    upgrade(url)
    return url


def race(url: str, work: Callable[[Engine], T], racers: int = RACERS) -> list[T]:
    """`work` run at once by `racers` threads, each on its own engine."""
    engines = [make_engine(url) for _ in range(racers)]
    start = threading.Barrier(racers)

    def run(engine: Engine) -> T:
        start.wait()
        return work(engine)

    try:
        with ThreadPoolExecutor(racers) as pool:
            return list(pool.map(run, engines))
    finally:
        for engine in engines:
            engine.dispose()


def add_learners(url: str, count: int) -> list[int]:
    engine = make_engine(url)
    store = ProgressStore(engine)
    ids = []
    for n in range(count):
        learner = store.load("telegram", str(100 + n), lang="zh", name=f"L{n}", now=NOW)
        ids.append(learner.profile.learner_id)
    engine.dispose()
    return ids


def test_a_nudge_is_claimed_by_exactly_one_of_several_senders(tmp_path: Path) -> None:
    url = fresh(tmp_path)
    (learner_id,) = add_learners(url, 1)
    engine = make_engine(url)
    with unit_of_work(engine) as conn:
        row = {"learner_id": learner_id, "kind": "reminder", "key": "2026-05-04", "due_at": NOW}
        conn.execute(Nudge.__table__.insert().values(row))  # type: ignore[attr-defined]
    engine.dispose()
    (nudge_id,) = (int(r[0]) for r in query(url, "SELECT id FROM nudge"))
    won = race(url, lambda e: NudgeStore(e).claim(nudge_id, NOW))
    assert sorted(won) == [False] * (RACERS - 1) + [True]


def test_senders_racing_for_the_outbox_take_each_message_once(tmp_path: Path) -> None:
    url = fresh(tmp_path)
    engine = make_engine(url)
    OutboxStore(engine).put([Addressed("telegram", str(u), Message(f"hi {u}")) for u in range(60)], NOW)
    engine.dispose()

    def take(e: Engine) -> list[int]:
        box, me, mine = OutboxStore(e), f"s{threading.get_ident()}", []
        while batch := box.claim("telegram", me, NOW, limit=5):
            mine += [o.id for o in batch]
        return mine

    taken = race(url, take)
    every = [i for ids in taken for i in ids]
    assert len(every) == 60 and len(set(every)) == 60


@pytest.mark.parametrize("batch", [nudges.PLAN_BATCH, 7], ids=["one insert", "in slices of 7"])
def test_two_bots_planning_the_same_reminders_plan_each_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, batch: int
) -> None:
    """An evening's wave bigger than one INSERT is planned slice by slice: still each learner once."""
    monkeypatch.setattr(nudges, "PLAN_BATCH", batch)
    url = _reminders_due_tonight(tmp_path, 30)
    planned = race(url, lambda e: NudgeStore(e).plan_reminders(EVENING, "Asia/Shanghai"))
    assert sum(planned) == 30
    per_learner = query(url, "SELECT learner_id, COUNT(*) FROM nudge GROUP BY learner_id")
    assert sorted(int(n) for _, n in per_learner) == [1] * 30


EVENING = datetime(2026, 5, 4, 11, 30, tzinfo=UTC)  # 19:30 in Shanghai


def _reminders_due_tonight(tmp_path: Path, learners: int) -> str:
    """A database of learners who have begun a course and were last here yesterday: today's
    reminder is due for each at 19:00 Shanghai time."""
    url = fresh(tmp_path)
    ids = add_learners(url, learners)
    engine = make_engine(url)
    with unit_of_work(engine) as conn:
        rows = [
            {"learner_id": i, "lesson_id": "x", "track": "t", "tier": "basic", "status": "started", "step": 0}
            | {"started_at": NOW}
            for i in ids
        ]
        conn.execute(LessonProgress.__table__.insert(), rows)  # type: ignore[attr-defined]
        conn.execute(update(Learner).values(last_active_at=datetime(2026, 5, 3, 1, tzinfo=UTC)))
    engine.dispose()
    return url


def test_an_evening_wave_is_planned_a_slice_per_transaction(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On SQLite a write holds the whole database: planning an evening's reminders in one
    transaction held every learner's tap until all were planned. Each slice commits on its own."""
    monkeypatch.setattr(nudges, "PLAN_BATCH", 7)
    url = _reminders_due_tonight(tmp_path, 30)
    engine = make_engine(url)
    commits: list[int] = []
    planned_so_far = lambda: int(query(url, "SELECT COUNT(*) FROM nudge")[0][0])  # noqa: E731
    event.listen(engine, "commit", lambda _conn: commits.append(planned_so_far()))
    assert NudgeStore(engine).plan_reminders(EVENING, "Asia/Shanghai") == 30
    engine.dispose()
    # Before each commit, the slices committed earlier are already there for everyone to see.
    assert commits == [0, 7, 14, 21, 28]


@pytest.mark.skipif(not ON_POSTGRES, reason="SQLite's write lock lets only one new learner in at a time")
def test_a_new_learners_first_two_updates_racing_make_one_learner(tmp_path: Path) -> None:
    """Two workers see a new learner's first updates at once: the second INSERT waits on the
    first's unique key, fails when it commits, and finds the row it made: one learner, no error."""
    url = fresh(tmp_path)
    first, second = make_engine(url), make_engine(url)
    inserted = threading.Event()

    def slow_first() -> int | None:
        with unit_of_work(first):  # the new learner's row, not yet committed
            view = ProgressStore(first).load("telegram", "7", lang="zh", name="老王", now=NOW)
            inserted.set()
            waiting_for_lock(url)  # commit once the second's INSERT waits on this one
            return view.profile.learner_id

    def racing_second() -> int | None:
        inserted.wait(30)
        view = ProgressStore(second).load("telegram", "7", lang="zh", name="老王", now=NOW)
        return view.profile.learner_id

    with ThreadPoolExecutor(2) as pool:
        a, b = pool.submit(slow_first), pool.submit(racing_second)
        assert a.result(60) == b.result(60)
    first.dispose()
    second.dispose()
    assert [tuple(r) for r in query(url, "SELECT COUNT(*) FROM learner")] == [(1,)]


def waiting_for_lock(url: str) -> None:
    """Until another connection waits on a lock (the second learner's INSERT on the first's)."""
    for _ in range(300):
        sql = "SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
        if int(query(url, sql)[0][0]) > 0:
            return
        time.sleep(0.05)


@pytest.mark.skipif(not ON_POSTGRES, reason="SQLite's write lock already lets one update in at a time")
def test_two_processes_handling_one_learner_take_turns(tmp_path: Path) -> None:
    """The second update's load waits for the first update's transaction, then sees its change:
    neither overwrites the other's place."""
    url = fresh(tmp_path)
    add_learners(url, 1)  # external id "100"
    first, second = make_engine(url), make_engine(url)
    loaded = threading.Event()

    def first_update() -> None:
        with unit_of_work(first) as conn:
            ProgressStore(first).load("telegram", "100", lang="zh", name="L0", now=NOW)
            conn.execute(update(Learner).values(name="changed by the first"))
            loaded.set()
            waiting_for_lock(url)  # commit once the second update waits for this one

    def second_update() -> str:
        loaded.wait(30)
        with unit_of_work(second):
            return ProgressStore(second).load("telegram", "100", lang="zh", name="L0", now=NOW).profile.name

    with ThreadPoolExecutor(2) as pool:
        a, b = pool.submit(first_update), pool.submit(second_update)
        a.result(60)
        assert b.result(60) == "changed by the first"
    first.dispose()
    second.dispose()
