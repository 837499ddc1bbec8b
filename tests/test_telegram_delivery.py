"""Delivery on Telegram: the outbox sender against a fake Bot API that refuses, floods and fails.

Every message is owed in the database until Telegram takes it; replies go before scheduled sends;
a learner who blocked the bot is not retried; what a crash left owed goes out after the restart.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from bot.app.service import LearningService
from bot.channels.telegram import app as telegram_app
from bot.config import Settings
from bot.content.loader import Curriculum
from bot.core.messages import Message
from bot.store.outbox import SCHEDULED, Addressed
from bot.store.progress import utcnow
from tests.conftest import Clock
from tests.telegram_harness import (
    ALICE,
    FAST,
    Harness,
    finish_first_lesson,
    onboard,
    open_first_lesson,
    report_task_done_with_a_photo,
    running,
    until,
)


async def test_a_learner_who_blocked_the_bot_is_marked_inactive_and_not_retried(tg: Harness) -> None:
    await onboard(tg)
    tg.fake.blocked.add(ALICE)
    await tg.handled(tg.fake.user_says(ALICE, "/menu"))
    assert tg.learner_row(ALICE)[3] == 0
    assert tg.service is not None
    assert tg.service.outbox.pending() == 0
    assert tg.service.outbox.failed("telegram", str(ALICE))[0].startswith("blocked")
    sends = [c for c in tg.fake.calls if c == ("sendMessage", 403)]
    assert len(sends) == 1


async def test_a_burst_of_200_messages_hits_the_flood_limit_and_each_arrives_exactly_once(
    tmp_path: Path, curriculum: Curriculum
) -> None:
    tuning = replace(FAST, overall_rate=200, per_chat_rate=50)
    async with running(tmp_path, curriculum, tuning, flood_per_second=25) as tg:
        assert tg.service is not None and tg.bot is not None
        chats = [7000 + i for i in range(20)]
        owed = [
            Addressed("telegram", str(chat), Message(f"burst {chat} #{n}"))
            for n in range(10)
            for chat in chats
        ]
        tg.service.outbox.put(owed, utcnow())
        tg.bot.sender.kick()
        await tg.drained()
        assert any(status == 429 for _, status in tg.fake.calls), "the burst never hit the flood limit"
        delivered = Counter(s.text for s in tg.fake.sent if s.text.startswith("burst"))
        assert len(delivered) == 200 and set(delivered.values()) == {1}
        for chat in chats:  # each chat's messages in the order they were owed
            assert [s.text for s in tg.fake.to(chat)] == [f"burst {chat} #{n}" for n in range(10)]


async def test_with_ten_percent_of_sends_failing_the_learner_still_gets_every_step(
    tmp_path: Path, curriculum: Curriculum
) -> None:
    async with running(tmp_path, curriculum, fail_rate=0.1, seed=3) as tg:
        await onboard(tg)
        await open_first_lesson(tg)
        await tg.press(ALICE, "下一步", "（2/3）")
        await tg.press(ALICE, "下一步", "（3/3）")
        await tg.press(ALICE, "下一步", "小测验")
        await tg.press(ALICE, "1️⃣", "学完了")
        assert any(status == 500 for _, status in tg.fake.calls), "no send failed: the test proved nothing"
        steps = Counter(s.text.split("\n")[0] for s in tg.fake.to(ALICE) if s.text.startswith("📘"))
        assert steps == Counter({"📘 第1课01（1/3）": 1, "📘 第1课01（2/3）": 1, "📘 第1课01（3/3）": 1})


async def test_messages_that_cannot_be_sent_now_wait_in_the_outbox_until_telegram_recovers(
    tmp_path: Path, curriculum: Curriculum
) -> None:
    async with running(tmp_path, curriculum, tuning=replace(FAST, send_attempts=2)) as tg:
        await onboard(tg)
        await tg.drained()  # what onboarding sent is deleted from the outbox, not just sent
        assert tg.service is not None and tg.bot is not None
        tg.fake.fail_rate = 1.0
        failed_before = sum(1 for _, status in tg.fake.calls if status == 500)
        tg.fake.user_says(ALICE, "/progress")

        def both_refused() -> bool:
            return sum(1 for _, status in tg.fake.calls if status == 500) >= failed_before + 2

        await until(both_refused, "both attempts refused")  # the message is owed for later
        assert tg.service.outbox.pending() == 1
        assert not any("我的学习进度" in s.text for s in tg.fake.to(ALICE))
        # Telegram recovers; once the outbox's backoff has run out the owed message goes out.
        tg.fake.fail_rate = 0.0
        tg.bot.sender.clock = lambda: utcnow() + timedelta(hours=1)
        reply = await tg.fake.next_reply(ALICE, 0, "我的学习进度")
        assert reply.text.startswith("📊")
        await tg.drained()
        assert tg.service.outbox.pending() == 0


async def test_a_follow_up_claimed_just_before_a_crash_is_still_sent_once(
    tmp_path: Path, curriculum: Curriculum
) -> None:
    clock = Clock()
    async with running(tmp_path, curriculum, clock=clock) as tg:
        finished = await finish_first_lesson(tg)
        await report_task_done_with_a_photo(tg, finished, "p9")
        await tg.drained()
        await tg.stop()
        clock.advance(days=7, hours=1.5)
        # A process claims the due follow-up and dies before sending it: the claim and the
        # message it owes were one transaction, so the message waits in the outbox.
        assert tg.service is not None
        owed = await asyncio.to_thread(tg.service.due_nudges)
        assert len(owed) == 1 and await asyncio.to_thread(tg.service.outbox.pending) == 1
        before = len(tg.fake.to(ALICE))
        await tg.start()
        await tg.fake.next_reply(ALICE, before, "7天前您学完了")
        await tg.drained()
        follow_ups = [s for s in tg.fake.to(ALICE) if "7天前您学完了" in s.text]
        assert len(follow_ups) == 1


async def test_a_bot_restarted_while_a_big_wave_is_being_owed_answers_learners_meanwhile(
    tmp_path: Path, curriculum: Curriculum, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a stop in the evening tens of thousands of reminders can be due; owing them takes a
    minute, and the bot must not wait for that before it hears a learner."""
    release, owing_done = threading.Event(), threading.Event()
    owe = LearningService.due_nudges

    def a_long_wave(self: LearningService, *args: object, **kwargs: object) -> list[object]:
        release.wait(20)  # the first batch of a long wave, held until the learner is answered
        owed = owe(self, *args, **kwargs)  # type: ignore[arg-type]
        owing_done.set()
        return owed  # type: ignore[return-value]

    async with running(tmp_path, curriculum) as tg:
        await onboard(tg)
        await tg.stop()
        monkeypatch.setattr(LearningService, "due_nudges", a_long_wave)
        await tg.start()
        await tg.say(ALICE, "/progress", "我的学习进度")
        answered_while_owing = not owing_done.is_set()
        release.set()
        await asyncio.to_thread(owing_done.wait, 20)
        await tg.drained()
        assert answered_while_owing, "the restarted bot waited for the whole wave before hearing anyone"


async def test_a_learner_chatting_during_an_evening_wave_is_answered_before_the_wave_is_sent(
    tg: Harness,
) -> None:
    await onboard(tg)
    assert tg.service is not None and tg.bot is not None
    wave = [Addressed("telegram", str(8000 + n), Message(f"reminder {n}")) for n in range(300)]
    tg.service.outbox.put(wave, utcnow(), priority=SCHEDULED)
    tg.bot.sender.kick()
    await until(lambda: any(s.text.startswith("reminder") for s in tg.fake.sent), "the wave began")
    progress = await tg.say(ALICE, "/progress", "我的学习进度")
    sent_before_reply = sum(
        1 for s in tg.fake.sent[: tg.fake.sent.index(progress)] if s.text.startswith("reminder")
    )
    assert sent_before_reply < 150, f"the reply waited behind {sent_before_reply} scheduled messages"
    await tg.drained(timeout=60)
    assert sum(1 for s in tg.fake.sent if s.text.startswith("reminder")) == 300


async def test_a_wave_bigger_than_the_senders_hands_is_claimed_as_it_goes_and_each_sent_once(
    tg: Harness,
) -> None:
    """Claims are leases: a sender that took a whole evening's wave at once would see its claims
    run out before it reached the end, and claim (and send) them again."""
    await onboard(tg)
    assert tg.service is not None and tg.bot is not None
    tg.bot.sender.max_in_hand = 40
    wave = [Addressed("telegram", str(8000 + n), Message(f"reminder {n}")) for n in range(300)]
    tg.service.outbox.put(wave, utcnow(), priority=SCHEDULED)
    tg.bot.sender.kick()
    most_held = 0
    deadline = time.monotonic() + 60
    while sum(1 for s in tg.fake.sent if s.text.startswith("reminder")) < 300:
        assert time.monotonic() < deadline, "the wave was not sent in 60 s"
        most_held = max(most_held, tg.bot.sender.in_hand)
        await asyncio.sleep(0.01)
    await tg.drained(timeout=60)
    assert 0 < most_held <= 40
    sent = Counter(s.text for s in tg.fake.sent if s.text.startswith("reminder"))
    assert len(sent) == 300 and set(sent.values()) == {1}


async def test_with_paid_broadcasts_on_only_scheduled_sends_ask_for_them(
    tmp_path: Path, curriculum: Curriculum, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FARMSKILLS_PAID_BROADCAST", "1")
    assert Settings().paid_broadcast
    async with running(tmp_path, curriculum) as tg:
        await onboard(tg)
        assert tg.service is not None and tg.bot is not None
        tg.service.outbox.put(
            [Addressed("telegram", str(ALICE), Message("evening reminder"))], utcnow(), SCHEDULED
        )
        tg.bot.sender.kick()
        reminder = await tg.fake.next_reply(ALICE, 0, "evening reminder")
        assert reminder.params.get("allow_paid_broadcast") is True
        replies = [s for s in tg.fake.to(ALICE) if s is not reminder]
        assert replies and all("allow_paid_broadcast" not in s.params for s in replies)


async def test_a_batch_of_reminders_that_owes_nothing_does_not_end_the_evening(
    tg: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch of due reminders can owe nothing (each of those learners studied today): the pass
    goes on to the next batches at once instead of leaving them for the minute's next run."""
    await onboard(tg)
    assert tg.service is not None and tg.bot is not None
    service = tg.service
    wave = [Addressed("telegram", str(8000 + i), Message(f"reminder {i}")) for i in range(20)]
    batches: list[list[Addressed]] = [[], [], wave]

    def the_next_batch(*_args: object, **_kwargs: object) -> list[Addressed]:
        batch = batches.pop(0) if batches else []
        service.outbox.put(batch, utcnow(), priority=SCHEDULED)
        return batch

    monkeypatch.setattr(service, "due_nudges", the_next_batch)
    monkeypatch.setattr(service, "any_nudge_due", lambda *_: bool(batches))
    await asyncio.wait_for(tg.bot.send_due_nudges(), timeout=60)
    await tg.drained(timeout=60)
    sent = Counter(s.text for s in tg.fake.sent if s.text.startswith("reminder"))
    assert len(sent) == 20 and set(sent.values()) == {1}


async def test_a_long_wave_is_owed_as_it_is_sent_not_all_at_once(
    tg: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An evening's reminders are owed a batch at a time as the sender gets through them: owed
    long before it went out, a reminder would still tell a learner who studied meanwhile to study."""
    await onboard(tg)
    assert tg.service is not None and tg.bot is not None
    service = tg.service
    monkeypatch.setattr(telegram_app, "OWE_AHEAD", 30)
    batches = iter(range(10))
    waiting_when_owed: list[int] = []

    def a_wave_in_batches(*_args: object, **_kwargs: object) -> list[Addressed]:
        n = next(batches, None)
        if n is None:
            return []
        waiting_when_owed.append(service.outbox.pending("telegram"))
        batch = [
            Addressed("telegram", str(8000 + 20 * n + i), Message(f"reminder {20 * n + i}"))
            for i in range(20)
        ]
        service.outbox.put(batch, utcnow(), priority=SCHEDULED)
        return batch

    monkeypatch.setattr(service, "due_nudges", a_wave_in_batches)
    await asyncio.wait_for(tg.bot.send_due_nudges(), timeout=60)
    await tg.drained(timeout=60)
    assert len(waiting_when_owed) == 10
    assert max(waiting_when_owed) <= 30, f"owed with {max(waiting_when_owed)} still waiting"
    sent = Counter(s.text for s in tg.fake.sent if s.text.startswith("reminder"))
    assert len(sent) == 200 and set(sent.values()) == {1}
