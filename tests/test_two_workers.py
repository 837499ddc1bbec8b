"""Outgrowing one machine: two `farmskills run` webhook workers on one PostgreSQL database, behind
a proxy that spreads Telegram's posts across them (the same learner's taps to either worker, a
fifth of them to both), while 50 learners take their first lesson and 50 others are owed a
follow-up. Then the worker that sends and runs the jobs is killed with SIGKILL, and the other one
carries on. What the learners saw: every tap answered, once, in order; every follow-up sent once;
never more than 30 messages in any second, the deployment as a whole.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import pytest

from bot.content.loader import Curriculum
from bot.core.schedule import is_quiet
from bot.core.state import Place
from bot.store.database import make_engine, open_session
from bot.store.tables import Learner, Nudge
from tests.databases import ON_POSTGRES, database_for, query
from tests.fake_telegram import TOKEN, FakeTelegram
from tests.telegram_harness import (
    Chat,
    RunProcess,
    finish_first_lesson,
    free_port,
    start_run_process,
    until,
)
from tests.webhook_proxy import SpreadingProxy

pytestmark = pytest.mark.skipif(not ON_POSTGRES, reason="several workers share a database server")

TAPPERS = [70_000 + i for i in range(50)]
EARLY_NUDGED = [80_000 + i for i in range(25)]  # follow-ups due before the workers start
LATE_NUDGED = [80_100 + i for i in range(25)]  # follow-ups falling due once a worker is killed
SECRET = "two-workers-secret"
LIMIT = 30  # Telegram's overall limit: messages a second for the whole bot


class Worker(RunProcess):
    """One `farmskills run` webhook worker process."""

    def __init__(self, name: str, tmp_path: Path) -> None:
        self.name = name
        self.port = free_port()
        self.log = tmp_path / f"{name}.log"

    async def start(self, fake: FakeTelegram, db: Path, proxy_url: str, content: Path) -> None:
        self.proc = await start_run_process(
            fake,
            TOKEN,
            db,
            *("--webhook-url", proxy_url, "--listen", "127.0.0.1", "--port", str(self.port)),
            content=content,
            log=self.log,
            extra_env={"TELEGRAM_WEBHOOK_SECRET": SECRET, "FARMSKILLS_LEASE_SECONDS": "3"},
        )
        deadline = time.monotonic() + 60
        async with aiohttp.ClientSession() as session:
            while True:
                assert self.proc.returncode is None, self.log.read_text(errors="replace")[-3000:]
                assert time.monotonic() < deadline, f"{self.name} did not start"
                try:
                    async with session.get(f"http://127.0.0.1:{self.port}/healthz") as answer:
                        if answer.status == 200:
                            return
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.1)


def owe_follow_ups(url: str, users: list[int], curriculum: Curriculum) -> None:
    """These learners finished a lesson's practice task three days ago; its follow-up is due now
    (in a time zone where it is daytime, so no quiet hours hold it back)."""
    now = datetime.now(UTC)
    zone = next(
        z for z in ("Asia/Shanghai", "Europe/London", "America/New_York", "UTC") if not is_quiet(now, z)
    )
    lesson = next(ls.id for ls in curriculum.lessons.values() if ls.practice.follow_up is not None)
    engine = make_engine(url)
    try:
        with open_session(engine) as s:
            learners = [
                Learner(
                    channel="telegram",
                    external_id=str(user),
                    name="学员",
                    place=Place().to_json(),
                    created_at=now - timedelta(days=3),
                    last_active_at=now - timedelta(days=3),
                    timezone=zone,
                )
                for user in users
            ]
            s.add_all(learners)
            s.flush()
            due = now - timedelta(minutes=1)
            s.add_all(
                Nudge(learner_id=learner.id or 0, kind="follow_up", key=lesson, lesson_id=lesson, due_at=due)
                for learner in learners
            )
            s.commit()
    finally:
        engine.dispose()


def lease_holder(url: str) -> str | None:
    rows = query(url, "SELECT holder FROM lease WHERE name = 'telegram'")
    return str(rows[0][0]) if rows else None


def busiest_second(times: list[float]) -> int:
    """The most messages within any one second."""
    times = sorted(times)
    most, start = 0, 0
    for end, at in enumerate(times):
        while at - times[start] >= 1:
            start += 1
        most = max(most, end - start + 1)
    return most


async def learner(chat: Chat, user: int, rng: random.Random) -> None:
    """A learner who takes the first lesson through its check question, pausing as people do."""
    await asyncio.sleep(rng.uniform(0, 3))
    await finish_first_lesson(chat, user)


async def test_two_workers_behind_a_proxy_answer_every_tap_once_and_one_carries_on_after_the_other_is_killed(
    tmp_path: Path, curriculum: Curriculum
) -> None:
    db = tmp_path / "shared.db"
    url = database_for(db)
    fake = FakeTelegram(flood_per_second=LIMIT)  # more than 30 in a second would be refused (429)
    await fake.start()
    a, b = Worker("worker-a", tmp_path), Worker("worker-b", tmp_path)
    proxy = SpreadingProxy([a.port, b.port], duplicate_share=0.2)
    proxy_url = await proxy.start()
    try:
        await a.start(fake, db, proxy_url, curriculum.root)
        owe_follow_ups(url, EARLY_NUDGED, curriculum)
        await until(lambda: lease_holder(url) is not None, "worker A sends")
        first_holder = lease_holder(url)
        await b.start(fake, db, proxy_url, curriculum.root)

        chat = Chat(fake, timeout=90)
        rng = random.Random(3)
        learners = [asyncio.create_task(learner(chat, user, rng)) for user in TAPPERS]
        await asyncio.sleep(6)  # everyone is part way through their lesson
        await a.kill()  # the worker that sends and runs the jobs
        owe_follow_ups(url, LATE_NUDGED, curriculum)
        await asyncio.gather(*learners)

        nudged = EARLY_NUDGED + LATE_NUDGED
        await until(lambda: all(fake.to(u) for u in nudged), "every follow-up sent")
        await until(
            lambda: query(url, "SELECT count(*) FROM outbox WHERE status = 'pending'")[0][0] == 0,
            "the outbox drained",
        )
        await asyncio.sleep(2)  # anything sent twice would arrive now
        second_holder = lease_holder(url)
    finally:
        await b.stop()
        await a.stop()
        await proxy.stop()
        await fake.stop()

    # Both workers took part, and a fifth of the posts went to both.
    assert all(proxy.forwarded[w] > 20 for w in proxy.workers), proxy.forwarded
    assert proxy.duplicated > 20
    # The surviving worker took over sending and the jobs.
    assert second_holder is not None and second_holder != first_holder
    # Every tap answered once and in order: each learner saw exactly the same conversation.
    seen = {user: [(s.text, str(s.buttons)) for s in fake.to(user)] for user in TAPPERS}
    reference = seen[TAPPERS[0]]
    assert [u for u, talk in seen.items() if talk != reference] == []
    assert len(reference) == len(set(reference)), "a message was sent twice"
    # Every follow-up sent once, both the ones due before the kill and those due after it.
    assert Counter(len(fake.to(u)) for u in EARLY_NUDGED + LATE_NUDGED) == {1: 50}
    # Nothing journaled was left unhandled; the deployment never went over Telegram's limit.
    assert query(url, "SELECT count(*) FROM inbound_update WHERE handled_at IS NULL")[0][0] == 0
    assert [status for _, status in fake.calls if status == 429] == []
    assert busiest_second([s.at for s in fake.sent]) <= LIMIT
