"""Courier: delivers the core's messages to Telegram and makes sure none is silently lost.

python-telegram-bot does not retry a send that fails with a 5xx, a timeout or a dropped
connection. The courier retries those a bounded number of times with backoff; what still fails is
kept in the outbox and retried later. A learner who blocked the bot is marked inactive and their
owed messages dropped, so they are not retried for ever.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from telegram import Bot
from telegram import Message as TgMessage
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.channels.telegram.keyboards import inline_keyboard
from bot.core.messages import Message
from bot.store.outbox import OutboxStore
from bot.store.progress import utcnow

log = logging.getLogger(__name__)


class Blocked(Exception):
    """The learner blocked the bot or deleted their account."""


def is_harmless(exc: BadRequest) -> bool:
    text = str(exc).lower()
    return "message is not modified" in text or "query is too old" in text or "query id is invalid" in text


def _seconds(value: Any) -> float:
    return float(value.total_seconds()) if hasattr(value, "total_seconds") else float(value)


class Courier:
    def __init__(
        self,
        bot: Bot,
        outbox: OutboxStore,
        on_blocked: Callable[[int], None] | None = None,
        attempts: int = 4,
        backoff: float = 0.5,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.bot = bot
        self.outbox = outbox
        self.on_blocked = on_blocked
        self.attempts = attempts
        self.backoff = backoff
        self.clock = clock
        self._file_ids: dict[str, str] = {}  # an image uploaded once is re-sent by its file id

    async def _send(self, chat_id: int, message: Message) -> TgMessage:
        markup = inline_keyboard(message.keyboard)
        if message.document is not None:
            return await self.bot.send_document(
                chat_id,
                document=message.document.data,
                filename=message.document.filename,
                caption=message.text,
                reply_markup=markup,
            )
        for path, send in ((message.image, self.bot.send_photo), (message.voice, self.bot.send_voice)):
            if path is None:
                continue
            key = str(path)
            # Reading the file is disk I/O: keep it off the event loop.
            media: Any = self._file_ids.get(key) or await asyncio.to_thread(path.read_bytes)
            kind = "photo" if send == self.bot.send_photo else "voice"
            sent = await send(chat_id, media, caption=message.text, reply_markup=markup)
            attachment = sent.photo[-1] if kind == "photo" and sent.photo else sent.voice
            if attachment is not None:
                self._file_ids[key] = attachment.file_id
            return sent
        return await self.bot.send_message(chat_id, message.text, reply_markup=markup)

    async def send_one(self, chat_id: int, message: Message) -> bool:
        """Try to deliver one message now; True when Telegram took it."""
        for attempt in range(self.attempts):
            try:
                await self._send(chat_id, message)
                return True
            except Forbidden as exc:
                raise Blocked(str(exc)) from exc
            except RetryAfter as exc:
                await asyncio.sleep(_seconds(exc.retry_after))
            except BadRequest as exc:
                if is_harmless(exc):
                    return True
                log.error("Telegram refused a message to %s: %s", chat_id, exc)
                return True  # resending the same request would be refused again
            except NetworkError as exc:  # 5xx, timeouts, dropped connections
                log.warning("send to %s failed (attempt %d): %s", chat_id, attempt + 1, exc)
                await asyncio.sleep(self.backoff * 2**attempt)
        return False

    async def deliver(self, chat_id: int, messages: Sequence[Message]) -> bool:
        """Send messages in order; keep the rest in the outbox if one cannot be sent now."""
        for index, message in enumerate(messages):
            try:
                ok = await self.send_one(chat_id, message)
            except Blocked:
                await asyncio.to_thread(self._blocked, chat_id)
                return False
            if not ok:
                await asyncio.to_thread(self.outbox.keep, chat_id, list(messages[index:]), self.clock())
                return False
        return True

    def _blocked(self, chat_id: int) -> None:
        log.info("chat %s blocked the bot; marking the learner inactive", chat_id)
        self.outbox.drop_chat(chat_id)
        if self.on_blocked:
            self.on_blocked(chat_id)

    async def flush_outbox(self) -> int:
        """Retry owed messages that are due; returns how many were delivered."""
        delivered = 0
        owed = await asyncio.to_thread(self.outbox.due, self.clock())
        stuck: set[int] = set()
        for item in owed:
            if item.chat_id in stuck:
                continue  # keep a chat's messages in order
            try:
                ok = await self.send_one(item.chat_id, item.message)
            except Blocked:
                await asyncio.to_thread(self._blocked, item.chat_id)
                stuck.add(item.chat_id)
                continue
            if ok:
                await asyncio.to_thread(self.outbox.delivered, item.id)
                delivered += 1
            else:
                stuck.add(item.chat_id)
                await asyncio.to_thread(self.outbox.postpone, item.id, self.clock())
        return delivered

    async def quietly(self, call: Any) -> None:
        """Run a cosmetic call (answer a button, remove an old keyboard): failures don't matter."""
        try:
            await call
        except TelegramError as exc:
            log.debug("ignored: %s", exc)
