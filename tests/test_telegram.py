"""End to end on Telegram: the real python-telegram-bot Application against a local fake Bot API.

No test contacts Telegram: the bot's base_url points at tests/fake_telegram.py on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import json
import platform
from pathlib import Path

import pytest

from bot.content.loader import Curriculum, load_curriculum
from bot.store.progress import utcnow
from tests.conftest import Clock
from tests.databases import database_for, dump, query
from tests.fake_telegram import TOKEN, FakeTelegram
from tests.telegram_harness import (
    ALICE,
    Harness,
    finish_first_lesson,
    onboard,
    open_first_lesson,
    report_task_done_with_a_photo,
    run_cli,
    running,
    start_run_process,
)


async def test_a_question_typed_mid_lesson_is_answered_and_the_learner_goes_back_to_the_lesson(
    tg: Harness,
) -> None:
    await onboard(tg)
    await open_first_lesson(tg)
    await tg.press(ALICE, "下一步", "（2/3）")
    answer = await tg.say(ALICE, "开店的押金能退吗", "押金")
    assert "按平台规则可以退" in answer.text
    assert answer.labels[0] == "↩️ 回到课程"
    back = await tg.press(ALICE, "回到课程", "（2/3）", on=answer)
    assert "b-lesson-01 第2步" in back.text
    await tg.press(ALICE, "下一步", "（3/3）")


async def test_an_unknown_question_reaches_the_trainer_and_the_trainers_reply_reaches_the_learner(
    tg: Harness,
) -> None:
    trainer = 900
    assert tg.service is not None
    tg.service.staff.add_cohort("lijia", "李家村", str(trainer), utcnow())
    await onboard(tg, payload="lijia")
    await onboard(tg, user=trainer)
    await tg.say(ALICE, "合作社年底分红怎么算", "答不上来")
    before = len(tg.fake.to(trainer))
    await tg.press(ALICE, "发给老师", "已经发给老师了")
    question = await tg.fake.next_reply(trainer, before, "合作社年底分红怎么算")
    assert "李家村" in question.text and question.labels == ["✍️ 回复"]
    await tg.press(trainer, "回复", "请输入给老王的回答", on=question)
    before = len(tg.fake.to(ALICE))
    await tg.say(trainer, "按入股份数分，年底社员大会公布。", "已经把回答发给老王了")
    reply = await tg.fake.next_reply(ALICE, before, "老师回答了您的问题")
    assert "按入股份数分" in reply.text and "合作社年底分红怎么算" in reply.text


async def test_report_is_refused_to_a_farmer_and_scoped_to_a_trainers_own_village(tg: Harness) -> None:
    trainer, neighbour_trainer, bob = 900, 901, 502
    assert tg.service is not None
    tg.service.staff.add_cohort("lijia", "李家村", str(trainer), utcnow())
    tg.service.staff.add_cohort("wangzhuang", "王庄", str(neighbour_trainer), utcnow())
    await onboard(tg, payload="lijia")
    await onboard(tg, user=bob, payload="wangzhuang")
    await open_first_lesson(tg, bob)

    update_id = tg.fake.user_says(ALICE, "/report")
    await tg.handled(update_id)
    refused = tg.fake.to(ALICE)[-1]
    assert "给培训老师和管理员用的" in refused.text
    assert [s.method for s in tg.fake.to(ALICE)[-1:]] == ["sendMessage"] and refused.labels == ["🏠 主页"]

    await onboard(tg, user=trainer)
    summary = await tg.say(trainer, "/report", "学习报告")
    assert "学员 1 人" in summary.text and "lijia" in summary.text
    chart = await tg.fake.next_reply(trainer, tg.fake.to(trainer).index(summary) + 1, "从学习到增收")
    assert chart.method == "sendPhoto" and chart.labels == ["🌐 网页报告", "📄 表格", "🏠 主页"]
    assert chart.params["photo"]["data"].startswith(b"\x89PNG")
    sheet = await tg.press(trainer, "表格", "CSV", on=chart)
    assert sheet.method == "sendDocument" and sheet.params["document"]["file"].endswith(".csv")
    data = sheet.params["document"]["data"].decode("utf-8-sig")
    assert "lijia" in data and "wangzhuang" not in data


async def test_a_learners_whole_cycle_lesson_task_done_with_a_photo_follow_up_and_income(
    tmp_path: Path, curriculum: Curriculum
) -> None:
    clock = Clock()
    async with running(tmp_path, curriculum, clock=clock) as tg:
        finished = await finish_first_lesson(tg)
        assert "实践任务" in finished.text
        await report_task_done_with_a_photo(tg, finished, "shop-photo-1")
        before = len(tg.fake.to(ALICE))
        clock.advance(days=7, hours=1.5)  # 10:30 in Shanghai a week later: the follow-up is due
        follow_up = await tg.fake.next_reply(ALICE, before, "7天前您学完了")
        assert "收到几个订单" in follow_up.text and "0️⃣ 还没有" in follow_up.labels
        await tg.say(ALICE, "三百块", "记下了：300元")
    outcome = [tuple(r) for r in query(tg.db_url, "SELECT lesson_id, value, unit, asked FROM outcome")]
    evidence = [tuple(r) for r in query(tg.db_url, "SELECT evidence_kind, evidence FROM practice_report")]
    assert outcome == [("b-lesson-01", 300.0, "yuan", True)]
    assert evidence == [("photo", "shop-photo-1")]


async def test_onboarding_with_a_cohort_deep_link_stores_the_cohort_and_registers_commands(
    tg: Harness,
) -> None:
    await onboard(tg, payload="v-dandong")
    assert tg.learner_row(ALICE) == ("老王", "zh", "v-dandong", 1)
    assert tg.bot is not None
    await tg.bot.menus_set()
    assert {c["command"] for c in tg.fake.commands["zh"]} >= {"start", "menu", "progress", "mydata", "forget"}
    assert tg.fake.commands["en"][0]["description"] == "Start"


async def test_trainers_and_admins_find_report_in_their_own_menu_and_learners_do_not(tg: Harness) -> None:
    assert tg.service is not None
    tg.service.staff.add_cohort("lijia", "李家村", "900", utcnow())
    tg.service.staff.grant("700", "admin", utcnow())
    await onboard(tg, user=900)
    await tg.stop()
    await tg.start()  # menus are set at start, in the background: the bot receives meanwhile
    assert tg.bot is not None
    await tg.bot.menus_set()
    trainer_menu = {c["command"] for c in tg.fake.commands["chat:900"]}
    assert "report" in trainer_menu and {"start", "menu"} <= trainer_menu
    described = {c["command"]: c["description"] for c in tg.fake.commands["chat:900"]}
    assert described["report"] == "学习报告（老师用）"
    assert "chat:700" in tg.fake.commands  # an admin who has not opened the bot yet: Chinese menu
    assert "report" not in {c["command"] for c in tg.fake.commands["zh"]}
    assert "report" not in {c["command"] for c in tg.fake.commands[""]}


async def test_an_english_phone_gets_english_first(tg: Harness) -> None:
    reply = await tg.say(ALICE, "/start", "🔒", lang="en-GB", first_name="Mary")
    assert "I keep only" in reply.text and "Start learning" in reply.labels[0]


async def test_a_learner_finishes_a_lesson_with_a_wrong_then_right_answer_and_sees_it_in_progress(
    tg: Harness,
) -> None:
    await onboard(tg)
    await open_first_lesson(tg)
    await tg.press(ALICE, "下一步", "（2/3）")
    await tg.press(ALICE, "下一步", "（3/3）")
    await tg.press(ALICE, "下一步", "小测验")
    wrong = await tg.press(ALICE, "2️⃣", "不太对")
    assert "因为第一个是对的" in wrong.text
    await tg.press(ALICE, "1️⃣", "学完了")
    progress = await tg.say(ALICE, "/progress", "我的学习进度")
    assert "🌱 基础：学完 1/2 课" in progress.text
    # Every button press was answered, so no phone is left spinning.
    assert len(tg.fake.answered_queries) == sum(1 for m, _ in tg.fake.calls if m == "answerCallbackQuery")
    assert len(tg.fake.answered_queries) >= 9


async def test_a_tap_stops_the_spinner_and_takes_the_buttons_off_the_message_tapped(tg: Harness) -> None:
    await onboard(tg)
    step1 = await open_first_lesson(tg)
    answered, removed = len(tg.fake.answered_queries), len(tg.fake.keyboards_removed)
    before = len(tg.fake.to(ALICE))
    tg.fake.user_presses(ALICE, step1, "下一步")
    query_id = str(tg.fake.updates[-1]["callback_query"]["id"])
    step2 = await tg.fake.next_reply(ALICE, before, "（2/3）")
    assert step2.buttons, "the newest step keeps its buttons"
    for _ in range(200):  # both are sent beside the next step, not before it: wait for them
        if tg.fake.answered_queries[answered:] and tg.fake.keyboards_removed[removed:]:
            break
        await asyncio.sleep(0.02)
    assert tg.fake.answered_queries[answered:] == [query_id]
    assert tg.fake.keyboards_removed[removed:] == [(ALICE, step1.message_id)]
    # The step itself: its buttons as a keyboard, and no link preview under the text.
    assert step2.params["link_preview_options"] == {"is_disabled": True}
    assert step2.method == "sendMessage"


async def test_a_restart_in_the_middle_of_a_lesson_loses_nothing(tg: Harness) -> None:
    await onboard(tg)
    await open_first_lesson(tg)
    step2 = await tg.press(ALICE, "下一步", "（2/3）")
    await tg.stop()
    await tg.start()  # a new process: a new Application and service over the same database
    await tg.press(ALICE, "下一步", "（3/3）", on=step2)
    resumed = await tg.say(ALICE, "/start", "（3/3）")
    assert "b-lesson-01 第3步" in resumed.text


async def test_double_taps_duplicate_updates_and_stale_buttons_do_no_harm(tg: Harness) -> None:
    await onboard(tg)
    step1 = await open_first_lesson(tg)
    before = len(tg.fake.to(ALICE))
    tg.fake.user_presses(ALICE, step1, "下一步")
    tg.fake.user_presses(ALICE, step1, "下一步")  # a double tap
    update_id = tg.fake.user_presses(ALICE, step1, "下一步")
    tg.fake.resend(update_id)  # Telegram delivering the same update twice
    await tg.fake.next_reply(ALICE, before, "（2/3）")
    await tg.handled(update_id, update_id - 1, update_id - 2)
    after = tg.fake.to(ALICE)[before:]
    # Never advanced twice; a repeated tap shows the current step again rather than nothing.
    shown = [s.text.split("\n")[0] for s in after if "📘" in s.text]
    assert shown and set(shown) == {"📘 第1课01（2/3）"}
    # Move on, then press Next on the very first step's message again.
    await tg.press(ALICE, "下一步", "（3/3）")
    before_stale = len(tg.fake.to(ALICE))
    stale = await tg.press(ALICE, "下一步", "以前的消息", on=step1)
    assert stale.text.startswith("⏳")
    # After the notice, the learner's current step is shown again (waited for: a loaded machine
    # may deliver the notice first and the step a moment later).
    again = await tg.fake.next_reply(ALICE, before_stale, "（3/3）")
    assert tg.fake.to(ALICE).index(again) > tg.fake.to(ALICE).index(stale)


async def test_forged_callback_data_cannot_unlock_a_tier(tg: Harness) -> None:
    await onboard(tg)
    step1 = await open_first_lesson(tg)
    before = len(tg.fake.to(ALICE))
    tg.fake.user_presses_data(ALICE, step1, "ans:b-lesson-01:0:0")
    tg.fake.user_presses_data(ALICE, step1, "les:a-lesson-01")
    await tg.fake.next_reply(ALICE, before, "还没解锁")
    progress = await tg.say(ALICE, "/progress", "我的学习进度")
    assert "学完 0/2" in progress.text and "🔒 高级" in progress.text


async def test_forget_deletes_the_learner_after_a_confirmation(tg: Harness) -> None:
    await onboard(tg)
    await tg.say(ALICE, "/forget", "确定要删除")
    assert tg.learner_row(ALICE) != ()
    await tg.press(ALICE, "确定删除", "已全部删除")
    assert tg.learner_row(ALICE) == ()


async def test_mydata_sends_the_stored_data_as_a_document(tg: Harness) -> None:
    await onboard(tg)
    reply = await tg.say(ALICE, "/mydata", "我为您保存的")
    assert reply.method == "sendDocument" and "老王" in reply.text


async def test_everything_else_a_farmer_may_send_gets_a_sensible_reply(tg: Harness) -> None:
    await onboard(tg)
    before = len(tg.fake.to(ALICE))
    tg.fake.user_sends(
        ALICE,
        {
            "sticker": {
                "file_id": "s1",
                "file_unique_id": "s1",
                "width": 1,
                "height": 1,
                "is_animated": False,
                "is_video": False,
                "type": "regular",
            }
        },
    )
    await tg.fake.next_reply(ALICE, before, "收到")
    before = len(tg.fake.to(ALICE))
    tg.fake.user_sends(ALICE, {"location": {"latitude": 40.1, "longitude": 124.3}})
    await tg.fake.next_reply(ALICE, before, "不会保存")
    before = len(tg.fake.to(ALICE))
    tg.fake.user_sends(ALICE, {"photo": [{"file_id": "p1", "file_unique_id": "p1", "width": 9, "height": 9}]})
    await tg.fake.next_reply(ALICE, before, "照片")
    before = len(tg.fake.to(ALICE))
    tg.fake.user_sends(ALICE, {"voice": {"file_id": "v1", "file_unique_id": "v1", "duration": 2}})
    await tg.fake.next_reply(ALICE, before, "语音")
    before = len(tg.fake.to(ALICE))
    tg.fake.user_sends(ALICE, {"contact": {"phone_number": "123", "first_name": "张"}})
    await tg.fake.next_reply(ALICE, before, "名片")
    before = len(tg.fake.to(ALICE))
    tg.fake.user_edits(ALICE, "改过的字")
    await tg.fake.next_reply(ALICE, before, "新发的消息")
    before = len(tg.fake.to(ALICE))
    tg.fake.user_says(
        ALICE, "看看这个", forward_origin={"type": "hidden_user", "date": 1, "sender_user_name": "某人"}
    )
    await tg.fake.next_reply(ALICE, before, "转发")
    before = len(tg.fake.to(ALICE))
    await tg.say(ALICE, "🍎🍎🍎 123", "没看懂")
    await tg.say(ALICE, "随便打的字 asdf", "答不上来")
    await tg.say(ALICE, "啊" * 5000, "答不上来")
    # Nothing of the location or the contact was stored.
    stored = dump(tg.db_url)
    assert "124.3" not in stored and "phone" not in stored


async def test_in_a_group_the_bot_points_to_a_private_chat(tg: Harness) -> None:
    group_chat = -100 - ALICE
    quiet = tg.fake.user_says(ALICE, "大家好", chat_type="group")  # not addressed to the bot: silence
    asked = tg.fake.user_says(ALICE, "/start@FarmSkillsBot", chat_type="group")
    replies = await tg.fake.wait_for(group_chat, 1)
    await tg.handled(quiet, asked)
    assert len(tg.fake.to(group_chat)) == 1
    assert "私聊" in replies[0].text and replies[0].buttons[0][0]["url"].startswith(
        "https://t.me/FarmSkillsBot"
    )


def test_run_without_a_token_says_what_to_do_and_exits_2(tmp_path: Path) -> None:
    result = run_cli("run", env={"DATABASE_URL": database_for(tmp_path / "x.db")})
    assert result.returncode == 2
    assert "TELEGRAM_BOT_TOKEN is not set" in result.stderr and "BotFather" in result.stderr


async def test_run_with_a_token_telegram_rejects_exits_2(tmp_path: Path) -> None:
    fake = FakeTelegram()
    await fake.start()
    try:
        proc = await start_run_process(fake, "999:WRONG", tmp_path / "y.db")
        _out, err = await asyncio.wait_for(proc.communicate(), 60)
        assert proc.returncode == 2, err.decode()
        assert "rejected the token" in err.decode()
    finally:
        await fake.stop()


async def test_farmskills_run_polls_answers_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    import signal

    fake = FakeTelegram()
    await fake.start()
    db = tmp_path / "run.db"
    proc = await start_run_process(fake, TOKEN, db)
    try:
        fake.user_says(ALICE, "/start v-01")
        welcome = await fake.next_reply(ALICE, 0, "只保存", timeout=60)
        fake.user_presses(ALICE, welcome, "开始学习")
        await fake.next_reply(ALICE, 1, "怎么称呼")
        proc.send_signal(signal.SIGTERM)
        await asyncio.wait_for(proc.wait(), 30)
        assert proc.returncode == 0
        ((place, cohort),) = query(database_for(db), "SELECT place, cohort FROM learner")
        assert cohort == "v-01" and '"screen":"name"' in place
        if platform.libc_ver()[0] == "glibc":  # the start-up step that keeps a wave's memory down ran
            assert proc.stderr is not None
            assert "malloc arenas limited to 2" in (await proc.stderr.read()).decode()
    finally:
        if proc.returncode is None:
            proc.kill()
        await fake.stop()


# A valid 1x1 PNG, small enough for the weakest signal.
TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


async def test_a_step_with_a_picture_is_sent_as_a_photo_with_a_caption_and_reused_by_file_id(
    tmp_path: Path, content_root: Path
) -> None:
    import yaml

    (content_root / "content" / "media").mkdir(parents=True, exist_ok=True)
    (content_root / "content" / "media" / "shop.png").write_bytes(TINY_PNG)
    path = content_root / "lessons" / "shop" / "basic" / "01.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["steps"][0]["image"] = "shop.png"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    async with running(tmp_path, load_curriculum(content_root)) as tg:
        await onboard(tg)
        first = await open_first_lesson(tg)
        assert first.method == "sendPhoto" and first.text.startswith("📘")
        assert isinstance(first.params["photo"], dict), "the first time, the picture itself is uploaded"
        await tg.press(ALICE, "下一步", "（2/3）")
        again = await tg.press(ALICE, "上一步", "（1/3）")
        assert again.method == "sendPhoto"
        assert again.params["photo"] == f"photo-{first.message_id}"  # not uploaded a second time


async def test_an_unexpected_error_is_logged_and_the_learner_gets_a_kind_word(
    tg: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    await onboard(tg)
    assert tg.service is not None
    real = tg.service.handle_and_claim

    def broken(*args: object, **kwargs: object) -> object:
        raise RuntimeError("disk on fire")

    tg.service.handle_and_claim = broken  # type: ignore[method-assign,assignment]
    reply = await tg.say(ALICE, "/menu", "出了点问题")
    assert "没有记上" in reply.text and "之前学的都还在" in reply.text
    assert any("disk on fire" in str(r.exc_info) for r in caplog.records if r.exc_info)
    tg.service.handle_and_claim = real  # type: ignore[method-assign]
    await tg.say(ALICE, "/menu", "主页")


async def test_mydata_exports_where_the_learner_is_field_by_field(tg: Harness) -> None:
    await onboard(tg)
    await open_first_lesson(tg)
    reply = await tg.say(ALICE, "/mydata", "我为您保存的")
    exported = json.loads(reply.params["document"]["data"])
    place = exported["learner"]["place"]
    assert place["screen"] == "step" and place["lesson"] == "b-lesson-01" and "step" in place
