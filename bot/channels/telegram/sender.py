"""OutboxSender: delivers what the service owed Telegram users, in order per chat, and marks it.

The service writes every reply to the outbox in the transaction of the change it answers; this
sender claims owed rows (a lease, so two senders never take the same row), sends each through the
`Courier`, and deletes it once Telegram took it. A chat's messages go one after another; chats go
side by side, as fast as the rate limiter lets them. A send that still fails after the courier's
retries is owed again later (with backoff); a learner who blocked the bot has their messages kept
as failed, with the reason, and is marked inactive.

Crash safety: the moment Telegram answers, the row's id goes to the `DeliveryReceipts` file (no
database lock to wait for), and receipted rows are deleted in batches; at start, what a killed
process receipted is deleted before anything is sent. A crash can at worst send again the message
whose answer was still on the wire, never lose one (and a duplicate's buttons are harmless: button
data names the step it was made for).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections import deque
from collections.abc import Callable
from datetime import datetime

from bot.channels.telegram import CHANNEL
from bot.channels.telegram.chores import cancel_and_wait
from bot.channels.telegram.courier import Blocked, Courier, Refused
from bot.channels.telegram.floodgate import SCHEDULED_SEND
from bot.store.outbox import REPLY, OutboxStore, Owed
from bot.store.progress import utcnow
from bot.store.receipts import DeliveryReceipts

log = logging.getLogger(__name__)

ACK_GATHER = 0.25  # seconds of delivered rows deleted together


class OutboxSender:
    def __init__(
        self,
        courier: Courier,
        outbox: OutboxStore,
        on_blocked: Callable[[str], None] | None = None,
        every: float = 1.0,
        batch: int = 500,
        clock: Callable[[], datetime] = utcnow,
        receipts: DeliveryReceipts | None = None,
        paid_broadcast: bool = False,
        leads: Callable[[], bool] = lambda: True,
        max_in_hand: int | None = None,
    ) -> None:
        self.courier = courier
        # Only the deployment's leading worker sends (bot/channels/telegram/leader.py): the others
        # write the outbox and ring its bell, so however many workers run, Telegram's limits hold.
        self.leads = leads
        self.outbox = outbox
        self.receipts = receipts
        self.paid_broadcast = paid_broadcast
        self._acked: list[int] = []  # receipted, not yet deleted from the outbox
        self._ack_wake = asyncio.Event()
        self._ack_task: asyncio.Task[None] | None = None
        self.on_blocked = on_blocked
        self.every = every  # how often owed rows are looked for without a kick (retries, other workers)
        self.batch = batch
        # Rows claimed but not yet sent. A claim is a lease (60 s): an evening wave of 50,000 taken
        # at once would outlive its lease and be claimed, and sent, again, and hold every message in
        # memory. About 10 s of sending in hand is enough to keep Telegram's limit busy.
        self.max_in_hand = max_in_hand or (3000 if paid_broadcast else 300)
        self._in_hand = 0
        self.clock = clock
        self.name = f"tg-{secrets.token_hex(6)}"
        self._wake = asyncio.Event()
        self._queues: dict[str, deque[Owed]] = {}
        self._chats: dict[str, asyncio.Task[None]] = {}
        self._loop_task: asyncio.Task[None] | None = None
        self.sent = 0

    @property
    def in_hand(self) -> int:
        """Rows this sender has claimed and not yet sent (or given up on)."""
        return self._in_hand

    def kick(self) -> None:
        """Something was just owed: look now rather than at the next tick."""
        self._wake.set()

    async def start(self) -> None:
        self._loop_task = asyncio.create_task(self._loop(), name="outbox-sender")
        self._ack_task = asyncio.create_task(self._ack_loop(), name="outbox-acks")

    async def take_over(self) -> None:
        """This worker has just become the one that sends: settle what the one before it saw
        Telegram take, take back the rows it held (it is gone, or it gave them up), and look now."""
        await asyncio.to_thread(self._settle_receipts)
        await asyncio.to_thread(self.outbox.release_all, CHANNEL, self.name)
        self.kick()

    def _settle_receipts(self) -> None:
        """What a killed process saw Telegram take, but had not yet deleted: delete it now."""
        if self.receipts is None:
            return
        taken = self.receipts.read()
        if taken:
            log.info("%d message(s) were delivered just before a stop: not sending them again", len(taken))
            self.outbox.delivered(*taken)
        self.receipts.clear()

    async def _ack_loop(self) -> None:
        while True:
            await self._ack_wake.wait()
            # Gather a quarter second's sends into one DELETE: each flush is a thread hop and a turn
            # of the database's write lock. Waiting costs nothing: the receipts file already says
            # they were sent, should the process die meanwhile.
            await asyncio.sleep(ACK_GATHER)
            self._ack_wake.clear()
            await self._flush_acks()

    async def _flush_acks(self) -> None:
        while self._acked:
            ids, self._acked = self._acked, []
            try:
                await asyncio.to_thread(self.outbox.delivered, *ids)
            except Exception:
                log.exception("could not delete %d delivered message(s); will try again", len(ids))
                self._acked = ids + self._acked
                await asyncio.sleep(1)
                continue
        if self.receipts is not None and not self._acked:
            self.receipts.clear()

    async def stop(self) -> None:
        """Stop taking rows; let chats finish the message in hand; give back what is left."""
        await cancel_and_wait(self._loop_task)
        for queue in self._queues.values():
            self._in_hand -= len(queue)
            queue.clear()
        if self._chats:
            await asyncio.wait(list(self._chats.values()), timeout=10)
        await cancel_and_wait(self._ack_task)
        await self._flush_acks()
        await asyncio.to_thread(self.outbox.release, self.name)

    async def drained(self, timeout: float = 30) -> bool:
        """Wait until nothing is owed and nothing is being sent (for tests and shutdown)."""
        deadline = asyncio.get_running_loop().time() + timeout
        while asyncio.get_running_loop().time() < deadline:
            if not any(not t.done() for t in self._chats.values()):
                await self._flush_acks()  # delivered rows leave the outbox now, not at the next gather
            busy = any(not t.done() for t in self._chats.values()) or bool(self._acked)
            if not busy and await asyncio.to_thread(self.outbox.pending, CHANNEL) == 0:
                return True
            self.kick()
            await asyncio.sleep(0.05)
        return False

    async def _loop(self) -> None:
        while True:
            try:
                await self.pass_once()
            except Exception:  # the database may be failing: keep going, it will come back
                log.exception("outbox sender: could not read the outbox")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.every)
            self._wake.clear()

    async def pass_once(self) -> int:
        """Claim what is owed and hand it to each chat's queue; returns how many rows were taken."""
        if not self.leads():
            return 0
        room = self.max_in_hand - self._in_hand
        # With its hands full of scheduled messages the sender still takes every waiting reply.
        owed = await asyncio.to_thread(
            self.outbox.claim,
            CHANNEL,
            self.name,
            self.clock(),
            self.batch if room <= 0 else min(self.batch, room),
            replies_only=room <= 0,
        )
        self.take(owed)
        return len(owed)

    def take(self, owed: list[Owed]) -> None:
        """Send rows this sender already holds (a reply the service just wrote for it), in order."""
        self._in_hand += len(owed)
        for item in owed:
            self._queues.setdefault(item.user_id, deque()).append(item)
            task = self._chats.get(item.user_id)
            if task is None or task.done():
                self._chats[item.user_id] = asyncio.create_task(self._send_chat(item.user_id))

    async def _send_chat(self, user_id: str) -> None:
        queue = self._queues.get(user_id)
        while queue:
            item = queue.popleft()
            try:
                sent = await self._send(item)
            finally:
                self._in_hand -= 1  # counted until it is sent: a send waits its turn at the gate
            if not sent:
                # Keep the chat's order: its later messages wait behind the one that failed.
                self._in_hand -= len(queue)
                queue.clear()
                break
        if not self._queues.get(user_id):
            self._queues.pop(user_id, None)
            self._chats.pop(user_id, None)

    async def _send(self, item: Owed) -> bool:
        try:
            chat_id = int(item.user_id)
        except ValueError:
            await asyncio.to_thread(self._fail, item, "not a Telegram chat id")
            return True
        try:
            if item.priority == REPLY:
                ok = await self.courier.send_one(chat_id, item.message)
            else:
                # Scheduled messages (reminders, follow-ups) flow at the overall limit and let every
                # waiting reply go first (FloodGate): an evening wave never delays a learner's answer.
                scheduled = SCHEDULED_SEND.set(True)
                try:
                    ok = await self.courier.send_one(chat_id, item.message, paid=self.paid_broadcast)
                finally:
                    SCHEDULED_SEND.reset(scheduled)
        except Blocked as exc:
            await asyncio.to_thread(self._fail, item, f"blocked: {exc}"[:200])
            return False
        except Refused as exc:
            await asyncio.to_thread(self.outbox.fail_one, item.id, f"refused: {exc}"[:200])
            return True
        if not ok:
            await asyncio.to_thread(self._later, item)
            return False
        if self.receipts is not None:
            self.receipts.add(item.id)
            self._acked.append(item.id)
            self._ack_wake.set()
        else:
            await asyncio.to_thread(self.outbox.delivered, item.id)
        self.sent += 1
        return True

    def _later(self, item: Owed) -> None:
        self.outbox.retry_later(item.id, self.clock())
        self.outbox.release(self.name, item.user_id)

    def _fail(self, item: Owed, reason: str) -> None:
        log.info("chat %s will not take messages (%s): kept as failed", item.user_id, reason)
        self.outbox.fail_user(CHANNEL, item.user_id, reason)
        if self.on_blocked:
            self.on_blocked(item.user_id)
