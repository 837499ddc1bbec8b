"""Intake: how Telegram updates get in — journaled first, then handled, one learner at a time.

Both ways of receiving updates end in `Intake.receive`, which writes the raw updates to the
`UpdateJournal` before their receipt is confirmed (the next getUpdates offset, or the webhook's
HTTP 200): a crash after that point cannot lose them, and `replay` handles what a crash left. Each
update is then parsed on its own, so one the library cannot read is logged (a bounded number of
times) and skipped instead of stopping the bot, and handed to python-telegram-bot's handlers with
one learner's updates in order and a bounded number in flight.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import warnings
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from weakref import WeakValueDictionary

from sqlalchemy.exc import SQLAlchemyError
from telegram import Update
from telegram.ext import Application
from telegram.warnings import PTBUserWarning

from bot.channels.telegram import CHANNEL
from bot.store.journal import UpdateJournal
from bot.store.progress import utcnow

log = logging.getLogger(__name__)

# Only what the handlers handle: Telegram then never sends the rest (polls, reactions, joins...).
ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]
REPLAY_AFTER = timedelta(seconds=60)  # journaled and still unhandled this long after: handle again

# We ask for getUpdates' raw JSON on purpose, to read each update on its own.
warnings.filterwarnings("ignore", message=r".*Bot\.get_updates.*", category=PTBUserWarning)


def what_is_missing(update: Update) -> str:
    """The part a handler needs that this update lacks ("" when whole). python-telegram-bot reads a
    message without its chat, then fails in every filter with a traceback per update."""
    message = update.message or update.edited_message
    if message is not None and getattr(message, "chat", None) is None:
        return "chat"
    if update.callback_query is not None and update.callback_query.from_user is None:
        return "sender"
    return ""


class BoundedLog:
    """At most `per_minute` lines a minute for one kind of trouble, then one line saying how many
    were left out: whatever arrives, the log stays small."""

    def __init__(self, per_minute: int = 5) -> None:
        self.per_minute = per_minute
        self._window_start = 0.0
        self._count = 0
        self._dropped = 0

    def __call__(self, level: int, message: str, *args: object) -> None:
        now = time.monotonic()
        if now - self._window_start >= 60:
            if self._dropped:
                log.log(level, "... and %d more like it in the last minute", self._dropped)
            self._window_start, self._count, self._dropped = now, 0, 0
        if self._count < self.per_minute:
            self._count += 1
            log.log(level, message, *args)
        else:
            self._dropped += 1


class Intake:
    def __init__(
        self,
        app: Application,
        journal: UpdateJournal,
        served: set[int],
        concurrency: int = 16,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.app = app
        self.journal = journal
        self.served = served  # update ids the service handled (and so marked in the journal itself)
        self.clock = clock
        self._slots = asyncio.Semaphore(concurrency)
        self._locks: WeakValueDictionary[int, asyncio.Lock] = WeakValueDictionary()
        self._in_flight: set[int] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self.unreadable = BoundedLog()
        self.journal_trouble = BoundedLog()

    async def receive(self, raw_updates: list[dict[str, Any]]) -> None:
        """Journal these updates, then start handling the ones not handled before. Returns once
        they are journaled: the caller may then confirm their receipt."""
        entries = [(int(u["update_id"]), json.dumps(u, ensure_ascii=False)) for u in raw_updates]
        try:
            todo = await asyncio.to_thread(self.journal.receive, CHANNEL, entries, self.clock())
        except SQLAlchemyError as exc:
            # The database is failing: handle them anyway; a learner whose change can't be saved is
            # told so by the error handler.
            self.journal_trouble(logging.ERROR, "could not journal %d update(s): %s", len(entries), exc)
            todo = {uid for uid, _ in entries}
        for raw in raw_updates:
            if int(raw["update_id"]) in todo:
                self.dispatch(raw)

    def dispatch(self, raw: dict[str, Any]) -> None:
        update_id = int(raw["update_id"])
        if update_id in self._in_flight:
            return  # a re-delivery of one being handled now
        try:
            update = Update.de_json(raw, self.app.bot)
            missing = what_is_missing(update)
            if missing:
                raise ValueError(f"no {missing}")
        except Exception as exc:  # whatever the library can't read must not stop the bot
            self.unreadable(logging.WARNING, "skipped update %s the library cannot read: %r", update_id, exc)
            task = asyncio.create_task(self._mark(update_id, "skipped"))
        else:
            self._in_flight.add(update_id)
            task = asyncio.create_task(self._process(update))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _lock(self, user_id: int) -> asyncio.Lock:
        lock = self._locks.get(user_id)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[user_id] = lock
        return lock

    async def _process(self, update: Update) -> None:
        user = update.effective_user
        # Locks are taken in arrival order (asyncio.Lock is fair), so a learner's updates run in order.
        lock = self._lock(user.id if user else 0)
        try:
            async with lock, self._slots:
                await self.app.process_update(update)
            if update.update_id in self.served:
                self.served.discard(update.update_id)
            else:
                await self._mark(update.update_id, "ignored")
        finally:
            self._in_flight.discard(update.update_id)

    async def _mark(self, update_id: int, status: str) -> None:
        try:
            await asyncio.to_thread(self.journal.claim, CHANNEL, update_id, self.clock(), status)
        except SQLAlchemyError as exc:
            self.journal_trouble(logging.ERROR, "could not mark update %s %s: %s", update_id, status, exc)

    async def replay(self, older_than: timedelta = REPLAY_AFTER) -> int:
        """Handle what was journaled and never handled (a crash, or a database fault meanwhile)."""
        try:
            pending = await asyncio.to_thread(self.journal.unhandled, CHANNEL, self.clock() - older_than)
        except SQLAlchemyError as exc:
            self.journal_trouble(logging.ERROR, "could not read the update journal: %s", exc)
            return 0
        count = 0
        for update_id, payload in pending:
            if update_id in self._in_flight:
                continue
            try:
                raw = json.loads(payload)
            except json.JSONDecodeError:
                await self._mark(update_id, "skipped")
                continue
            self.dispatch(raw)
            count += 1
        if count:
            log.info("handling %d update(s) received before a restart or a fault", count)
        return count

    async def finish(self, timeout: float = 20) -> None:
        """Let the updates in hand finish (a graceful stop)."""
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=timeout)

    @property
    def busy(self) -> int:
        return len(self._tasks)
