"""Leadership: which of a deployment's workers sends to Telegram and runs the scheduled jobs.

Every worker receives and handles updates; only the holder of the `telegram` lease drains the
outbox (so the deployment as a whole keeps Telegram's overall and per-chat limits, however many
workers there are) and runs the jobs (reminders, replay, pruning). The holder renews the lease every
third of its time; a worker that cannot renew (it died, or lost the database) stops counting itself
the leader once the time it last secured has run out, and another takes over then.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from sqlalchemy.exc import SQLAlchemyError

from bot.channels.telegram import CHANNEL
from bot.channels.telegram.chores import cancel_and_wait
from bot.store.leases import LeaseStore
from bot.store.progress import utcnow

log = logging.getLogger(__name__)

LEASE_NAME = CHANNEL  # one sender per channel for the whole deployment


class Leadership:
    def __init__(
        self,
        leases: LeaseStore,
        holder: str,
        ttl: timedelta = timedelta(seconds=10),
        clock: Callable[[], datetime] = utcnow,
        on_gain: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self.leases = leases
        self.holder = holder
        self.ttl = ttl
        self.clock = clock
        self.on_gain = on_gain
        self._secured_until: datetime | None = None
        self._task: asyncio.Task[None] | None = None
        self._led = False

    @property
    def leads(self) -> bool:
        """True while this worker holds the lease (and time it secured has not run out)."""
        return self._secured_until is not None and self.clock() < self._secured_until

    async def start(self, force: bool = False) -> None:
        """Try for the lease now (`force`: take it from a holder known gone), then keep trying and
        renewing in the background."""
        await self.attempt(force)
        self._task = asyncio.create_task(self._loop(), name="leadership")

    async def _loop(self) -> None:
        every = self.ttl.total_seconds() / 3
        while True:
            await asyncio.sleep(every)
            await self.attempt(False)

    async def attempt(self, force: bool = False) -> None:
        """Take or renew the lease once (the background loop does this every third of its time)."""
        asked_at = self.clock()
        try:
            held = await asyncio.to_thread(
                self.leases.take, LEASE_NAME, self.holder, asked_at, self.ttl, force
            )
        except SQLAlchemyError as exc:
            log.warning("could not renew the sending lease: %s", exc)
            held = False
            if self.leads:
                return  # still inside the time last secured: try again at the next turn
        if held:
            self._secured_until = asked_at + self.ttl
        else:
            self._secured_until = None
        if held and not self._led:
            self._led = True
            log.info("this worker (%s) now sends to Telegram and runs the jobs", self.holder)
            if self.on_gain is not None:
                await self.on_gain()
        elif not held and self._led:
            self._led = False
            log.warning("this worker (%s) no longer holds the sending lease", self.holder)

    async def stop(self) -> None:
        """Stop renewing and give the lease up, so another worker takes over at once."""
        await cancel_and_wait(self._task)
        if self._led:
            self._secured_until = None
            self._led = False
            with contextlib.suppress(SQLAlchemyError):
                await asyncio.to_thread(self.leases.release, LEASE_NAME, self.holder)
