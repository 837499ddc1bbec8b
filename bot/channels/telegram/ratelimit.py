"""Rate limiting that adds a per-private-chat pace to python-telegram-bot's AIORateLimiter.

AIORateLimiter limits the whole bot (about 30 requests a second) and each group (20 a minute), but
has no limit per private chat; Telegram asks for about one message a second per chat, so bursts to
one learner are paced here first.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Coroutine
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.ext import AIORateLimiter

from bot.lru import LruCache

UNLIMITED = ("answercallbackquery", "sendchataction")  # a spinner stopped, "typing…": not messages
PACED_PREFIXES = ("send", "copy", "forward")  # Telegram paces messages, not edits or answers
MAX_TRACKED_CHATS = 10_000
# aiolimiter's bucket holds a whole period's worth: 30 a second may go out as a burst of 30 and then
# 30 more within the same second. Counting in tenths of the period keeps any one second near the
# rate, which is what a flood limit measures.
SMOOTHING = 10


def smoothed(rate: float, period: float = 1) -> tuple[float, float]:
    """(bucket, period) for aiolimiter such that no `period` ever holds more than `rate` requests:
    a bucket of a tenth of the rate (at least one request, which aiolimiter needs) that drains at
    the rest of it."""
    bucket = max(1.0, rate / SMOOTHING)
    if rate <= bucket:
        return rate, period
    return bucket, period * bucket / (rate - bucket)


def smooth_limiter(rate: float, period: float = 1) -> AsyncLimiter:
    return AsyncLimiter(*smoothed(rate, period))


class PerChatRateLimiter(AIORateLimiter):
    def __init__(
        self,
        per_chat_rate: float = 3,
        per_chat_period: float = 3,
        overall_max_rate: float = 30,
        overall_time_period: float = 1,
        max_retries: int = 3,
    ) -> None:
        rate, period = smoothed(overall_max_rate, overall_time_period)
        super().__init__(overall_max_rate=rate, overall_time_period=period, max_retries=max_retries)
        self.per_chat_rate = per_chat_rate
        self.per_chat_period = per_chat_period
        self._chats: LruCache[int, AsyncLimiter] = LruCache(MAX_TRACKED_CHATS)
        self._recent: deque[float] = deque()  # when each limited request asked to go, last second
        self.overall_rate = overall_max_rate / overall_time_period

    def load(self) -> int:
        """Requests that asked to go in the last second: what the scheduled lane yields to."""
        horizon = time.monotonic() - 1
        while self._recent and self._recent[0] < horizon:
            self._recent.popleft()
        return len(self._recent)

    def _chat_limiter(self, chat_id: int) -> AsyncLimiter:
        return self._chats.get_or_make(
            chat_id, lambda: AsyncLimiter(self.per_chat_rate, self.per_chat_period)
        )

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        if endpoint.lower() in UNLIMITED:
            return await callback(*args, **kwargs)
        self._recent.append(time.monotonic())
        chat_id = data.get("chat_id")
        try:
            chat = int(chat_id) if chat_id is not None else 0
        except (TypeError, ValueError):
            chat = 0
        if chat > 0 and endpoint.lower().startswith(PACED_PREFIXES):
            async with self._chat_limiter(chat):
                return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
        return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
