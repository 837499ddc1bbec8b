"""Stopping the channel's background tasks (polling, the sender's loop, the bell, the lease):
cancel, then wait a bounded time.

A stop must end. A task whose cancellation is swallowed (a database driver waiting on a socket
that never answers is the known case) would otherwise hold the whole process at its shutdown; it
is logged and left behind instead, and the rest of the stop goes on.
"""

from __future__ import annotations

import asyncio
import logging

log = logging.getLogger(__name__)


async def cancel_and_wait(task: asyncio.Task[object] | asyncio.Task[None] | None, grace: float = 5.0) -> None:
    """Cancel `task` and wait up to `grace` seconds for it to end; an error it ended with is logged."""
    if task is None:
        return
    task.cancel()
    done, _ = await asyncio.wait({task}, timeout=grace)
    if not done:
        log.warning("%s did not stop within %.0f s; left behind", task.get_name(), grace)
        return
    if not task.cancelled() and task.exception() is not None:
        log.error("%s ended with an error", task.get_name(), exc_info=task.exception())
