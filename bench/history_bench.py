"""Does an update cost more for a learner with a long history? Per-update cost at 0 and 20,000 steps.

Two learners on one fresh SQLite database, served by the real `LearningService` (no Telegram): a
new one, and one with 20,000 step events (written straight into `step_event`, spread over 400
days, as a very keen learner would leave them). Each then sends the same updates in turn —
/progress, /menu and a tap into the course list — and the benchmark prints, per update, the median
wall time, the CPU time, and how many SQL statements it ran, then the ratio old / new.

    python -m bench.history_bench            # 300 updates per learner
    python -m bench.history_bench --quick    # 60 updates per learner, for CI's log
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, insert

import bot.channels  # noqa: F401  (the built-in channels register themselves)
from bot.app.desk import Identity
from bot.app.service import LearningService, build_service
from bot.content.loader import load_curriculum
from bot.core.messages import Command, Input, Press
from bot.store.tables import StepEvent

NOW = datetime(2026, 11, 23, 4, 0, tzinfo=UTC)  # noon in Shanghai
ROUND: tuple[Input, ...] = (Command("progress"), Command("menu"), Press("tracks"))


class StatementCounter:
    """Counts the SQL statements an engine runs (each one is a round trip into SQLite's library)."""

    def __init__(self, engine: Engine) -> None:
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *_args: Any) -> None:
        self.count += 1


def fill_history(service: LearningService, who: Identity, events: int) -> None:
    """`events` step events for this learner, 50 a day going back from NOW."""
    store = service.store
    learner = store.find(who.channel, who.user_id)
    assert learner is not None and learner.id is not None
    lessons = sorted(service.curriculum.lessons)
    rows = [
        {
            "learner_id": learner.id,
            "lesson_id": lessons[i % len(lessons)],
            "step": i % 7,
            "action": "next",
            "at": NOW - timedelta(days=i // 50, minutes=i % 50),
        }
        for i in range(events)
    ]
    with store.engine.begin() as conn:
        conn.execute(insert(StepEvent), rows)


@contextmanager
def quiet_clock(service: LearningService) -> Iterator[None]:
    """Every update happens at NOW plus a second per update (so `last_active_at` moves on)."""
    ticks = iter(range(10**9))
    service.clock = lambda: NOW + timedelta(seconds=next(ticks))
    yield


def measure(
    service: LearningService, who: Identity, updates: int, counter: StatementCounter
) -> dict[str, float]:
    walls: list[float] = []
    cpus: list[float] = []
    statements: list[int] = []
    for i in range(updates):
        inp = ROUND[i % len(ROUND)]
        before = counter.count
        wall, cpu = time.perf_counter(), time.process_time()
        service.handle(who, inp)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
        statements.append(counter.count - before)
    return {
        "wall_ms": statistics.median(walls) * 1000,
        "cpu_ms": statistics.fmean(cpus) * 1000,
        "statements": statistics.fmean(statements),
    }


def run(updates: int, history: int) -> None:
    curriculum = load_curriculum()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'history.db'}"
        service = build_service(curriculum, url)
        counter = StatementCounter(service.store.engine)
        new = Identity("telegram", "7001", "新学员", "zh-hans")
        old = Identity("telegram", "7002", "老学员", "zh-hans")
        with quiet_clock(service):
            for who in (new, old):
                service.handle(who, Command("start"))
            fill_history(service, old, history)
            with service.store.engine.connect() as conn:
                n = conn.exec_driver_sql("SELECT count(*) FROM step_event").scalar()
            measure(service, new, len(ROUND) * 3, counter)  # warm caches for both
            measure(service, old, len(ROUND) * 3, counter)
            results = {
                "0 events": measure(service, new, updates, counter),
                f"{history:,} events": measure(service, old, updates, counter),
            }
        service.store.engine.dispose()
    print(f"history benchmark: {updates} updates per learner (/progress, /menu, a tap), {n:,} step events")
    print(f"  {'learner':<16}{'median wall':>14}{'CPU / update':>15}{'statements':>12}")
    for name, r in results.items():
        print(f"  {name:<16}{r['wall_ms']:>11.2f} ms{r['cpu_ms']:>12.2f} ms{r['statements']:>12.1f}")
    a, b = results.values()
    wall, cpu = b["wall_ms"] / a["wall_ms"], b["cpu_ms"] / a["cpu_ms"]
    print(f"  ratio {history:,} / 0 events: wall {wall:.2f}x, CPU {cpu:.2f}x (target: at most 1.5x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer updates, for CI")
    parser.add_argument("--updates", type=int, default=None)
    parser.add_argument("--events", type=int, default=20_000)
    args = parser.parse_args()
    updates = args.updates or (60 if args.quick else 300)
    run(updates, args.events)


if __name__ == "__main__":
    main()
