"""A wave of due nudges through the real `farmskills run`, while a few learners keep chatting.

N learners each have a practice follow-up due now (written straight into the database, in a time
zone where it is daytime), and the fake Bot API (`bench/live.py`) refuses more than 30 sends a
second with 429, as Telegram does. The bot starts; meanwhile 10 other learners tap about once a
second. The benchmark prints the time from the first to the last follow-up delivered, the
follow-ups and all messages sent per second meanwhile as shares of Telegram's 30/s (the chatting
learners' replies take their part first), follow-ups delivered twice, follow-ups left unsent, and the
chatting learners' latency from tap to next message (p50, p99). It measures; it never fails.

    python -m bench.broadcast_bench              # 1,000 follow-ups
    python -m bench.broadcast_bench --quick      # 200 follow-ups, for CI's log
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.live import REPO, TimedFake, ms, percentile, start_bot, stop_bot, tap_newest, until_polling
from bot.content.loader import load_curriculum
from bot.core.schedule import is_quiet
from bot.core.state import Place

TELEGRAM_RATE = 30.0  # messages a second, Telegram's overall limit for a bot
FIRST_NUDGED = 600_000
FIRST_CHATTER = 700_000
ZONES = ("Asia/Shanghai", "Europe/London", "America/New_York", "Asia/Tokyo", "Pacific/Auckland", "UTC")


def daytime_zone(now: datetime) -> str:
    return next((z for z in ZONES if not is_quiet(now, z)), ZONES[0])


def follow_up_lesson() -> str:
    curriculum = load_curriculum()
    return next(ls.id for ls in curriculum.lessons.values() if ls.practice.follow_up is not None)


def upgrade(db: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "bot", "db", "upgrade", "--db", f"sqlite:///{db}"],
        cwd=REPO,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def _stamp(at: datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M:%S.%f")


def add_learners(db: Path, count: int) -> None:
    """`count` learners who finished a practice task, in a time zone where it is daytime."""
    now = datetime.now(UTC)
    zone, place, stamp = daytime_zone(now), Place().to_json(), _stamp(now - timedelta(days=3))
    with sqlite3.connect(db) as conn:
        conn.executemany(
            "INSERT INTO learner (id, channel, external_id, name, lang, place, created_at, last_active_at,"
            " active, reminders_on, reminder_hour, timezone, streak_days)"
            " VALUES (?, 'telegram', ?, '学员', 'zh', ?, ?, ?, 1, 0, 19, ?, 0)",
            [(i + 1, str(FIRST_NUDGED + i), place, stamp, stamp, zone) for i in range(count)],
        )


def make_due(db: Path, count: int, lesson: str) -> None:
    """Each of those learners' follow-up falls due now (as if their three days had just passed)."""
    due = _stamp(datetime.now(UTC) - timedelta(minutes=1))
    with sqlite3.connect(db, timeout=30) as conn:
        conn.executemany(
            "INSERT INTO nudge (learner_id, kind, key, lesson_id, due_at) VALUES (?, 'follow_up', ?, ?, ?)",
            [(i + 1, lesson, lesson, due) for i in range(count)],
        )


async def chatter(fake: TimedFake, user: int, stop: asyncio.Event, taps: list[tuple[float, float]]) -> int:
    """A learner who taps the newest button about once a second until told to stop: (when, how long
    to the next message) per tap; returns the taps left unanswered."""
    rng = random.Random(user)
    fake.user_says(user, "/start")
    await fake.next_message(user, 0, timeout=120)
    missed = 0
    while not stop.is_set():
        await asyncio.sleep(rng.uniform(0.5, 1.5))
        began, waited = await tap_newest(fake, user, 15)
        if waited is None:
            missed += 1
        else:
            taps.append((began, waited))
    return missed


async def run(nudges: int, chatters: int) -> None:
    lesson = follow_up_lesson()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "broadcast.db"
        upgrade(db)
        add_learners(db, nudges)
        nudged = [FIRST_NUDGED + i for i in range(nudges)]
        fake = TimedFake(flood_per_second=int(TELEGRAM_RATE))
        await fake.start()
        proc = await start_bot(fake, ["bot", "run"], db, Path(tmp) / "bot.log")
        stop = asyncio.Event()
        taps: list[tuple[float, float]] = []
        try:
            await until_polling(fake, proc)
            talk = [
                asyncio.create_task(chatter(fake, FIRST_CHATTER + i, stop, taps)) for i in range(chatters)
            ]
            while len(taps) < 2 * chatters:  # everyone is chatting
                await asyncio.sleep(0.1)
            await asyncio.to_thread(make_due, db, nudges, lesson)
            due_at = time.monotonic()
            deadline = due_at + 90 + 4 * nudges / TELEGRAM_RATE  # the nudge job looks once a minute
            while time.monotonic() < deadline and sum(1 for u in nudged if fake.arrivals[u]) < nudges:
                await asyncio.sleep(0.1)
            await asyncio.sleep(2.0)  # anything sent twice arrives now
            stop.set()
            missed = sum(await asyncio.gather(*talk))
        finally:
            await stop_bot(proc)
            await fake.stop()
        with sqlite3.connect(db) as conn:
            owed = conn.execute("SELECT count(*) FROM outbox WHERE status = 'pending'").fetchone()[0]
            unclaimed = conn.execute("SELECT count(*) FROM nudge WHERE sent_at IS NULL").fetchone()[0]
    report(nudges, chatters, fake, nudged, due_at, taps, missed, (owed, unclaimed))


def report(
    nudges: int,
    chatters: int,
    fake: TimedFake,
    nudged: list[int],
    due_at: float,
    taps: list[tuple[float, float]],
    missed: int,
    left: tuple[int, int],
) -> None:
    twice = sum(1 for u in nudged if len(fake.arrivals[u]) > 1)
    arrivals = sorted(fake.arrivals[u][0] for u in nudged if fake.arrivals[u])
    reached = len(arrivals)
    print(f"broadcast benchmark: {nudges:,} follow-ups falling due at once, {chatters} learners chatting")
    print(f"  delivered               {reached:,} of {nudges:,}")
    if reached < 2:
        return
    first, last = arrivals[0], arrivals[-1]
    rate = (reached - 1) / (last - first)
    during = [lat for at, lat in taps if first <= at <= last]
    refused = sum(1 for _, status in fake.calls if status == 429)
    print(f"  first delivered after   {first - due_at:.1f} s (the nudge job looks once a minute)")
    print(f"  first to last           {last - first:.1f} s")
    # Everything the bot sent meanwhile: the follow-ups and the chatting learners' replies share
    # Telegram's 30 a second, and the replies go first.
    every = sum(1 for times in fake.arrivals.values() for at in times if first <= at <= last)
    total = (every - 1) / (last - first)
    print(f"  follow-ups/s            {rate:.1f} = {rate / TELEGRAM_RATE:.0%} of 30/s (the rest: replies)")
    print(f"  all messages/s          {total:.1f} = {total / TELEGRAM_RATE:.0%} of 30/s (target >= 90%)")
    print(f"  delivered twice         {twice} (target 0)")
    print(f"  left unsent             {nudges - reached} (nudges unclaimed {left[1]}, outbox owed {left[0]})")
    print(f"  refused with 429        {refused}")
    print(
        f"  chatting meanwhile      p50 {ms(percentile(during, 0.5))}, p99 {ms(percentile(during, 0.99))}"
        f" over {len(during)} taps; {missed} unanswered (target p99 < 1.5 s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="200 follow-ups, for CI")
    parser.add_argument("--nudges", type=int)
    parser.add_argument("--chatters", type=int, default=10)
    args = parser.parse_args()
    nudges = args.nudges or (200 if args.quick else 1000)
    asyncio.run(run(nudges, args.chatters))


if __name__ == "__main__":
    main()
