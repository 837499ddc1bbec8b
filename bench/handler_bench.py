"""The real `farmskills run` beside a bare python-telegram-bot echo bot: what a tap costs.

Each bot runs in its own process against its own fake Bot API (`bench/live.py`), one after the
other in the same run, under the same load: learners who send /start and then tap the first button
of the newest message, thinking about a second between taps. For each bot it prints the time from
start to the first reply (a /start already waiting; for FarmSkills a restart, and apart from it its
very first start, which makes the database and checks all the content as after a content change),
CPU per update (from /proc/<pid>/stat), the latency from a tap to the next message (p50, p99),
Bot API calls per update, and peak memory (VmHWM); then one learner alone, tapping every 2 s
(p50 from tap to next step); and the ratios.
The machine is shared, and a neighbour's load lands on one bot's turn and not the other's: so the
two take turns for several rounds (echo first in one round, FarmSkills first in the next) and the
table gives the median round for CPU, calls and start-up (their ratios: the median of each round's
own ratio), latencies pooled over all rounds, and the highest peak memory of any round; each
round's CPU figures are printed under it.
A benchmark measures and prints; it never fails on a slow machine.

    python -m bench.handler_bench                              # 50 learners x 20 taps
    python -m bench.handler_bench --quick                      # 20 learners x 5 taps, for CI's log
    python -m bench.handler_bench --rounds 5                   # more turns each (default 3)
    python -m bench.handler_bench --db /tmp/big.db             # FarmSkills on a database you made:
        python -m bot demo-data --learners 100000 --db sqlite:////tmp/big.db
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.live import (
    REPO,
    TimedFake,
    compile_bot,
    cpu_seconds,
    ms,
    peak_rss_mb,
    percentile,
    settle,
    start_bot,
    stop_bot,
    tap_newest,
    until_polling,
)

FARMSKILLS = ["bot", "run"]
ECHO = ["bench.echo_bot"]
FIRST_USER = 910_000
ANSWER_WAIT = 15.0  # a tap with no message after this long counts as unanswered


@dataclass
class Load:
    learners: int
    taps: int
    think: float  # mean seconds between a reply and the next tap
    slow_taps: int  # taps of the learner alone, every 2 s


@dataclass
class Figures:
    startup: float = 0.0
    first_startup: float = 0.0  # FarmSkills' very first start: a new database, all content checked
    cpu_per_update: float = 0.0
    settled: float = 0.0  # seconds from the first reply until the bot was idle
    calls_per_update: float = 0.0
    latencies: list[float] = field(default_factory=list)
    slow: list[float] = field(default_factory=list)
    unanswered: int = 0
    rss_idle: float = 0.0
    rss_peak: float = 0.0
    cpu_by_round: list[float] = field(default_factory=list)
    start_by_round: list[float] = field(default_factory=list)


def combined(rounds: list[Figures]) -> Figures:
    """One bot's rounds as one row: the median round for what is a per-run figure, latencies pooled,
    the worst peak memory."""

    def median(of: str) -> float:
        return statistics.median(getattr(r, of) for r in rounds)

    return Figures(
        startup=median("startup"),
        cpu_per_update=median("cpu_per_update"),
        settled=median("settled"),
        calls_per_update=median("calls_per_update"),
        latencies=[x for r in rounds for x in r.latencies],
        slow=[x for r in rounds for x in r.slow],
        unanswered=sum(r.unanswered for r in rounds),
        rss_idle=max(r.rss_idle for r in rounds),
        rss_peak=max(r.rss_peak for r in rounds),
        cpu_by_round=[r.cpu_per_update for r in rounds],
        start_by_round=[r.startup for r in rounds],
    )


async def tap_and_wait(fake: TimedFake, user: int, figures: Figures, into: list[float]) -> None:
    _, waited = await tap_newest(fake, user, ANSWER_WAIT)
    if waited is None:
        figures.unanswered += 1
    else:
        into.append(waited)


async def learner(fake: TimedFake, user: int, load: Load, figures: Figures, rng: random.Random) -> None:
    await asyncio.sleep(rng.uniform(0, load.think))  # not all at once
    fake.user_says(user, "/start")
    await fake.next_message(user, 0, timeout=60)
    for _ in range(load.taps):
        await asyncio.sleep(rng.uniform(0.5 * load.think, 1.5 * load.think))
        await tap_and_wait(fake, user, figures, figures.latencies)


async def first_reply_after_start(module: list[str], db: Path | None, log: Path, cache: Path) -> float:
    """Seconds from starting the bot to its answer to a /start that was waiting; then it stops."""
    fake = TimedFake()
    await fake.start()
    fake.user_says(FIRST_USER, "/start")
    began = time.monotonic()
    proc = await start_bot(fake, module, db, log, cache)
    try:
        await until_polling(fake, proc)
        return await fake.next_message(FIRST_USER, 0, timeout=120) - began
    finally:
        await stop_bot(proc)
        await fake.stop()


async def measure(module: list[str], load: Load, db: Path | None, log: Path, cache: Path) -> Figures:
    figures = Figures()
    fake = TimedFake()
    await fake.start()
    fake.user_says(FIRST_USER, "/start")  # waiting before the bot starts
    began = time.monotonic()
    proc = await start_bot(fake, module, db, log, cache)
    try:
        await until_polling(fake, proc)
        figures.startup = await fake.next_message(FIRST_USER, 0, timeout=120) - began
        figures.settled = await settle(proc.pid)  # start-up work in the background (FAQ index, jobs)
        figures.rss_idle = peak_rss_mb(proc.pid)
        cpu, calls = cpu_seconds(proc.pid), fake.api_calls()
        rng = random.Random(15)
        users = [FIRST_USER + 1 + i for i in range(load.learners)]
        await asyncio.gather(*(learner(fake, u, load, figures, rng) for u in users))
        await asyncio.sleep(1.0)  # the last receipts and cosmetic calls
        updates = load.learners * (1 + load.taps) + figures.unanswered
        figures.cpu_per_update = (cpu_seconds(proc.pid) - cpu) / updates
        figures.calls_per_update = (fake.api_calls() - calls) / updates
        alone = FIRST_USER
        for _ in range(load.slow_taps):
            await asyncio.sleep(2.0)
            await tap_and_wait(fake, alone, figures, figures.slow)
        figures.rss_peak = peak_rss_mb(proc.pid)
    finally:
        await stop_bot(proc)
        await fake.stop()
    return figures


def upgrade(db: Path) -> float:
    """Bring a given database to the current schema first, so start-up is measured without it."""
    began = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "bot", "db", "upgrade", "--db", f"sqlite:///{db}"],
        cwd=REPO,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.monotonic() - began


def report(load: Load, bot: Figures, echo: Figures, db_note: str) -> None:
    def ratio(a: float, b: float) -> str:
        return f"{a / b:.2f}x" if b else "-"

    def paired(ours: list[float], theirs: list[float]) -> str:
        # Each round's two runs came minutes apart: the median of the rounds' own ratios.
        ratios = [a / b for a, b in zip(ours, theirs, strict=True) if b]
        return f"{statistics.median(ratios):.2f}x" if ratios else "-"

    rows = [
        (
            "first reply, a restart",
            ms(bot.startup),
            ms(echo.startup),
            paired(bot.start_by_round, echo.start_by_round),
        ),
        # The very first start makes the database and checks all the content (as after a change).
        ("  first start, new database", ms(bot.first_startup), "", ""),
        ("then busy starting up", ms(bot.settled), ms(echo.settled), ratio(bot.settled, echo.settled)),
        (
            "CPU per update",
            f"{bot.cpu_per_update * 1000:.1f} ms",
            f"{echo.cpu_per_update * 1000:.1f} ms",
            paired(bot.cpu_by_round, echo.cpu_by_round),
        ),
    ]
    for name, share in (("p50", 0.5), ("p99", 0.99)):
        a, b = percentile(bot.latencies, share), percentile(echo.latencies, share)
        rows.append((f"tap to next message {name}", ms(a), ms(b), ratio(a, b)))
    rows += [
        (
            "Bot API calls per update",
            f"{bot.calls_per_update:.2f}",
            f"{echo.calls_per_update:.2f}",
            ratio(bot.calls_per_update, echo.calls_per_update),
        ),
        (
            "peak RSS before traffic",
            f"{bot.rss_idle:.0f} MB",
            f"{echo.rss_idle:.0f} MB",
            ratio(bot.rss_idle, echo.rss_idle),
        ),
        (
            "peak RSS (VmHWM)",
            f"{bot.rss_peak:.0f} MB",
            f"{echo.rss_peak:.0f} MB",
            ratio(bot.rss_peak, echo.rss_peak),
        ),
    ]
    a, b = percentile(bot.slow, 0.5), percentile(echo.slow, 0.5)
    rows.append(("alone, a tap every 2 s: p50", ms(a), ms(b), ratio(a, b)))
    print(
        f"handler benchmark: {load.learners} learners x {load.taps} taps (about {load.think:.1f} s apart), "
        f"then one learner tapping every 2 s x {load.slow_taps}; {len(bot.cpu_by_round)} rounds each, "
        f"taking turns; FarmSkills on {db_note}"
    )
    print(f"  {'measure':<30}{'FarmSkills':>12}{'echo bot':>12}{'ratio':>9}")
    for name, x, y, r in rows:
        print(f"  {name:<30}{x:>12}{y:>12}{r:>9}")
    print(
        f"  unanswered taps (no message in {ANSWER_WAIT:.0f} s): "
        f"FarmSkills {bot.unanswered}, echo {echo.unanswered}"
    )
    print(
        "  targets: CPU per update <= 1.5x echo; peak RSS < 150 MB; "
        "alone every 2 s p50 < 300 ms; start to first reply about 1 s"
    )
    by_round = zip(bot.cpu_by_round, echo.cpu_by_round, strict=True)
    print(
        "  CPU per update by round (FarmSkills / echo): "
        + ", ".join(f"{a * 1000:.1f} / {b * 1000:.1f} ms = {ratio(a, b)}" for a, b in by_round)
    )
    if bot.slow:
        print(f"  FarmSkills alone, every tap: {', '.join(ms(x) for x in bot.slow)}")
    if bot.latencies:
        print(
            f"  FarmSkills mean tap latency {ms(statistics.fmean(bot.latencies))}"
            f" over {len(bot.latencies)} taps"
        )


async def main_async(load: Load, db: Path | None, rounds: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "bots.log"
        note = "a fresh database"
        if db is not None:
            note = f"{db} (schema upgrade first: {upgrade(db):.1f} s)"
        cache = Path(tmp) / "cache"  # empty: the first start checks the content, as after a change
        db = db or Path(tmp) / "bench.db"
        compile_bot()
        first = await first_reply_after_start(FARMSKILLS, db, log, cache)
        bots: list[Figures] = []
        echoes: list[Figures] = []
        for turn in range(rounds):
            # FarmSkills restarts: the content remembered, the database as the last round left it.
            turns = [(ECHO, None, echoes), (FARMSKILLS, db, bots)]
            for module, its_db, into in turns if turn % 2 == 0 else reversed(turns):
                into.append(await measure(module, load, its_db, log, cache))
        bot, echo = combined(bots), combined(echoes)
        bot.first_startup = first
        report(load, bot, echo, note)
        if bot.unanswered or echo.unanswered:
            print("  (the bots' log, last lines:)\n" + log.read_text(errors="replace")[-1500:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small load, for CI")
    parser.add_argument("--learners", type=int)
    parser.add_argument("--taps", type=int)
    parser.add_argument("--db", type=Path, help="run FarmSkills on this SQLite file (it is written to)")
    parser.add_argument("--rounds", type=int, default=3, help="turns each bot takes (default 3)")
    args = parser.parse_args()
    load = Load(learners=20, taps=5, think=1.0, slow_taps=5) if args.quick else Load(50, 20, 1.0, 10)
    load.learners = args.learners or load.learners
    load.taps = args.taps or load.taps
    asyncio.run(main_async(load, args.db, max(1, args.rounds)))


if __name__ == "__main__":
    main()
