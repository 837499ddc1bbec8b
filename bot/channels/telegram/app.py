"""Building and running the Telegram bot: handlers, rate limits, commands, intake, sender, jobs.

`TelegramBot` wires python-telegram-bot 22 over a `LearningService` and runs it: updates come in
through `Intake` (journaled, by long polling or a webhook), replies go out through the
`OutboxSender`, and JobQueue jobs send due nudges, replay what a crash left and prune the journal.
`run_bot` is what `farmskills run` calls.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import signal
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from telegram import LinkPreviewOptions
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    filters,
)

from bot.app.content_reload import ContentReloader, Reloaded
from bot.app.service import LearningService
from bot.channels.telegram.chores import cancel_and_wait
from bot.channels.telegram.courier import Courier
from bot.channels.telegram.handlers import CHANNEL, TelegramHandlers
from bot.channels.telegram.intake import ALLOWED_UPDATES, Intake
from bot.channels.telegram.leader import Leadership
from bot.channels.telegram.menus import COMMANDS, register_commands
from bot.channels.telegram.ratelimit import PerChatRateLimiter
from bot.channels.telegram.receivers import PollingReceiver, WebhookServer
from bot.channels.telegram.sender import OutboxSender
from bot.channels.telegram.transport import AiohttpRequest
from bot.config import Settings
from bot.store import bell
from bot.store.leases import LeaseStore
from bot.store.progress import mark_inactive, utcnow
from bot.store.receipts import DeliveryReceipts, receipts_path

log = logging.getLogger(__name__)

# A wave is owed as it is sent: another batch once fewer than this wait in the outbox (20 s of
# sending at Telegram's 30 a second). Owed long before it went out, a reminder would still tell a
# learner who studied meanwhile to study, and the outbox would hold the whole evening.
OWE_AHEAD = 600
OWE_AHEAD_CHECK = 0.5  # seconds between looks at the outbox while it is fuller than that


@dataclass(frozen=True)
class Tuning:
    """Delivery settings; tests shorten the waits."""

    per_chat_rate: float = 3
    per_chat_period: float = 3
    overall_rate: float = 30
    rate_limit_retries: int = 3
    send_attempts: int = 4
    backoff: float = 0.5
    outbox_every: timedelta = timedelta(seconds=1)  # owed rows are looked for at least this often
    nudges_every: timedelta = timedelta(seconds=60)  # how often due follow-ups are looked for
    replay_every: timedelta = timedelta(seconds=30)  # journaled updates a fault left unhandled
    replay_after: timedelta = timedelta(seconds=60)
    concurrent_updates: int = 16
    poll_timeout: timedelta = timedelta(seconds=30)
    lease: timedelta = timedelta(seconds=10)  # the sending worker's lease (FARMSKILLS_LEASE_SECONDS)
    menus_after: timedelta = timedelta(seconds=2)  # after the start: the first replies come first


def build_application(service: LearningService, settings: Settings, tuning: Tuning) -> Application:
    """python-telegram-bot's Application, without its Updater: `Intake` feeds it updates."""
    if not settings.telegram_token:
        raise ValueError("no Telegram token")
    builder = (
        ApplicationBuilder()
        .token(settings.telegram_token)
        .updater(None)
        .rate_limiter(
            PerChatRateLimiter(
                per_chat_rate=tuning.per_chat_rate,
                per_chat_period=tuning.per_chat_period,
                overall_max_rate=tuning.overall_rate,
                max_retries=tuning.rate_limit_retries,
            )
        )
        .defaults(
            Defaults(
                link_preview_options=LinkPreviewOptions(is_disabled=True),
                do_quote=False,
                tzinfo=ZoneInfo(settings.timezone),
            )
        )
        # aiohttp rather than httpx: the client side of a Bot API call costs a fifth of the CPU.
        .request(AiohttpRequest(connection_pool_size=max(8, tuning.concurrent_updates * 2)))
        .get_updates_request(
            AiohttpRequest(connection_pool_size=1, read_timeout=tuning.poll_timeout.total_seconds() + 10)
        )
    )
    if settings.telegram_base_url:
        builder = builder.base_url(settings.telegram_base_url)
    if settings.telegram_base_file_url:
        builder = builder.base_file_url(settings.telegram_base_file_url)
    return builder.build()


class TelegramBot:
    """The running bot: one object to start (polling or webhook) and stop, in production and tests."""

    def __init__(self, service: LearningService, settings: Settings, tuning: Tuning | None = None) -> None:
        self.service = service
        tuning = tuning or Tuning(lease=timedelta(seconds=settings.lease_seconds))
        self.tuning = tuning
        self.app = build_application(service, settings, self.tuning)
        self.courier = Courier(self.app.bot, attempts=self.tuning.send_attempts, backoff=self.tuning.backoff)
        self.sender = OutboxSender(
            self.courier,
            service.outbox,
            on_blocked=lambda user_id: mark_inactive(service.store, CHANNEL, user_id),
            every=self.tuning.outbox_every.total_seconds(),
            clock=service.clock,
            receipts=DeliveryReceipts(receipts_path(service.store.engine.url.render_as_string(False))),
            paid_broadcast=settings.paid_broadcast,
            leads=lambda: self.leadership.leads,
        )
        self.leadership = Leadership(
            LeaseStore(service.store.engine),
            self.sender.name,
            self.tuning.lease,
            on_gain=self._take_over,  # timed by the real clock, whatever clock the service keeps
        )
        self._bell_task: asyncio.Task[None] | None = None
        self.handlers = TelegramHandlers(service, self.courier, self.sender)
        self.reloader = ContentReloader(service, service.curriculum.root)
        self.intake = Intake(
            self.app,
            self.handlers.journal,
            self.handlers.served,
            concurrency=self.tuning.concurrent_updates,
            clock=service.clock,
        )
        self.receiver: PollingReceiver | WebhookServer | None = None
        self._owing: asyncio.Task[None] | None = None  # owing what fell due, after a take-over
        self._menus: asyncio.Task[None] | None = None
        self._owing_now = asyncio.Lock()
        self.app.bot_data.update(service=service, courier=self.courier, handlers=self.handlers, bot=self)
        _add_handlers(self.app, self.handlers)

    async def start(
        self,
        webhook_url: str | None = None,
        listen: str = "0.0.0.0",
        port: int = 8443,
        secret_token: str | None = None,
    ) -> None:
        """Connect (a rejected token raises InvalidToken), owe again what a crash held, start the
        sender and the jobs, handle what was journaled and never handled, then start receiving."""
        await self.app.initialize()
        await self.app.start()
        await self.sender.start()
        self._schedule_jobs()
        # Long polling allows one bot process: whoever held the sending lease before is gone. Webhook
        # workers share a deployment: this one sends once the lease is free (at once, or when the
        # worker holding it stops or dies and its time runs out).
        await self.leadership.start(force=webhook_url is None)
        self._bell_task = asyncio.create_task(
            bell.listen(self.service.store.engine, self.sender.kick), name="bell"
        )
        if webhook_url is None:
            polling = PollingReceiver(self.app.bot, self.intake, self.tuning.poll_timeout.total_seconds())
            await polling.start()
            self.receiver = polling
        else:
            secret = secret_token or secrets.token_hex(24)
            server = WebhookServer(self.intake, secret)
            self.webhook_port = await server.start(listen, port)
            self.receiver = server
            url = f"{webhook_url.rstrip('/')}{server.path}"
            await self.app.bot.set_webhook(url, secret_token=secret, allowed_updates=ALLOWED_UPDATES)
        # The command menus change only with a release or a new trainer: set in the background a
        # little after updates flow, so the learners waiting at a start are not kept waiting by a
        # call per trainer (0.8 s with demo data) nor by the work of making them.
        self._menus = asyncio.create_task(self._register_commands(), name="command-menus")

    async def menus_set(self) -> None:
        """Wait until the command menus started at `start` are set (or given up)."""
        if self._menus is not None:
            await asyncio.shield(self._menus)

    async def _register_commands(self) -> None:
        await asyncio.sleep(self.tuning.menus_after.total_seconds())
        try:
            await register_commands(self.app, await asyncio.to_thread(self.service.staff_chats))
        except Exception:  # a menu is a convenience: the bot works without it
            log.exception("could not set the command menus")

    async def _take_over(self) -> None:
        """Now the sending worker: take over the outbox, handle what was journaled and left
        unhandled (by this worker before a restart, or by one that died), and owe what fell due
        while nobody ran the jobs."""
        await self.sender.take_over()
        await self.intake.replay(timedelta(0))
        # In the background: after a long stop in the evening tens of thousands may be due, and
        # owing them takes a minute; the bot receives (and learners' replies go first) meanwhile.
        self.owe_in_background()

    def owe_in_background(self) -> None:
        """Owe what is due in a task of its own (a wave takes as long as it takes to send)."""
        if self._owing is None or self._owing.done():
            self._owing = asyncio.create_task(self.send_due_nudges(), name="owe-due-nudges")

    async def send_due_nudges(self) -> None:
        """Owe every nudge that is due, batch after batch; the sender paces the sends themselves.
        One pass at a time: the minute's job finds a pass still going and leaves it to finish."""
        if self._owing_now.locked():
            return
        async with self._owing_now:
            # Only while this worker leads: a stopping one (it gave the lease up first) ends after
            # the batch in hand, so its stop never waits for a whole evening's wave.
            while self.leadership.leads:
                owed = await asyncio.to_thread(self.service.due_nudges)
                self.sender.kick()
                # A batch can owe nothing and not be the last: each of its learners studied today,
                # or its lessons were removed. Only when nothing is due is the pass over.
                if not owed and not await asyncio.to_thread(self.service.any_nudge_due):
                    return
                if owed:
                    log.info("owed %d nudge(s)", len(owed))
                while (
                    self.leadership.leads
                    and await asyncio.to_thread(self.service.outbox.pending, CHANNEL) > OWE_AHEAD
                ):
                    await asyncio.sleep(OWE_AHEAD_CHECK)

    async def reload_content(self) -> Reloaded:
        """Serve the content as it is on disk now, if it is all valid; tell the admins either way."""
        result = await asyncio.to_thread(self.reloader.reload)
        self.sender.kick()
        return result

    async def watch_content(self) -> None:
        """Reload whenever a lesson or content file changes (watchfiles waits for a quiet moment,
        so saving several files is one reload)."""
        from watchfiles import awatch

        root = self.reloader.root
        async for _changes in awatch(root / "lessons", root / "content", debounce=800):
            await self.reload_content()

    def _schedule_jobs(self) -> None:
        jobs = self.app.job_queue
        if jobs is None:
            return
        # Schedules live in the database, so these jobs pick up everything a restart left due.
        jobs.run_repeating(_send_nudges, interval=self.tuning.nudges_every, first=1)
        jobs.run_repeating(_replay, interval=self.tuning.replay_every, first=self.tuning.replay_every)
        jobs.run_repeating(_prune, interval=timedelta(hours=1), first=timedelta(minutes=5))

    async def stop(self) -> None:
        """Stop receiving, finish the updates in hand, send what they owe, then close."""
        if self.receiver is not None:
            await self.receiver.stop()
            self.receiver = None
        await self.intake.finish()
        for chore in (self._menus, self._owing):
            await cancel_and_wait(chore)
        if self.leadership.leads:
            await self.sender.drained(timeout=10)
        await self.sender.stop()
        await self.leadership.stop()  # after the last send: another worker takes over from here
        await cancel_and_wait(self._bell_task)
        if self.app.running:
            await self.app.stop()
        await self.app.shutdown()
        self.service.store.engine.dispose()


def _leading(context: ContextTypes.DEFAULT_TYPE) -> TelegramBot | None:
    """The bot, when this worker is the one that runs the jobs; None on the others."""
    bot: TelegramBot = context.application.bot_data["bot"]
    return bot if bot.leadership.leads else None


async def _send_nudges(context: ContextTypes.DEFAULT_TYPE) -> None:
    bot = _leading(context)
    if bot is not None:
        bot.owe_in_background()  # a job running through a whole wave would hold back the next ones


async def _replay(context: ContextTypes.DEFAULT_TYPE) -> None:
    bot = _leading(context)
    if bot is None:
        return
    await bot.intake.replay(bot.tuning.replay_after)


async def _prune(context: ContextTypes.DEFAULT_TYPE) -> None:
    bot = _leading(context)
    if bot is None:
        return
    now = utcnow()
    await asyncio.to_thread(bot.handlers.journal.prune, now)
    await asyncio.to_thread(bot.service.outbox.prune, now)


def _add_handlers(app: Application, h: TelegramHandlers) -> None:
    private = filters.ChatType.PRIVATE
    app.add_handler(MessageHandler(filters.UpdateType.EDITED & private, h.on_edited))
    app.add_handler(CommandHandler(list(COMMANDS), h.on_command, filters=private))
    app.add_handler(CallbackQueryHandler(h.on_button))
    app.add_handler(MessageHandler(private & filters.FORWARDED, h.on_forwarded))
    app.add_handler(MessageHandler(private & filters.COMMAND, h.on_command))
    app.add_handler(MessageHandler(private & filters.TEXT, h.on_text))
    app.add_handler(MessageHandler(private & ~filters.StatusUpdate.ALL, h.on_media))
    app.add_handler(MessageHandler(filters.ChatType.GROUPS, h.on_group))
    app.add_error_handler(h.on_error)


def run_bot(
    service: LearningService,
    settings: Settings,
    webhook_url: str | None = None,
    listen: str = "0.0.0.0",
    port: int = 8443,
    secret_token: str | None = None,
    watch: bool = False,
    on_started: Callable[[], None] | None = None,
) -> None:
    """Run until SIGINT/SIGTERM; the updates in hand are finished and their replies sent first.
    SIGHUP (or, with `watch`, any change under lessons/ or content/) reloads the content.
    `on_started` is called once the bot is receiving (work that can wait for the first replies)."""

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        bot = TelegramBot(service, settings)
        background: set[asyncio.Task[object]] = set()

        def in_background(work: Coroutine[Any, Any, object]) -> None:
            task = asyncio.create_task(work)
            background.add(task)
            task.add_done_callback(background.discard)

        loop.add_signal_handler(signal.SIGHUP, lambda: in_background(bot.reload_content()))
        try:
            await bot.start(webhook_url, listen, port, secret_token)
            if on_started is not None:
                on_started()
            if watch:
                in_background(bot.watch_content())
            log.info("FarmSkills is running (%s)", "webhook" if webhook_url else "long polling")
            await stop.wait()
        finally:
            for task in background:
                task.cancel()
            await bot.stop()

    asyncio.run(main())
