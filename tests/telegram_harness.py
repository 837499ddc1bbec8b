"""The Telegram test harness: the fake Bot API plus the real bot, in process or as `farmskills run`.

Shared by the Telegram test modules. Waits are on events — a reply arriving, the journal marking
an update handled, the outbox draining — never on a fixed quiet time, so a slow machine makes a
test slower, not wrong, and a fast one doesn't wait for nothing.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

from sqlmodel import col, select

from bot.app.service import LearningService, build_service
from bot.channels.telegram.app import TelegramBot, Tuning
from bot.config import Settings
from bot.content.loader import Curriculum
from bot.faq.matcher import FaqMatcher
from bot.store.database import open_session, upgrade
from bot.store.progress import utcnow
from bot.store.tables import InboundUpdate
from tests.content_builder import REPO
from tests.databases import database_for, query
from tests.fake_telegram import TOKEN, FakeTelegram, Sent

FAST = Tuning(
    per_chat_rate=20,
    per_chat_period=1,
    overall_rate=100,
    rate_limit_retries=5,
    send_attempts=6,
    backoff=0.01,
    outbox_every=timedelta(seconds=0.2),
    nudges_every=timedelta(seconds=0.3),
    replay_every=timedelta(seconds=0.5),
    replay_after=timedelta(seconds=2),
    poll_timeout=timedelta(seconds=1),
    menus_after=timedelta(0),
)
ALICE = 501


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Chat:
    """The learners' side of the fake Bot API: say something or press a button, then wait for the
    reply that contains a given text. Works whatever runs the bot (in this process or others)."""

    def __init__(self, fake: FakeTelegram, timeout: float = 20) -> None:
        self.fake = fake
        self.timeout = timeout

    async def say(self, user: int, text: str, containing: str = "", **kw: object) -> Sent:
        before = len(self.fake.to(user))
        self.fake.user_says(user, text, **kw)  # type: ignore[arg-type]
        return await self.fake.next_reply(user, before, containing, self.timeout)

    async def press(self, user: int, label: str, containing: str = "", on: Sent | None = None) -> Sent:
        before = len(self.fake.to(user))
        message = on or self.last_with_buttons(user)
        self.fake.user_presses(user, message, label)
        return await self.fake.next_reply(user, before, containing, self.timeout)

    def last_with_buttons(self, user: int) -> Sent:
        return [s for s in self.fake.to(user) if s.buttons][-1]


class Harness(Chat):
    """The fake server plus a running bot that can be stopped and started again (a new process's
    worth of objects each time: service, application, sender)."""

    def __init__(
        self,
        fake: FakeTelegram,
        curriculum: Curriculum,
        db_url: str,
        tuning: Tuning,
        clock: Callable[[], datetime] = utcnow,
        webhook: bool = False,
    ) -> None:
        super().__init__(fake)
        self.clock = clock
        self.curriculum = curriculum
        self.db_url = db_url
        self.tuning = tuning
        self.webhook = webhook
        self.bot: TelegramBot | None = None
        self.service: LearningService | None = None
        self.secret = "s3cret-token"
        self.port = 0

    async def start(self) -> None:
        faq = FaqMatcher.for_curriculum(self.curriculum)
        self.service = build_service(self.curriculum, self.db_url, faq=faq, clock=self.clock)
        settings = replace(
            Settings(), telegram_token=TOKEN, telegram_base_url=self.fake.base_url, database_url=self.db_url
        )
        bot = TelegramBot(self.service, settings, self.tuning)
        if self.webhook:
            self.port = self.port or free_port()
            url = f"http://127.0.0.1:{self.port}"
            await bot.start(url, "127.0.0.1", self.port, self.secret or None)
        else:
            await bot.start()
        self.bot = bot

    async def stop(self) -> None:
        if self.bot is not None:
            await self.bot.stop()
            self.bot = None

    def learner_row(self, user: int) -> tuple[object, ...]:
        sql = "SELECT name, lang, cohort, active FROM learner WHERE external_id = :u"
        found = query(self.db_url, sql, {"u": str(user)})
        return tuple(found[0]) if found else ()

    async def handled(self, *update_ids: int, timeout: float = 30) -> None:
        """Wait until the bot has handled these updates (the journal marks them) and sent what
        they owe: after this, a reply that hasn't come is a reply that won't come."""
        assert self.service is not None
        engine = self.service.store.engine
        deadline = time.monotonic() + timeout

        def open_ids() -> set[int]:
            with open_session(engine) as s:
                done = s.exec(
                    select(InboundUpdate.update_id).where(
                        col(InboundUpdate.update_id).in_(update_ids),
                        col(InboundUpdate.handled_at).is_not(None),
                    )
                ).all()
            return set(update_ids) - set(done)

        while await asyncio.to_thread(open_ids):
            if time.monotonic() > deadline:
                raise AssertionError(f"updates not handled in {timeout} s: {sorted(open_ids())}")
            await asyncio.sleep(0.02)
        await self.drained(timeout)

    async def drained(self, timeout: float = 30) -> None:
        """Wait until the updates in hand are done and nothing is owed or being sent."""
        assert self.bot is not None
        deadline = time.monotonic() + timeout
        while self.bot.intake.busy:
            if time.monotonic() > deadline:
                raise AssertionError("updates still in hand")
            await asyncio.sleep(0.02)
        assert await self.bot.sender.drained(max(0.1, deadline - time.monotonic())), (
            "the outbox did not drain"
        )


async def make_harness(
    tmp_path: Path,
    curriculum: Curriculum,
    tuning: Tuning = FAST,
    clock: Callable[[], datetime] = utcnow,
    webhook: bool = False,
    **fake_options: object,
) -> Harness:
    fake = FakeTelegram(**fake_options)  # type: ignore[arg-type]
    await fake.start()
    harness = Harness(fake, curriculum, database_for(tmp_path / "tg.db"), tuning, clock, webhook)
    await harness.start()
    return harness


@asynccontextmanager
async def running(
    tmp_path: Path,
    curriculum: Curriculum,
    tuning: Tuning = FAST,
    clock: Callable[[], datetime] = utcnow,
    webhook: bool = False,
    **fake_options: object,
) -> AsyncIterator[Harness]:
    harness = await make_harness(tmp_path, curriculum, tuning, clock, webhook, **fake_options)
    try:
        yield harness
    finally:
        await harness.stop()
        await harness.fake.stop()


async def until(check: Callable[[], object], what: str, timeout: float = 60) -> None:
    """Wait until `check()` holds (it may read the database: it runs in a thread); a test that
    would otherwise wait forever fails naming what never happened."""
    deadline = time.monotonic() + timeout
    while not await asyncio.to_thread(check):
        assert time.monotonic() < deadline, f"not in {timeout} s: {what}"
        await asyncio.sleep(0.02)


async def onboard(tg: Chat, user: int = ALICE, payload: str = "") -> None:
    await tg.say(user, f"/start {payload}".strip(), "只保存")
    await tg.press(user, "开始学习", "怎么称呼")
    await tg.press(user, "老王", "主页")


async def open_first_lesson(tg: Chat, user: int = ALICE) -> Sent:
    await tg.press(user, "选课程", "想学哪一门")
    await tg.press(user, "网上卖货", "请选一个级别")
    await tg.press(user, "基础", "请选一课")
    return await tg.press(user, "第1课", "（1/3）")


async def finish_first_lesson(tg: Chat, user: int = ALICE) -> Sent:
    """Onboard, take the first lesson through its check question; returns the "finished" screen."""
    await onboard(tg, user)
    await open_first_lesson(tg, user)
    for step in ("（2/3）", "（3/3）", "小测验"):
        await tg.press(user, "下一步", step)
    return await tg.press(user, "1️⃣", "学完了")


async def report_task_done_with_a_photo(tg: Chat, finished: Sent, file_id: str, user: int = ALICE) -> None:
    """Done on the practice task, then a photo as its evidence; waits for the thank-you."""
    await tg.press(user, "做完了", "发一张照片", on=finished)
    before = len(tg.fake.to(user))
    photo = {"file_id": file_id, "file_unique_id": f"u-{file_id}", "width": 9, "height": 9}
    tg.fake.user_sends(user, {"photo": [photo]})
    await tg.fake.next_reply(user, before, "7天后")


def run_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        env={**full, **env},
        timeout=60,
        stdin=subprocess.DEVNULL,
        cwd=REPO,
    )


async def start_run_process(
    fake: FakeTelegram,
    token: str,
    db: Path,
    *args: str,
    content: Path | None = None,
    log: Path | None = None,
    extra_env: dict[str, str] | None = None,
) -> asyncio.subprocess.Process:
    """`farmskills run` as its own process, talking to the fake Bot API, after the release step
    (`farmskills db upgrade`, which a worker on a database server leaves to the release). Its log
    goes to `log` when given (a long run fills a pipe nobody reads), else to a pipe for `communicate`."""
    url = database_for(db)
    await asyncio.to_thread(upgrade, url)
    env = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")}
    env.update(TELEGRAM_BOT_TOKEN=token, TELEGRAM_BASE_URL=fake.base_url, DATABASE_URL=url)
    if content is not None:
        env["FARMSKILLS_CONTENT"] = str(content)
    env.update(extra_env or {})
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        *args,
        cwd=REPO,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=log.open("ab") if log is not None else subprocess.PIPE,
    )


class RunProcess:
    """A `farmskills run` child process a test can kill (SIGKILL, as a crash) or stop (SIGTERM)."""

    proc: asyncio.subprocess.Process | None = None

    async def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        await self.proc.wait()

    async def stop(self) -> None:
        """A graceful stop; killed if it has not stopped within 30 s."""
        if self.proc is not None and self.proc.returncode is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.proc.wait(), 30)
            except TimeoutError:
                self.proc.kill()
                await self.proc.wait()
                raise
