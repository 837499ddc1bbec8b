"""Courier: draws one core `Message` as a Telegram send and tries hard to get it through.

python-telegram-bot does not retry a send that fails with a 5xx, a timeout or a dropped
connection. The courier retries those a bounded number of times with backoff and reports whether
Telegram took the message; the `OutboxSender` keeps what still failed owed for later. A learner
who blocked the bot raises `Blocked`; a message Telegram refuses for good raises `Refused`.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram import Bot
from telegram import Message as TgMessage
from telegram._utils.defaultvalue import DEFAULT_NONE
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from bot.channels.telegram import CHANNEL
from bot.channels.telegram.keyboards import inline_keyboard, inline_keyboard_json
from bot.core.messages import Message

log = logging.getLogger(__name__)


class Blocked(Exception):
    """The learner blocked the bot or deleted their account, or the chat is gone."""


class Refused(Exception):
    """Telegram will never take this message as it is (resending it would be refused again)."""


def is_harmless(exc: BadRequest) -> bool:
    text = str(exc).lower()
    return "message is not modified" in text or "query is too old" in text or "query id is invalid" in text


def _seconds(value: Any) -> float:
    return float(value.total_seconds()) if hasattr(value, "total_seconds") else float(value)


class Courier:
    def __init__(
        self,
        bot: Bot,
        attempts: int = 4,
        backoff: float = 0.5,
    ) -> None:
        self.bot = bot
        self.attempts = attempts
        self.backoff = backoff
        self._file_ids: dict[str, str] = {}  # an image uploaded once is re-sent by its file id

    async def _send(self, chat_id: int, message: Message, paid: bool = False) -> TgMessage | object:
        # Paid broadcasts let a bot send past 30 messages a second, for Telegram Stars per message.
        extra: dict[str, Any] = {"allow_paid_broadcast": True} if paid else {}
        if message.document is not None:
            return await self.bot.send_document(
                chat_id,
                document=message.document.data,
                filename=message.document.filename,
                caption=message.text,
                reply_markup=inline_keyboard(message.keyboard),
                **extra,
            )
        held = ((message.image_ref, self.bot.send_photo), (message.voice_ref, self.bot.send_voice))
        for ref, send_held in held:
            if ref is not None and ref.startswith(f"{CHANNEL}:"):
                file_id = ref.removeprefix(f"{CHANNEL}:")
                return await send_held(
                    chat_id,
                    file_id,
                    caption=message.text,
                    reply_markup=inline_keyboard(message.keyboard),
                    **extra,
                )
        if message.picture is not None:  # drawn by the bot for this learner: uploaded every time
            picture = message.picture
            return await self.bot.send_photo(
                chat_id,
                picture.data,
                caption=message.text,
                reply_markup=inline_keyboard(message.keyboard),
                filename=picture.filename,
                **extra,
            )
        for path, send in ((message.image, self.bot.send_photo), (message.voice, self.bot.send_voice)):
            if path is None:
                continue
            key = str(path)
            # Reading the file is disk I/O: keep it off the event loop.
            media: Any = self._file_ids.get(key) or await asyncio.to_thread(path.read_bytes)
            kind = "photo" if send == self.bot.send_photo else "voice"
            sent = await send(
                chat_id, media, caption=message.text, reply_markup=inline_keyboard(message.keyboard), **extra
            )
            attachment = sent.photo[-1] if kind == "photo" and sent.photo else sent.voice
            if attachment is not None:
                self._file_ids[key] = attachment.file_id
            return sent
        # Text, the commonest send: its answer is not read, so no Message is built from it (the
        # library's own path, defaults such as no link previews and the rate limiter all the same).
        data = {
            "chat_id": chat_id,
            "text": message.text,
            "reply_markup": inline_keyboard_json(message.keyboard),
            "link_preview_options": DEFAULT_NONE,
            **extra,
        }
        return await self.bot._post("sendMessage", data)

    async def send_one(self, chat_id: int, message: Message, paid: bool = False) -> bool:
        """Try to deliver one message now; True when Telegram took it."""
        for attempt in range(self.attempts):
            try:
                await self._send(chat_id, message, paid)
                return True
            except Forbidden as exc:
                raise Blocked(str(exc)) from exc
            except RetryAfter as exc:
                await asyncio.sleep(_seconds(exc.retry_after))
            except BadRequest as exc:
                if is_harmless(exc):
                    return True
                if "chat not found" in str(exc).lower():
                    raise Blocked(str(exc)) from exc
                log.error("Telegram refused a message to %s: %s", chat_id, exc)
                raise Refused(str(exc)) from exc
            except NetworkError as exc:  # 5xx, timeouts, dropped connections
                log.warning("send to %s failed (attempt %d): %s", chat_id, attempt + 1, exc)
                await asyncio.sleep(self.backoff * 2**attempt)
        return False

    async def cosmetic(self, endpoint: str, **params: Any) -> None:
        """A call whose answer nothing reads (answer a button, remove an old keyboard): straight to
        the HTTP client, without building Telegram objects from the answer or passing the rate
        limiter (it is not a message: Telegram's message limits don't count it). Errors raise as
        from any call; run it `quietly`."""
        data = RequestData([RequestParameter.from_input(k, v) for k, v in params.items() if v is not None])
        await self.bot.request.post(f"{self.bot.base_url}/{endpoint}", data)

    async def quietly(self, call: Any) -> None:
        """Run a cosmetic call (answer a button, remove an old keyboard): failures don't matter."""
        try:
            await call
        except (TelegramError, Blocked, Refused) as exc:
            log.debug("ignored: %s", exc)
