"""What the live benchmarks share: the fake Bot API with arrival times, bot processes, /proc readings.

A bot under test runs in its own process (`farmskills run`, or the bare echo bot) against a
`TimedFake` — the project's fake Bot API that also notes when each message reached each chat —
and is measured from outside: CPU time and peak memory from /proc/<pid>, Bot API calls from the
fake's log, latency from the moment a learner taps to the moment the next message arrives.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from aiohttp import web

from tests.fake_telegram import TOKEN, FakeTelegram, Sent

REPO = Path(__file__).resolve().parents[1]
TICKS = os.sysconf("SC_CLK_TCK")


_FAKES_STARTED = itertools.count()


class TimedFake(FakeTelegram):
    """The fake Bot API, noting when each message reached each chat."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.arrivals: dict[int, list[float]] = defaultdict(list)
        # Telegram's update ids go on rising across a bot's restarts; a bot restarted on the same
        # database would take a second fake's update 1 for one it has handled already.
        self.update_ids = itertools.count(1 + next(_FAKES_STARTED) * 10_000_000)

    def _send(self, method: str, params: dict[str, Any]) -> web.Response:
        response = super()._send(method, params)
        if response.status == 200:
            self.arrivals[int(params["chat_id"])].append(time.monotonic())
        return response

    def api_calls(self) -> int:
        """Calls the bot made, long polls left out (they are waiting, not work)."""
        return sum(1 for method, _ in self.calls if method.lower() != "getupdates")

    def polls(self) -> int:
        return sum(1 for method, _ in self.calls if method.lower() == "getupdates")

    async def next_message(self, chat: int, after: int, timeout: float = 60) -> float:
        """Wait for message number `after` + 1 to the chat; its arrival time."""
        deadline = time.monotonic() + timeout
        while len(self.arrivals[chat]) <= after:
            if time.monotonic() > deadline:
                raise TimeoutError(f"chat {chat}: no message {after + 1} in {timeout} s")
            await asyncio.sleep(0.002)
        return self.arrivals[chat][after]

    def newest_buttons(self, chat: int) -> tuple[Sent, str] | None:
        """The newest message to the chat with a callback button, and its first button's data."""
        for sent in reversed(self.to(chat)):
            data = [b["callback_data"] for row in sent.buttons for b in row if "callback_data" in b]
            if data:
                return sent, str(data[0])
        return None


async def tap_newest(fake: TimedFake, user: int, timeout: float) -> tuple[float, float | None]:
    """Tap the newest button (or type /menu when none is on screen): (when, seconds to the next
    message), or None for the wait when nothing came; a stuck learner then types /menu."""
    newest = fake.newest_buttons(user)
    before = len(fake.arrivals[user])
    began = time.monotonic()
    if newest is None:
        fake.user_says(user, "/menu")
    else:
        fake.user_presses_data(user, newest[0], newest[1])
    try:
        return began, await fake.next_message(user, before, timeout=timeout) - began
    except TimeoutError:
        fake.user_says(user, "/menu")
        return began, None


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process so far (fields 14 and 15 of /proc/<pid>/stat)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


async def settle(pid: int, quiet: float = 0.05, window: float = 0.5, limit: float = 30.0) -> float:
    """Wait until the process is idle (under `quiet` of a core over `window` seconds, twice running):
    its start-up work in the background — the FAQ index, the scheduled jobs' first run — is then
    done, and is not counted as the cost of the updates that follow. Returns the seconds waited."""
    began = time.monotonic()
    calm = 0
    before = cpu_seconds(pid)
    while calm < 2 and time.monotonic() - began < limit:
        await asyncio.sleep(window)
        now = cpu_seconds(pid)
        calm = calm + 1 if now - before < quiet * window else 0
        before = now
    return time.monotonic() - began


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident memory (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def compile_bot() -> None:
    """Byte-compile the bot's own modules, as installing it (`pip install .`) does. An editable
    checkout run with PYTHONDONTWRITEBYTECODE (these machines set it) would compile every module of
    ours from source at every start, while the echo bot's library arrives compiled by pip."""
    import compileall

    compileall.compile_dir(REPO / "bot", quiet=1)


async def start_bot(
    fake: TimedFake,
    module: list[str],
    db: Path | None = None,
    log: Path | None = None,
    cache: Path | None = None,
) -> asyncio.subprocess.Process:
    """`python -m <module>` against the fake, with this checkout first on the path; `cache` is where
    FarmSkills remembers content it found clean (`FARMSKILLS_CACHE`; default: the user's)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")}
    env.update(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_BASE_URL=fake.base_url, PYTHONPATH=str(REPO))
    if cache is not None:
        env["FARMSKILLS_CACHE"] = str(cache)
    if db is not None:
        env["DATABASE_URL"] = f"sqlite:///{db}"
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        *module,
        cwd=REPO,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=log.open("ab") if log is not None else subprocess.DEVNULL,
    )


async def stop_bot(proc: asyncio.subprocess.Process) -> None:
    if proc.returncode is None:
        proc.terminate()
        try:
            await asyncio.wait_for(proc.wait(), 30)
        except TimeoutError:
            proc.kill()
            await proc.wait()


async def until_polling(fake: TimedFake, proc: asyncio.subprocess.Process, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while fake.polls() == 0:
        if proc.returncode is not None:
            raise RuntimeError(f"the bot exited with {proc.returncode} before polling")
        if time.monotonic() > deadline:
            raise TimeoutError("the bot did not start polling")
        await asyncio.sleep(0.01)


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"
