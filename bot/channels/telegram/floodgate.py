"""FloodGate: Telegram's overall limit for messages, kept evenly — one message every 1/rate of a
second, never two closer — with replies let through before scheduled sends.

Even spacing rather than a window or a bucket: a sliding window (or a full token bucket) lets the
whole second's worth go at once, and a burst that reaches Telegram a few milliseconds unevenly
overlaps the next second's burst and is refused (429). Evenly spaced, any one second holds at most
rate + 1 messages wherever it starts, however the network jitters them. Waiters queue in two
lines: a reply (someone waits for it) takes the next free slot whenever one is waiting, and a
scheduled send (reminder, follow-up) only when no reply is; so a learner who taps during an
evening wave waits at most one slot, while the wave fills every slot nobody else needs. One pump
task wakes the queued waiters in turn, so a wave of thousands of chats costs one timer.

Whether a send is scheduled is read from `SCHEDULED_SEND`, a context variable the outbox sender
sets around a scheduled message: it reaches the gate through python-telegram-bot's call chain.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from types import TracebackType

SCHEDULED_SEND: ContextVar[bool] = ContextVar("farmskills_scheduled_send", default=False)


class FloodGate:
    def __init__(
        self,
        rate: float = 28,
        period: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        on_admit: Callable[[float, bool], None] | None = None,
    ) -> None:
        """`clock` and `sleep` keep time (tests give virtual ones); `on_admit(when, is_reply)`
        hears of every message let through."""
        if rate <= 0 or period <= 0:
            raise ValueError("a gate needs a positive rate and period")
        self.interval = period / rate
        self.clock = clock
        self.sleep = sleep
        self.on_admit = on_admit
        self._last: float | None = None  # when the latest message went
        self._replies: deque[asyncio.Future[None]] = deque()
        self._scheduled: deque[asyncio.Future[None]] = deque()
        self._pump: asyncio.Task[None] | None = None

    async def __aenter__(self) -> None:
        await self.acquire(reply=not SCHEDULED_SEND.get())

    async def __aexit__(
        self, _type: type[BaseException] | None, _exc: BaseException | None, _tb: TracebackType | None
    ) -> None:
        return None

    def _free_at(self) -> float:
        return self.clock() if self._last is None else self._last + self.interval

    async def acquire(self, reply: bool = True) -> None:
        """Wait for this message's slot."""
        ahead = self._replies if reply else (self._replies or self._scheduled)
        if not ahead and self._free_at() <= self.clock():
            self._admit(reply)
            return
        line = self._replies if reply else self._scheduled
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        line.append(turn)
        if self._pump is None or self._pump.done():
            self._pump = asyncio.create_task(self._run_pump(), name="flood-gate")
        try:
            await turn
        except asyncio.CancelledError:
            if not turn.done():
                with contextlib.suppress(ValueError):
                    line.remove(turn)
            raise

    async def _run_pump(self) -> None:
        while self._replies or self._scheduled:
            wait = self._free_at() - self.clock()
            if wait > 0:
                await self.sleep(wait)
                continue
            line, reply = (self._replies, True) if self._replies else (self._scheduled, False)
            turn = line.popleft()
            if turn.done():  # its sender gave up waiting
                continue
            self._admit(reply)
            turn.set_result(None)

    def _admit(self, reply: bool) -> None:
        now = self.clock()
        self._last = now
        if self.on_admit is not None:
            self.on_admit(now, reply)
