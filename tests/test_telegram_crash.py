"""Never silent, never lost: the real `farmskills run` process, killed with SIGKILL mid-burst.

Each test starts `farmskills run` (long polling the local fake Bot API, the shipped lessons, its
own SQLite file), kills it with SIGKILL while learners are tapping, starts it again, and checks
what the learners saw: every update answered, nothing answered twice, nobody stuck.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from tests.databases import database_for, query
from tests.fake_telegram import TOKEN, FakeTelegram, Sent
from tests.telegram_harness import RunProcess, start_run_process


class BotProcess(RunProcess):
    """`farmskills run` that can be killed and started again on the same database."""

    def __init__(self, fake: FakeTelegram, tmp_path: Path) -> None:
        self.fake = fake
        self.db = tmp_path / "crash.db"
        self.log = tmp_path / "bot.log"

    async def start(self) -> None:
        polls = self.polls()
        self.proc = await start_run_process(self.fake, TOKEN, self.db, log=self.log)
        deadline = time.monotonic() + 60
        while self.polls() == polls:  # up once it asks for updates
            assert self.proc.returncode is None, self.log.read_text(errors="replace")[-2000:]
            assert time.monotonic() < deadline, "the bot did not start polling"
            await asyncio.sleep(0.02)

    def polls(self) -> int:
        return sum(1 for method, _ in self.fake.calls if method == "getUpdates")

    def open_work(self) -> tuple[int, int]:
        """(updates journaled and not handled, messages owed and not sent)."""
        url = database_for(self.db)
        (unhandled,) = query(url, "SELECT count(*) FROM inbound_update WHERE handled_at IS NULL")
        (owed,) = query(url, "SELECT count(*) FROM outbox WHERE status = 'pending'")
        return int(unhandled[0]), int(owed[0])

    async def settled(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while self.open_work() != (0, 0):
            assert time.monotonic() < deadline, f"still open after {timeout} s: {self.open_work()}"
            await asyncio.sleep(0.1)


@asynccontextmanager
async def bot_process(tmp_path: Path) -> AsyncIterator[tuple[FakeTelegram, BotProcess]]:
    """The fake Bot API and a started `farmskills run`; both stopped at the end, whatever happened."""
    fake = FakeTelegram()
    await fake.start()
    bot = BotProcess(fake, tmp_path)
    try:
        await bot.start()
        yield fake, bot
    finally:
        if bot.proc is not None and bot.proc.returncode is None:
            bot.proc.kill()
            await bot.proc.wait()
        await fake.stop()


async def test_three_kills_during_bursts_of_40_new_learners_every_start_answered_once(tmp_path: Path) -> None:
    users: list[int] = []
    async with bot_process(tmp_path) as (fake, bot):
        for round_ in range(3):
            burst = [20_000 + 100 * round_ + i for i in range(40)]
            users += burst
            for user in burst:
                fake.user_says(user, "/start")
            await asyncio.sleep(0.4)
            await bot.kill()
            await bot.start()
        for user in users:
            await fake.wait_for(user, 1, timeout=90)
        await bot.settled()
        await bot.stop()
    welcomes = Counter(s.chat_id for s in fake.sent if "只保存" in s.text)
    assert len(welcomes) == 120, f"answered {len(welcomes)} of 120"
    assert [u for u, n in welcomes.items() if n > 1] == [], "someone was welcomed twice"


async def tap_along(fake: FakeTelegram, user: int, taps: int, rng: random.Random) -> int:
    """A learner who taps the first button of the newest message, waits for the answer, and goes
    on about once a second. Returns how many taps were answered; never types /menu."""
    fake.user_says(user, "/start")
    await fake.next_reply(user, 0, "只保存", timeout=90)  # the notice carries the first buttons
    answered = 0
    for _ in range(taps):
        shown = fake.to(user)
        newest: Sent = [s for s in shown if s.buttons][-1]
        actions = [b for row in newest.buttons for b in row if "callback_data" in b]
        fake.user_presses_data(user, newest, str(actions[0]["callback_data"]))
        await fake.wait_for(user, len(shown) + 1, timeout=90)  # stuck learners fail here
        answered += 1
        await asyncio.sleep(rng.uniform(0.6, 1.4))
    return answered


async def test_fifty_learners_tapping_through_three_kills_never_meet_a_silent_button(tmp_path: Path) -> None:
    rng = random.Random(11)
    async with bot_process(tmp_path) as (fake, bot):
        learners = [asyncio.create_task(tap_along(fake, 30_000 + i, 10, rng)) for i in range(50)]
        for _ in range(3):
            await asyncio.sleep(3)
            await bot.kill()
            await bot.start()
        answered = await asyncio.gather(*learners)
        await bot.settled()
        await bot.stop()
    assert answered == [10] * 50
    menus = [s for s in fake.sent if s.text.startswith("/menu")]
    assert menus == []


async def test_an_update_the_library_cannot_read_is_skipped_and_the_next_learner_answered(
    tmp_path: Path,
) -> None:
    async with bot_process(tmp_path) as (fake, bot):
        size_before = bot.log.stat().st_size
        # A poll answer without the fields python-telegram-bot requires, and a message with no chat.
        fake.push_raw({"poll_answer": {"poll_id": "p1"}})
        for n in range(300):
            fake.push_raw({"message": {"message_id": n, "date": 1, "text": "no chat"}})
        started = time.monotonic()
        fake.user_says(40_001, "/start")
        await fake.wait_for(40_001, 1, timeout=30)
        waited = time.monotonic() - started
        await bot.settled()
        await bot.stop()
    grown = bot.log.stat().st_size - size_before
    assert waited < 20, f"the learner waited {waited:.1f} s behind unreadable updates"
    assert grown < 20_000, f"the log grew by {grown} bytes for 301 unreadable updates"
