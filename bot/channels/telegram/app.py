"""Building and running the Telegram application: handlers, rate limits, commands, outbox job.

`build_application` wires python-telegram-bot 22 over a `LearningService`; `run_bot` is what
`farmskills run` calls, with long polling by default or a webhook.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from telegram import BotCommand, BotCommandScopeChat, LinkPreviewOptions, Update
from telegram.error import TelegramError
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

from bot.channels.telegram.courier import Courier
from bot.channels.telegram.handlers import CHANNEL, TelegramHandlers
from bot.channels.telegram.ratelimit import PerChatRateLimiter
from bot.config import Settings
from bot.service import LearningService
from bot.store.outbox import OutboxStore
from bot.store.progress import mark_inactive

log = logging.getLogger(__name__)

COMMANDS = ("start", "menu", "progress", "income", "reminders", "help", "lang", "mydata", "forget")
STAFF_COMMANDS = ("report",)  # shown only in trainers' and admins' own chats
COMMAND_HELP = {
    "zh": {
        "start": "开始",
        "menu": "回主页",
        "progress": "我的进度",
        "income": "报告收入",
        "reminders": "学习提醒",
        "help": "怎么用",
        "lang": "换语言",
        "mydata": "看我存了什么",
        "forget": "删除我的数据",
        "report": "学习报告（老师用）",
    },
    "en": {
        "start": "Start",
        "menu": "Home",
        "progress": "My progress",
        "income": "Report income",
        "reminders": "Reminders",
        "help": "How to use me",
        "lang": "Language",
        "mydata": "What is stored about me",
        "forget": "Delete my data",
        "report": "Learning report (staff)",
    },
}


@dataclass(frozen=True)
class Tuning:
    """Delivery settings; tests shorten the waits."""

    per_chat_rate: float = 3
    per_chat_period: float = 3
    overall_rate: float = 30
    rate_limit_retries: int = 3
    send_attempts: int = 4
    backoff: float = 0.5
    outbox_every: timedelta = timedelta(seconds=30)
    nudges_every: timedelta = timedelta(seconds=60)  # how often due follow-ups are looked for
    concurrent_updates: int = 16
    poll_timeout: timedelta = timedelta(seconds=30)


async def register_commands(app: Application, staff: Sequence[tuple[str, str]] = ()) -> None:
    """Commands in the learner's language: Telegram shows the list matching their app language.
    Trainers and admins (`staff`: user id and language) also find /report in their own chat."""
    for lang, described in COMMAND_HELP.items():
        commands = [BotCommand(name, described[name]) for name in COMMANDS]
        await app.bot.set_my_commands(commands, language_code=lang)
    await app.bot.set_my_commands([BotCommand(n, COMMAND_HELP["zh"][n]) for n in COMMANDS])
    for user_id, lang in staff:
        described = COMMAND_HELP.get(lang, COMMAND_HELP["zh"])
        commands = [BotCommand(n, described[n]) for n in (*COMMANDS, *STAFF_COMMANDS)]
        try:
            await app.bot.set_my_commands(commands, scope=BotCommandScopeChat(int(user_id)))
        except TelegramError as exc:  # e.g. someone granted a role who never opened the bot
            log.info("no staff menu for %s: %s", user_id, exc)


def build_application(
    service: LearningService, settings: Settings, tuning: Tuning | None = None
) -> Application:
    tuning = tuning or Tuning()
    if not settings.telegram_token:
        raise ValueError("no Telegram token")
    builder = (
        ApplicationBuilder()
        .token(settings.telegram_token)
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
        .concurrent_updates(tuning.concurrent_updates)
        .get_updates_read_timeout(tuning.poll_timeout.total_seconds() + 10)
    )
    if settings.telegram_base_url:
        builder = builder.base_url(settings.telegram_base_url)
    if settings.telegram_base_file_url:
        builder = builder.base_file_url(settings.telegram_base_file_url)

    async def post_init(app: Application) -> None:
        await register_commands(app, await asyncio.to_thread(service.staff_chats))
        if app.job_queue is not None:
            app.job_queue.run_repeating(_flush_outbox, interval=tuning.outbox_every, first=1)
            # Schedules live in the database, so this one job picks up everything a restart left due.
            app.job_queue.run_repeating(_send_nudges, interval=tuning.nudges_every, first=1)

    async def post_shutdown(app: Application) -> None:
        service.store.engine.dispose()

    app = builder.post_init(post_init).post_shutdown(post_shutdown).build()
    courier = Courier(
        app.bot,
        OutboxStore(service.store.engine),
        on_blocked=lambda chat_id: mark_inactive(service.store, CHANNEL, str(chat_id)),
        attempts=tuning.send_attempts,
        backoff=tuning.backoff,
    )
    handlers = TelegramHandlers(service, courier)
    app.bot_data.update(service=service, courier=courier, handlers=handlers)
    _add_handlers(app, handlers)
    return app


async def _flush_outbox(context: ContextTypes.DEFAULT_TYPE) -> None:
    courier: Courier = context.application.bot_data["courier"]
    delivered = await courier.flush_outbox()
    if delivered:
        log.info("delivered %d owed message(s) from the outbox", delivered)


async def _send_nudges(context: ContextTypes.DEFAULT_TYPE) -> None:
    courier: Courier = context.application.bot_data["courier"]
    service: LearningService = context.application.bot_data["service"]
    due = await asyncio.to_thread(service.due_nudges)
    for delivery in due:
        if delivery.channel == CHANNEL and delivery.user_id.isdigit():
            await courier.deliver(int(delivery.user_id), [delivery.message])
    if due:
        log.info("sent %d follow-up(s)", len(due))


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
) -> None:
    """Run until SIGINT/SIGTERM; PTB finishes the updates in hand before it stops."""
    app = build_application(service, settings)
    updates = Update.ALL_TYPES
    if webhook_url:
        path = "telegram"
        app.run_webhook(
            listen=listen,
            port=port,
            url_path=path,
            webhook_url=f"{webhook_url.rstrip('/')}/{path}",
            secret_token=secret_token,
            allowed_updates=updates,
        )
    else:
        app.run_polling(allowed_updates=updates)
