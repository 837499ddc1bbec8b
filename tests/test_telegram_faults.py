"""Faults on the way: a flaky Telegram, dropped connections, slow answers, a failing database.

A learner must never be left without an answer, never lose a screen, and never be told something
was saved when it was not; duplicates are allowed only where Telegram took a message and the
connection dropped before it could say so (and their buttons can't advance anyone twice).
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections import Counter
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from bot.content.loader import Curriculum
from tests.databases import query
from tests.telegram_harness import ALICE, finish_first_lesson, onboard, open_first_lesson, running


async def test_twenty_learners_finish_a_lesson_through_500s_drops_and_slow_answers(
    tmp_path: Path, curriculum: Curriculum
) -> None:
    options: dict[str, Any] = {"fail_rate": 0.1, "drop_rate": 0.05, "slow_rate": 0.1, "slow_seconds": 1.0}
    async with running(tmp_path, curriculum, seed=5, **options) as tg:
        learners = [600 + i for i in range(20)]
        await asyncio.gather(*(finish_first_lesson(tg, user) for user in learners))
        await tg.drained()
        statuses = Counter(status for _, status in tg.fake.calls)
        assert statuses[500] and statuses[0], f"the faults never happened: {statuses}"
        for user in learners:
            sent = tg.fake.to(user)
            screens = Counter((s.text, str(s.buttons)) for s in sent)
            steps = {s.text.split("\n")[0] for s in sent if s.text.startswith("📘")}
            assert steps == {"📘 第1课01（1/3）", "📘 第1课01（2/3）", "📘 第1课01（3/3）"}, user
            extra = sum(n - 1 for n in screens.values())
            assert extra <= tg.fake.dropped_after[user], f"{user}: {extra} duplicates, no drop explains them"
        assert tg.service is not None and tg.service.outbox.pending() == 0


class DiskFull:
    """Makes every write to the database fail as a full disk does, until cleared."""

    def __init__(self) -> None:
        self.on = False

    def __call__(self, _conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if self.on and statement.lstrip().split(None, 1)[0].upper() in {
            "INSERT",
            "UPDATE",
            "DELETE",
            "BEGIN",
        }:
            raise OperationalError(statement, {}, sqlite3.OperationalError("database or disk is full"))


async def test_a_full_disk_is_told_honestly_changes_nothing_and_the_bot_recovers_by_itself(
    tmp_path: Path, curriculum: Curriculum
) -> None:
    async with running(tmp_path, curriculum) as tg:
        await onboard(tg)
        step1 = await open_first_lesson(tg)
        assert tg.service is not None
        engine = tg.service.store.engine
        full = DiskFull()
        event.listen(engine, "before_cursor_execute", full)
        place_before = tg.learner_row(ALICE)
        full.on = True
        sorry = await tg.press(ALICE, "下一步", "没能保存", on=step1)
        assert "请过一分钟再试" in sorry.text and "已保存" not in sorry.text
        assert tg.learner_row(ALICE) == place_before
        ((place,),) = query(tg.db_url, "SELECT place FROM learner WHERE external_id = :u", {"u": str(ALICE)})
        assert '"step":0' in place, "the tap must not have been saved"
        # The disk is cleared; the learner taps again and goes on, no restart needed.
        full.on = False
        await tg.press(ALICE, "下一步", "（2/3）", on=step1)
        await tg.press(ALICE, "下一步", "（3/3）")
        event.remove(engine, "before_cursor_execute", full)
