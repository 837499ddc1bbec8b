"""Learner stories through the core: lessons, retries, unlocking, resuming, placement, bad input."""

from __future__ import annotations

from bot.app.service import build_service
from bot.content.loader import Curriculum
from bot.content.models import Tier
from tests.conftest import Clock
from tests.dialog import Learner, finish_open_lesson, open_basic_lesson, open_level_test


def test_a_new_learner_is_welcomed_told_what_is_stored_and_asked_their_name(
    learner: Learner,
) -> None:
    learner.command("start")
    assert "只保存" in learner.text and "/forget" in learner.text
    learner.tap("开始学习")
    assert "怎么称呼" in learner.text
    learner.say("老王")
    assert "老王" in learner.text and "主页" in learner.text


def test_a_learner_can_switch_to_english_before_starting(learner: Learner) -> None:
    learner.command("start")
    learner.tap("English")
    assert "Hello" in learner.text
    learner.tap("Start")
    learner.say("Li")
    assert "Li, what would you like to learn" in learner.text


def test_a_learner_completes_the_basic_tier_and_unlocks_intermediate(
    learner: Learner, curriculum: Curriculum
) -> None:
    learner.onboard()
    open_basic_lesson(learner)
    assert "（1/3）" in learner.text
    finish_open_lesson(learner, curriculum)
    assert "学完了" in learner.text and "实践任务" in learner.text
    learner.tap("下一课")
    finish_open_lesson(learner, curriculum)
    assert "“基础”全部学完，“进阶”已解锁" in learner.text
    learner.tap("主页")
    learner.tap("选课程")
    learner.tap("网上卖货")
    assert "🌿 进阶" in learner.labels() and "🔒 高级" in learner.labels()
    learner.tap("进阶")
    assert "第1课" in learner.text and "请选一课" in learner.text


def reach_first_question(learner: Learner) -> None:
    learner.onboard()
    open_basic_lesson(learner)
    for _ in range(3):
        learner.tap("下一步")
    assert "小测验 1/1" in learner.text


def test_a_learner_who_answers_wrong_sees_why_and_can_retry(learner: Learner, service) -> None:
    reach_first_question(learner)
    learner.tap("2️⃣")
    assert "不太对" in learner.text and "因为第一个是对的" in learner.text
    assert "1️⃣ 对" in learner.labels()  # the same question again
    learner.tap("1️⃣")
    assert "答对了" in learner.text and "学完了" in learner.text


def test_a_wrong_answer_does_not_unlock_or_complete_anything(learner: Learner, service) -> None:
    reach_first_question(learner)
    learner.tap("3️⃣")
    view = service.load(learner.who, service.clock())
    assert view.progress.completed == frozenset()


def test_a_locked_tier_offers_the_placement_test_which_can_place_a_learner_higher(
    learner: Learner,
) -> None:
    learner.onboard()
    learner.tap("选课程")
    learner.tap("网上卖货")
    learner.tap("高级")
    assert "还没解锁" in learner.text
    learner.tap("水平测试")
    for _ in range(6):  # basic and intermediate questions right, then the advanced ones wrong
        assert "水平测试" in learner.text
        learner.tap("2️⃣")  # the right answer in the test content
    for _ in range(3):
        learner.tap("1️⃣")
    assert "基础题：答对 3/3" in learner.text and "高级题：答对 0/3" in learner.text
    assert "建议从“高级”开始" in learner.text
    learner.tap("第1课")
    assert "a-lesson-01" in learner.text


def test_placement_with_wrong_answers_keeps_a_learner_at_basic(learner: Learner) -> None:
    learner.onboard()
    open_level_test(learner, "进阶")
    for _ in range(3):
        learner.tap("1️⃣")
    # The test stops after the first tier with a mistake: three taps, not nine.
    assert "基础题：答对 0/3" in learner.text and "从“基础”学起" in learner.text


def test_a_learner_resumes_exactly_where_they_were_after_a_restart(
    learner: Learner, curriculum: Curriculum, db_url: str, clock: Clock
) -> None:
    learner.onboard()
    open_basic_lesson(learner)
    learner.tap("下一步")
    assert "（2/3）" in learner.text
    # A new process: a fresh service over the same database file.
    restarted = Learner(build_service(curriculum, db_url, clock=clock))
    restarted.command("start")
    assert "（2/3）" in restarted.text
    restarted.tap("下一步")
    assert "（3/3）" in restarted.text


def test_after_more_than_a_day_away_a_learner_gets_a_one_line_recap(learner: Learner, clock: Clock) -> None:
    learner.onboard()
    open_basic_lesson(learner)
    learner.tap("下一步")
    clock.advance(days=3)
    learner.command("start")
    first = learner.last.messages[0].text
    assert "欢迎回来" in first and "第2步" in first and "\n" not in first
    assert "（2/3）" in learner.last.messages[1].text


def test_no_recap_after_a_short_break(learner: Learner, clock: Clock) -> None:
    learner.onboard()
    open_basic_lesson(learner)
    clock.advance(hours=5)
    learner.command("start")
    assert "欢迎回来" not in learner.text


def test_continue_takes_a_learner_back_to_their_open_lesson(learner: Learner) -> None:
    learner.onboard()
    open_basic_lesson(learner)
    learner.tap("下一步")
    learner.tap("主页")
    assert "接下来" in learner.text
    learner.tap("继续学习")
    assert "（2/3）" in learner.text


def test_a_double_tap_moves_only_one_step(learner: Learner) -> None:
    learner.onboard()
    open_basic_lesson(learner)
    next_button = learner.button("下一步")
    learner.press(next_button.action)
    learner.press(next_button.action)  # the same button again
    assert learner.last.notice and "（2/3）" in learner.text  # where they are, not silence
    learner.command("start")
    assert "（2/3）" in learner.text


def test_a_stale_button_from_an_old_message_cannot_skip_ahead(learner: Learner, service) -> None:
    learner.onboard()
    open_basic_lesson(learner)
    old_next = learner.button("下一步")
    learner.tap("下一步")
    learner.tap("上一步")
    learner.tap("下一步")
    learner.tap("下一步")  # now on step 3
    learner.press(old_next.action)  # a Next from step 1's message
    assert "以前的消息" in learner.text and "（3/3）" in learner.text


def test_a_forged_answer_cannot_complete_a_lesson_or_unlock_a_tier(learner: Learner, service) -> None:
    learner.onboard()
    open_basic_lesson(learner)
    learner.press("ans:b-lesson-01:0:0")  # the right answer, but the learner is still reading
    learner.press("les:a-lesson-01")  # an advanced lesson that is locked
    learner.press("tier:shop:advanced")
    view = service.load(learner.who, service.clock())
    assert view.progress.completed == frozenset()
    assert view.progress.unlocked.get("shop", Tier.basic) is Tier.basic
    assert "还没解锁" in learner.text


def test_a_choice_from_a_finished_lesson_is_answered_kindly_and_the_place_kept(
    learner: Learner, curriculum: Curriculum
) -> None:
    learner.onboard()
    open_basic_lesson(learner)
    finish_open_lesson(learner, curriculum)
    learner.tap("下一课")
    learner.press("ans:b-lesson-01:0:0")  # a quiz button from the finished lesson
    assert "以前的消息" in learner.text and "b-lesson-02 第1步" in learner.text


def test_unknown_text_numbers_emoji_and_huge_text_get_a_kind_reply_and_keep_the_place(
    learner: Learner,
) -> None:
    learner.onboard()
    open_basic_lesson(learner)
    learner.tap("下一步")
    for typed in ("asdfgh", "12345", "🍎🍎🍎", "啊" * 5000, "\x00\x07控制字符", ""):
        learner.say(typed)
        assert learner.last.messages, typed
        # Words go to the FAQ (which admits it doesn't know); digits or emoji alone are not a question.
        assert any(kind in learner.text for kind in ("没看懂", "答不上来", "（2/3）")), typed
    for typed in ("12345", "🍎🍎🍎", ""):
        learner.say(typed)
        assert "没看懂" in learner.text, typed
    learner.tap("回到刚才")
    assert "（2/3）" in learner.text


def test_typing_a_buttons_number_or_label_presses_it(learner: Learner) -> None:
    learner.onboard()
    learner.say("2")  # 📚 选课程 is the second button on the home screen
    assert "想学哪一门" in learner.text
    learner.say("网上卖货")
    assert "请选一个级别" in learner.text


def test_stickers_photos_and_locations_get_a_sensible_reply(learner: Learner) -> None:
    from bot.core.messages import Media

    learner.onboard()
    for kind, words in (
        ("sticker", "收到"),
        ("photo", "照片"),
        ("location", "不会保存"),
        ("voice", "语音"),
    ):
        learner._send(Media(kind))
        assert words in learner.text


def test_progress_shows_every_track_and_tier(learner: Learner, curriculum: Curriculum) -> None:
    learner.onboard()
    open_basic_lesson(learner)
    finish_open_lesson(learner, curriculum)
    learner.command("progress")
    assert "我的学习进度" in learner.text
    assert "🌱 基础：学完 1/2 课" in learner.text and "🔒 进阶" in learner.text


def test_a_learner_can_see_and_delete_their_data(learner: Learner, service) -> None:
    learner.onboard()
    learner.command("mydata")
    message = learner.last.messages[0]
    assert "老王" in message.text and message.document is not None
    assert b'"name": "\xe8\x80\x81\xe7\x8e\x8b"' in message.document.data
    learner.command("forget")
    learner.tap("确定删除")
    assert "已全部删除" in learner.text
    assert service.store.find("console", "1") is None
