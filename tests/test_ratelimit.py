"""Sending at Telegram's limits: the flood gate spaces messages evenly, so no second ever holds more
than the rate and one, flows at the rate, and lets a learner's reply through ahead of an evening
wave. Time here is virtual (the gate's clock and sleep): these are facts about the gate, not about
this machine."""

from __future__ import annotations

import asyncio

import pytest

from bot.channels.telegram import ratelimit
from bot.channels.telegram.floodgate import SCHEDULED_SEND, FloodGate
from bot.channels.telegram.ratelimit import PerChatRateLimiter, is_message


class VirtualTime:
    def __init__(self) -> None:
        self.now = 0.0

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds
        await asyncio.sleep(0)


Admitted = list[tuple[float, bool]]  # when, and whether it was a reply


def gate_with_log(rate: float = 28) -> tuple[FloodGate, VirtualTime, Admitted]:
    time = VirtualTime()
    admitted: Admitted = []
    gate = FloodGate(rate, 1.0, time.clock, time.sleep, lambda at, reply: admitted.append((at, reply)))
    return gate, time, admitted


def busiest_second(times: list[float]) -> int:
    """The most messages within any closed one-second span."""
    times = sorted(times)
    most, start = 0, 0
    for end, at in enumerate(times):
        while at - times[start] > 1.0 + 1e-9:
            start += 1
        most = max(most, end - start + 1)
    return most


async def scheduled_send(gate: FloodGate) -> None:
    token = SCHEDULED_SEND.set(True)
    try:
        async with gate:
            pass
    finally:
        SCHEDULED_SEND.reset(token)


async def test_a_wave_of_a_thousand_never_puts_more_than_the_rate_and_one_in_any_second() -> None:
    gate, _time, admitted = gate_with_log(28)
    await asyncio.gather(*(scheduled_send(gate) for _ in range(1000)))
    assert len(admitted) == 1000
    assert busiest_second([at for at, _ in admitted]) <= 29


async def test_a_wave_flows_at_the_full_rate() -> None:
    gate, time, admitted = gate_with_log(28)
    await asyncio.gather(*(scheduled_send(gate) for _ in range(561)))
    assert time.now == pytest.approx(20.0)  # 560 gaps of 1/28 s
    assert len(admitted) / time.now >= 0.9 * 30


async def test_a_reply_during_a_wave_takes_the_next_slot_ahead_of_the_waiting_wave() -> None:
    gate, time, admitted = gate_with_log(28)
    wave = [asyncio.create_task(scheduled_send(gate)) for _ in range(300)]
    while time.now < 3.0:  # the wave is well under way, hundreds still waiting
        await asyncio.sleep(0)
    asked_at = time.now
    async with gate:  # a learner's reply: not scheduled
        answered_at = time.now
    assert answered_at - asked_at <= 1 / 28 + 1e-9  # one slot at most
    await asyncio.gather(*wave)
    replies = [at for at, reply in admitted if reply]
    assert replies == [answered_at]
    assert busiest_second([at for at, _ in admitted]) <= 29


async def test_replies_queued_after_scheduled_sends_still_go_first() -> None:
    gate, _time, admitted = gate_with_log(5)
    await gate.acquire(reply=True)  # the next slot is a fifth of a second away
    wave = [asyncio.create_task(scheduled_send(gate)) for _ in range(10)]
    await asyncio.sleep(0)
    replies = [asyncio.create_task(gate.acquire(reply=True)) for _ in range(3)]
    await asyncio.gather(*wave, *replies)
    assert [reply for _, reply in admitted[1:5]] == [True, True, True, False]


async def test_a_sender_that_gives_up_waiting_frees_its_slot() -> None:
    gate, _time, admitted = gate_with_log(2)
    await gate.acquire()
    waiting = asyncio.create_task(gate.acquire())
    await asyncio.sleep(0)
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    await gate.acquire()
    assert len(admitted) == 2


@pytest.mark.parametrize(
    ("endpoint", "counted"),
    [
        ("sendMessage", True),
        ("sendPhoto", True),
        ("copyMessage", True),
        ("sendChatAction", False),
        ("editMessageReplyMarkup", False),
        ("answerCallbackQuery", False),
    ],
)
def test_only_messages_count_against_telegrams_message_limits(endpoint: str, counted: bool) -> None:
    assert is_message(endpoint) is counted


async def test_a_chat_whose_pace_has_drained_is_let_go_and_a_chat_still_paced_keeps_its_limiter(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An evening wave meets thousands of chats once each: their limiters, drained, are the same as
    new ones and are let go; a chat that has just had its three messages keeps its own."""
    monkeypatch.setattr(ratelimit, "SWEEP_AT", 4)
    limiter = PerChatRateLimiter(per_chat_rate=3, per_chat_period=3)
    busy = limiter._chat_limiter(1)
    for _ in range(3):
        await busy.acquire()  # the chat's three messages: its pace is full for the next seconds
    for chat in (2, 3, 4):
        limiter._chat_limiter(chat)  # met, nothing sent since: drained
    assert len(limiter._chats) == 4
    limiter._chat_limiter(5)  # the fifth chat finds four held: the drained ones go
    assert 1 in limiter._chats and 5 in limiter._chats and len(limiter._chats) == 2
    assert limiter._chat_limiter(1) is busy  # still paced by the same limiter
