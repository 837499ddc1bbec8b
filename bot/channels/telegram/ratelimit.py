"""Rate limiting for the Telegram channel, over python-telegram-bot's AIORateLimiter.

Telegram's limits concern messages: about 30 a second for the whole bot, about one a second to one
private chat (in short bursts), 20 a minute to a group. AIORateLimiter keeps the group limit, the
paid-broadcast limit and the retries after a 429; this adds
- the overall limit as a `FloodGate` (messages evenly spaced, replies before scheduled sends), in
  place of AIORateLimiter's token bucket, whose full bucket lets twice the rate through in the
  first second;
- a pace per private chat, which AIORateLimiter lacks.
Edits, button answers and "typing…" are not messages: they are held by neither.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Coroutine
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.ext import AIORateLimiter

from bot.channels.telegram.floodgate import FloodGate
from bot.lru import LruCache

MESSAGE_PREFIXES = ("send", "copy", "forward")  # what Telegram counts as messages
NOT_MESSAGES = ("sendchataction",)  # "typing…" starts with "send" but is not one
MAX_TRACKED_CHATS = 10_000
# A chat's limiter that has drained (nothing sent for a while) is the same as a new one, so those
# are let go once this many are held: an evening wave met 10,000 chats once each, about 6 MB.
SWEEP_AT = 1_000
PAID_RATE = 900  # paid broadcasts: Telegram allows up to 1,000 a second; a tenth kept spare


def is_message(endpoint: str) -> bool:
    lower = endpoint.lower()
    return lower.startswith(MESSAGE_PREFIXES) and lower not in NOT_MESSAGES


class PerChatRateLimiter(AIORateLimiter):
    def __init__(
        self,
        per_chat_rate: float = 3,
        per_chat_period: float = 3,
        overall_max_rate: float = 30,
        overall_time_period: float = 1,
        max_retries: int = 3,
    ) -> None:
        # No bucket of AIORateLimiter's own for the whole bot: the gate keeps that limit.
        super().__init__(overall_max_rate=0, overall_time_period=0, max_retries=max_retries)
        # Evenly spaced at a little over one under the limit (28.8 for 30), any one second holds at
        # most 29: a message of slack for the network's jitter on the way to Telegram.
        self.gate = FloodGate(rate=max(1.0, overall_max_rate - 1.2), period=overall_time_period)
        self.paid_gate = FloodGate(rate=PAID_RATE)
        self.per_chat_rate = per_chat_rate
        self.per_chat_period = per_chat_period
        self._chats: LruCache[int, AsyncLimiter] = LruCache(MAX_TRACKED_CHATS)
        self._sweep_at = SWEEP_AT

    def _chat_limiter(self, chat_id: int) -> AsyncLimiter:
        if len(self._chats) >= self._sweep_at and chat_id not in self._chats:
            self._chats.drop_where(lambda limiter: limiter.has_capacity(limiter.max_rate))
            # The next sweep waits until as many again are held: a sweep's cost stays spread thin.
            self._sweep_at = max(SWEEP_AT, 2 * len(self._chats))
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
        if not is_message(endpoint):
            return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
        try:
            chat = int(data.get("chat_id") or 0)
        except (TypeError, ValueError):
            chat = 0
        per_chat = self._chat_limiter(chat) if chat > 0 else contextlib.nullcontext()
        # A paid broadcast is outside the free limit, with a limit of its own.
        overall = self.paid_gate if data.get("allow_paid_broadcast") else self.gate

        async def paced() -> bool | dict[str, Any] | list[dict[str, Any]]:
            # Inside AIORateLimiter's own wait after a 429, not before it: requests held by that
            # wait leave one by one rather than all together the moment it ends.
            async with per_chat, overall:
                return await callback(*args, **kwargs)

        return await super().process_request(paced, (), {}, endpoint, data, rate_limit_args)
