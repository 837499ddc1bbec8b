"""Telegram updates in, core inputs out: flat handlers that keep no conversation in memory.

Each learner's place lives in the database, so a restart or a second worker loses nothing. One
learner's updates are handled one at a time and in order; duplicate deliveries are ignored.
"""

from __future__ import annotations

import asyncio
import logging
from weakref import WeakValueDictionary

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update, User
from telegram.constants import ChatAction, ChatType
from telegram.ext import ContextTypes

from bot.channels.base import input_from_text
from bot.channels.telegram.courier import Courier
from bot.core.messages import Command, Input, Media, Message, Press, Say
from bot.lru import LruCache
from bot.service import Identity, LearningService, language_from_hint

log = logging.getLogger(__name__)

CHANNEL = "telegram"
SEEN_UPDATES = 5_000


def identity(user: User) -> Identity:
    return Identity(CHANNEL, str(user.id), user.first_name or "", user.language_code)


class TelegramHandlers:
    def __init__(self, service: LearningService, courier: Courier) -> None:
        self.service = service
        self.courier = courier
        self._locks: WeakValueDictionary[int, asyncio.Lock] = WeakValueDictionary()
        self._seen: LruCache[int, None] = LruCache(SEEN_UPDATES)

    def _lock(self, user_id: int) -> asyncio.Lock:
        lock = self._locks.get(user_id)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[user_id] = lock
        return lock

    def _first_time(self, update: Update) -> bool:
        """False for an update delivered again (Telegram may resend after a timeout)."""
        if update.update_id in self._seen:
            return False
        self._seen.get_or_make(update.update_id, lambda: None)
        return True

    async def _run(self, update: Update, inp: Input, typing: bool = False) -> None:
        user, chat = update.effective_user, update.effective_chat
        if user is None or chat is None or not self._first_time(update):
            return
        async with self._lock(user.id):
            if typing:
                await self.courier.quietly(chat.send_action(ChatAction.TYPING))
            # The store is synchronous SQLite: run it off the event loop.
            response = await asyncio.to_thread(self.service.handle, identity(user), inp)
            await self.courier.deliver(chat.id, response.messages)
        # A question for a trainer, or a trainer's answer for a learner: outside the sender's lock,
        # and a failed send waits in the outbox like any other.
        for delivery in response.deliveries:
            if delivery.user_id.lstrip("-").isdigit():
                await self.courier.deliver(int(delivery.user_id), [delivery.message])

    # ----- private chats ----------------------------------------------------------------------

    async def on_command(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.effective_message is None or update.effective_message.text is None:
            return
        inp = input_from_text(update.effective_message.text)
        typing = isinstance(inp, Command) and inp.name == "mydata"
        await self._run(update, inp, typing=typing)

    async def on_button(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
            return
        # Answer first so the learner's phone stops spinning, then do the work.
        await self.courier.quietly(query.answer())
        if not query.data:
            return
        await self._run(update, Press(query.data), typing=query.data == "mydata")
        if query.message is not None and update.effective_chat is not None:
            # Only the newest message keeps its buttons, so an old one can't be pressed by mistake.
            await self.courier.quietly(
                self.courier.bot.edit_message_reply_markup(
                    update.effective_chat.id, query.message.message_id, reply_markup=None
                )
            )

    async def on_text(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None or message.text is None:
            return
        await self._run(update, Say(message.text), typing=True)

    async def on_forwarded(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._run(update, Media("forwarded"))

    async def on_edited(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._run(update, Media("edited"))

    async def on_media(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None:
            return
        kind, file_id = "other", None
        if message.photo:
            kind, file_id = "photo", message.photo[-1].file_id
        elif message.sticker:
            kind = "sticker"
        elif message.voice or message.audio:
            kind = "voice"
        elif message.location or message.venue:
            kind = "location"  # not stored: the reply says so
        elif message.contact:
            kind = "contact"  # not stored either
        await self._run(update, Media(kind, file_id))

    # ----- groups -------------------------------------------------------------------------------

    async def on_group(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """In a group the bot only says, once asked, that lessons happen in a private chat."""
        message, user = update.effective_message, update.effective_user
        if message is None or user is None or not self._first_time(update):
            return
        text = message.text or ""
        username = context.bot.username
        addressed = text.startswith("/") or (username and f"@{username}" in text)
        if not addressed:
            return
        lang = language_from_hint(user.language_code)
        engine = self.service.engine
        link = f"https://t.me/{username}?start=group"
        markup = InlineKeyboardMarkup([[InlineKeyboardButton(engine.t(lang, "btn_private_chat"), url=link)]])
        await self.courier.quietly(message.reply_text(engine.t(lang, "group_reply"), reply_markup=markup))

    # ----- errors ---------------------------------------------------------------------------------

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error("error while handling an update", exc_info=context.error)
        if not isinstance(update, Update) or update.effective_chat is None:
            return
        if update.effective_chat.type != ChatType.PRIVATE:
            return
        user = update.effective_user
        lang = language_from_hint(user.language_code if user else None)
        sorry = Message(self.service.engine.t(lang, "error_sorry"))
        await self.courier.deliver(update.effective_chat.id, [sorry])
