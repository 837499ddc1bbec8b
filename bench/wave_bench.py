"""An evening wave of reminders through the real `farmskills run`: peak memory while it goes out.

On a copy of a database you made (your file is not written to), every learner's time zone is set
to one where it is now a little after 19:00, the default reminder hour, so at start the bot plans a
reminder for each active learner who has begun a course and sends them at Telegram's pace to the
project's fake Bot API. It prints the peak resident memory (VmHWM, as `bench/handler_bench.py`
measures it) before the wave and over the run, the resident memory every 15 s, and how many
reminders were planned and sent. A benchmark measures and prints; it never fails.

    python -m bot demo-data --learners 100000 --db sqlite:////tmp/big.db
    python -m bench.wave_bench --db /tmp/big.db                # 120 s of the wave
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sqlite3
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.handler_bench import upgrade
from bench.live import TimedFake, peak_rss_mb, start_bot, stop_bot, until_polling

EVENING = 19  # the default reminder hour, local time


def evening_zone(now: datetime) -> str:
    """A fixed-offset zone where it is now between 19:00 and 19:59 (Etc/GMT-5 is UTC+5)."""
    ahead = (EVENING - now.hour) % 24  # hours ahead of UTC, 0..23
    if ahead > 14:  # behind UTC instead: no zone is more than 14 h ahead
        return f"Etc/GMT+{24 - ahead}"
    return f"Etc/GMT-{ahead}" if ahead else "Etc/GMT"


def resident_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


NEWCOMER = 990_000_001  # a chat id no demo learner has


def reminders(db: Path) -> tuple[int, int]:
    with sqlite3.connect(db) as c:
        planned, sent = c.execute(
            "SELECT count(*), count(sent_at) FROM nudge WHERE kind = 'reminder'"
        ).fetchone()
    return int(planned), int(sent)


async def wave(db: Path, seconds: float, log: Path) -> None:
    fake = TimedFake()
    await fake.start()
    fake.user_says(NEWCOMER, "/start")  # a learner waiting as the bot starts into the wave
    began = time.monotonic()
    proc = await start_bot(fake, ["bot", "run"], db, log)
    try:
        # (the fake notes a long poll when it answers it: an empty one after its full timeout)
        await until_polling(fake, proc)
        first = await fake.next_message(NEWCOMER, 0, timeout=120) - began
        before = peak_rss_mb(proc.pid)
        print(f"  a learner's /start answered {first:.1f} s after the start, peak RSS so far {before:.0f} MB")
        for tick in range(int(seconds)):
            await asyncio.sleep(1)
            if (tick + 1) % 15 == 0:
                rss = resident_mb(proc.pid)
                print(f"  {tick + 1:4d} s: RSS {rss:.1f} MB, {len(fake.sent)} messages sent")
        print(f"  peak RSS (VmHWM) over the run: {peak_rss_mb(proc.pid):.1f} MB")
    finally:
        await stop_bot(proc)
        await fake.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="a SQLite file with learners (copied)")
    parser.add_argument("--seconds", type=float, default=120, help="how long to watch the wave")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "wave.db"
        shutil.copy(args.db, db)
        upgrade(db)
        zone = evening_zone(datetime.now(UTC))
        with sqlite3.connect(db) as c:
            c.execute("UPDATE learner SET timezone = ?, reminders_on = 1", (zone,))
            # The fake numbers its updates from 1 again: updates journaled by an earlier run on this
            # database would make the waiting learner's /start look like a re-delivery.
            c.execute("DELETE FROM inbound_update")
        print(f"evening wave: every learner in {zone}; FarmSkills on a copy of {args.db}")
        asyncio.run(wave(db, args.seconds, Path(tmp) / "bot.log"))
        planned, sent = reminders(db)
        print(f"  reminders planned {planned}, sent {sent}")


if __name__ == "__main__":
    main()
