"""Telegram updates in, core inputs out: flat handlers that keep no conversation in memory.

Each learner's place lives in the database; the service writes every reply to the outbox in the
same transaction as the change, and the `OutboxSender` delivers it. Handlers only translate an
update into an `Input`, hand it to the service with the update's id (so a re-delivered update acts
once), and do the cosmetic calls — answering the button, removing the old keyboard — on the side,
never holding up the next step. When the database fails, the learner is told honestly that their
tap was not saved, straight away and outside the outbox (which lives in that database).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

from sqlalchemy.exc import DBAPIError, OperationalError
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update, User
from telegram.constants import ChatAction, ChatType
from telegram.ext import ContextTypes

from bot.app.desk import Identity
from bot.app.service import LearningService, language_from_hint
from bot.channels.base import input_from_text
from bot.channels.telegram import CHANNEL
from bot.channels.telegram.courier import Courier
from bot.channels.telegram.sender import OutboxSender
from bot.core.messages import Command, Input, Media, Message, Press, Say
from bot.store.journal import UpdateJournal

log = logging.getLogger(__name__)


def identity(user: User) -> Identity:
    return Identity(CHANNEL, str(user.id), user.first_name or "", user.language_code)


def media_kind(update: Update) -> tuple[str, str | None]:
    """What a non-text message holds, as the core names it, with the file id of a photo or voice note
    (locations and contacts are never stored)."""
    message = update.effective_message
    if message is None:
        return "other", None
    if message.photo:
        return "photo", message.photo[-1].file_id
    voice = message.voice or message.audio
    if voice:
        return "voice", voice.file_id
    kinds = (
        ("sticker", message.sticker),
        ("location", message.location or message.venue),
        ("contact", message.contact),
    )
    return next((kind for kind, present in kinds if present), "other"), None


class TelegramHandlers:
    def __init__(self, service: LearningService, courier: Courier, sender: OutboxSender) -> None:
        self.service = service
        self.courier = courier
        self.sender = sender
        self.journal = UpdateJournal(service.store.engine)
        self.served: set[int] = set()  # update ids the service handled (and marked) itself
        self._side: set[asyncio.Task[None]] = set()

    def _on_the_side(self, call: Coroutine[Any, Any, Any]) -> None:
        """A cosmetic call that must not hold up the learner's next step."""
        task = asyncio.create_task(self.courier.quietly(call))
        self._side.add(task)
        task.add_done_callback(self._side.discard)

    async def _run(self, update: Update, inp: Input, typing: bool = False) -> str | None:
        """Hand the input to the service; returns the response's notice, if any."""
        user, chat = update.effective_user, update.effective_chat
        if user is None or chat is None:
            return None
        if typing:
            self._on_the_side(chat.send_action(ChatAction.TYPING))
        # The store is synchronous: run it off the event loop. In the sending worker the reply comes
        # back already held by its sender, which sends it straight away; another worker's replies
        # wait in the outbox, and its bell tells the sending worker.
        claimer = self.sender.name if self.sender.leads() else None
        response, owed = await asyncio.to_thread(
            self.service.handle_and_claim, identity(user), inp, None, update.update_id, claimer
        )
        self.served.add(update.update_id)
        self.sender.take(owed)
        if claimer and len(owed) < len(response.messages) + len(response.deliveries):
            self.sender.kick()  # some rows wait behind earlier ones: the sender's own pass takes them
        return response.notice

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
        notice = await self._run(update, Press(query.data or ""), typing=query.data == "mydata")
        # The phone stops spinning with the notice, if any; the next step is already owed.
        text = notice[:200] if notice else None
        self._on_the_side(self.courier.cosmetic("answerCallbackQuery", callback_query_id=query.id, text=text))
        if query.message is not None and update.effective_chat is not None:
            # Only the newest message keeps its buttons, so an old one can't be pressed by mistake
            # (and a tap on one that is still on screen gets a kind reply: see the engine's `press`).
            chat, message_id = update.effective_chat.id, query.message.message_id
            self._on_the_side(
                self.courier.cosmetic("editMessageReplyMarkup", chat_id=chat, message_id=message_id)
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
        await self._run(update, Media(*media_kind(update)))

    # ----- groups -------------------------------------------------------------------------------

    async def on_group(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """In a group the bot only says, once asked, that lessons happen in a private chat."""
        message, user = update.effective_message, update.effective_user
        if message is None or user is None:
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
        """Never silent: the learner hears that this tap was not saved and what to do."""
        error = context.error
        database = isinstance(error, OperationalError | DBAPIError)
        if database:
            log.error("database error while handling an update: %s", error)
        else:
            log.error("error while handling an update", exc_info=error)
        if not isinstance(update, Update):
            return
        if database:
            self.served.discard(update.update_id)  # stays unhandled: replayed once the fault clears
        else:
            # A bug, not a passing fault: handling it again would fail again.
            await asyncio.to_thread(self._mark_failed, update.update_id)
            self.served.add(update.update_id)
        chat = update.effective_chat
        if chat is None or chat.type != ChatType.PRIVATE:
            return
        user = update.effective_user
        lang = language_from_hint(user.language_code if user else None)
        if user is not None:
            try:
                view_lang = await asyncio.to_thread(self._lang_of, str(user.id))
                lang = view_lang or lang
            except Exception:  # the database may be the very thing failing
                pass
        key = "error_not_saved" if database else "error_sorry"
        sorry = Message(self.service.engine.t(lang, key))
        if update.callback_query is not None:
            self._on_the_side(update.callback_query.answer())
        await self.courier.quietly(self.courier.send_one(chat.id, sorry))

    def _mark_failed(self, update_id: int) -> None:
        try:
            self.journal.claim(CHANNEL, update_id, self.service.clock(), "failed")
        except DBAPIError as exc:
            log.error("could not mark update %s failed: %s", update_id, exc)

    def _lang_of(self, user_id: str) -> str | None:
        learner = self.service.store.find(CHANNEL, user_id)
        return learner.lang if learner is not None else None
