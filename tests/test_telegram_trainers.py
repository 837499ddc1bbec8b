"""Trainers on Telegram: a fixed lesson goes live without a restart, and a voice note recorded on
a trainer's phone reaches the learners at the step it belongs to."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

from bot.content.loader import load_curriculum
from bot.store.progress import utcnow
from tests.content_builder import build_content
from tests.fake_telegram import TOKEN, FakeTelegram
from tests.telegram_harness import (
    ALICE,
    FAST,
    Harness,
    onboard,
    open_first_lesson,
    start_run_process,
)

ADMIN = 900
LESSON = Path("lessons") / "shop" / "basic" / "01.yaml"


async def test_a_fixed_lesson_goes_live_on_sighup_and_a_broken_one_is_refused_with_the_admin_told(
    tmp_path: Path,
) -> None:
    root = build_content(tmp_path / "content")
    fake = FakeTelegram()
    await fake.start()
    proc = await start_run_process(
        fake,
        TOKEN,
        tmp_path / "run.db",
        content=root,
        log=tmp_path / "bot.log",
        extra_env={"FARMSKILLS_ADMINS": str(ADMIN)},
    )
    learner = Harness(fake, load_curriculum(root), "", FAST)  # only talks to the fake server
    try:
        await onboard(learner)
        await open_first_lesson(learner)
        lesson_file = root / LESSON
        lesson_file.write_text(
            lesson_file.read_text(encoding="utf-8").replace("b-lesson-01 第2步", "b-lesson-01 改好的第2步"),
            encoding="utf-8",
        )
        proc.send_signal(signal.SIGHUP)
        told = await fake.next_reply(ADMIN, 0, "课程已更新", timeout=60)
        assert "节课" in told.text
        fixed = await learner.press(ALICE, "下一步", "（2/3）")
        assert "改好的第2步" in fixed.text, "the learner gets the new text without a restart"

        good = lesson_file.read_text(encoding="utf-8")
        lesson_file.write_text(good.replace("steps:", "steps:\n\t- broken", 1), encoding="utf-8")
        proc.send_signal(signal.SIGHUP)
        refused = await fake.next_reply(ADMIN, 1, "没有换上", timeout=60)
        assert "lessons/shop/basic/01.yaml" in refused.text and "Tab" in refused.text
        back = await learner.press(ALICE, "上一步", "（1/3）")
        assert "b-lesson-01 第1步" in back.text, "the old content keeps serving"
        again = await learner.press(ALICE, "下一步", "（2/3）")
        assert "改好的第2步" in again.text
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
            await asyncio.wait_for(proc.wait(), 30)
        await fake.stop()


async def test_a_trainer_attaches_a_voice_note_and_a_learner_at_that_step_receives_it(tg: Harness) -> None:
    assert tg.service is not None
    tg.service.staff.grant(str(ADMIN), "trainer", utcnow())
    await onboard(tg, ADMIN)
    await tg.say(ADMIN, "/attach b-lesson-01 2", "第 2 步")
    before = len(tg.fake.to(ADMIN))
    tg.fake.user_sends(
        ADMIN, {"voice": {"file_id": "trainer-voice-1", "file_unique_id": "tv1", "duration": 9}}
    )
    await tg.fake.next_reply(ADMIN, before, "语音配好了")

    await onboard(tg)
    await open_first_lesson(tg)
    step2 = await tg.press(ALICE, "下一步", "（2/3）")
    voices = [s for s in tg.fake.to(ALICE) if s.method == "sendVoice"]
    assert [v.params["voice"] for v in voices] == ["trainer-voice-1"]
    assert tg.fake.to(ALICE).index(voices[0]) < tg.fake.to(ALICE).index(step2), (
        "the buttons stay at the bottom"
    )


async def test_only_staff_may_attach_and_a_wrong_lesson_gets_a_did_you_mean(tg: Harness) -> None:
    await onboard(tg)
    await tg.say(ALICE, "/attach b-lesson-01 2", "培训老师用的")
    assert tg.service is not None
    tg.service.staff.grant(str(ALICE), "admin", utcnow())
    guessed = await tg.say(ALICE, "/attach b-lesson-1 2", "没有编号")
    assert "b-lesson-01" in guessed.text
    await tg.say(ALICE, "/attach b-lesson-01 9", "1 到 3")
