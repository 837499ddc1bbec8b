"""Learner stories from the farmer's path, second pass: resuming the exact screen, old buttons that
answer, quizzes answered with buttons, the income cycle, the privacy notice, small things."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app.service import LearningService
from bot.content.loader import Curriculum
from tests.conftest import Clock
from tests.content_builder import build_content, lesson, write_yaml
from tests.dialog import Learner, finish_open_lesson, open_basic_lesson, open_level_test


@pytest.fixture
def content_root(tmp_path: Path) -> Path:
    """The small test content, with two check questions in the second basic lesson."""
    root = build_content(tmp_path / "content-root")
    write_yaml(root / "lessons" / "shop" / "basic" / "02.yaml", lesson("b-lesson-02", 2, questions=2))
    return root


def at_second_quick_check(learner: Learner) -> None:
    """The first basic lesson, given two check questions, answered up to check 2/2."""
    learner.onboard()
    open_basic_lesson(learner, 2)
    while "下一步" in " ".join(learner.labels()):
        learner.tap("下一步")
    learner.tap("1️⃣")
    assert "小测验 2/2" in learner.text


def test_a_learner_at_quick_check_2_of_2_who_goes_home_and_taps_continue_sees_check_2_again(
    learner: Learner,
) -> None:
    at_second_quick_check(learner)
    learner.command("menu")
    assert "🏠 主页" in learner.text
    learner.tap("继续学习")
    assert "小测验 2/2" in learner.text and "第3步" not in learner.text
    learner.tap("1️⃣")
    assert "答对了" in learner.text and "学完了" in learner.text


def test_resume_survives_a_detour_through_more_and_progress(learner: Learner) -> None:
    at_second_quick_check(learner)
    learner.tap("主页")
    learner.tap("更多")
    learner.tap("我的进度")
    learner.tap("继续学习")
    assert "小测验 2/2" in learner.text


def test_resume_brings_back_the_placement_test_and_the_evidence_prompt(
    learner: Learner, curriculum: Curriculum
) -> None:
    learner.onboard()
    open_level_test(learner, "高级")
    learner.tap("2️⃣")
    learner.command("menu")
    learner.tap("继续学习")
    assert "水平测试 第2题" in learner.text
    learner.command("menu")
    open_basic_lesson(learner)
    finish_open_lesson(learner, curriculum)
    learner.tap("做完了")
    assert "请发一张照片" in learner.text
    learner.tap("主页")
    learner.tap("继续学习")
    assert "请发一张照片" in learner.text and "⏭️ 跳过" in learner.labels()


def test_a_learner_who_taps_an_old_button_sees_their_current_screen_with_its_buttons(
    learner: Learner,
) -> None:
    learner.onboard()
    open_basic_lesson(learner)
    old_next = learner.button("下一步")
    learner.tap("下一步")
    learner.tap("下一步")  # now on step 3
    learner.press(old_next.action)
    assert learner.last.notice
    screen = learner.last.messages[-1]
    assert "（3/3）" in screen.text and screen.keyboard  # the screen itself, with its buttons
    learner.tap("下一步")
    assert "小测验 1/1" in learner.text


def test_a_repeated_tap_shows_the_current_screen_again_not_silence(learner: Learner) -> None:
    learner.onboard()
    learner.tap("选课程")
    tracks = learner.button("网上卖货")
    learner.press(tracks.action)
    learner.press(tracks.action)  # a double tap
    assert learner.last.messages and learner.last.messages[-1].keyboard
    assert "请选一个级别" in learner.text


def test_words_typed_at_a_quick_check_get_a_hint_to_tap_and_can_be_asked_anyway(
    learner: Learner, service: LearningService
) -> None:
    learner.onboard()
    open_basic_lesson(learner)
    for _ in range(3):
        learner.tap("下一步")
    learner.say("我不会")
    assert "请点下面题目里的按钮" in learner.text
    assert learner.labels() == ["❓ 就问这个", "↩️ 回到小测验"]
    learner.tap("回到小测验")
    assert "小测验 1/1" in learner.text
    learner.say("开店要交保证金吗")
    learner.tap("就问这个")
    assert "押金" in learner.text and "↩️ 回到课程" in learner.labels()
    learner.tap("回到课程")
    assert "小测验 1/1" in learner.text
    learner.say("1")  # typing an option's number still answers
    assert "答对了" in learner.text


def test_a_brand_new_learner_sees_start_not_continue(learner: Learner) -> None:
    learner.onboard()
    assert "▶️ 开始" in learner.labels() and "▶️ 继续学习" not in learner.labels()
    learner.tap("开始")
    assert "想学哪一门" in learner.text
    learner.tap("网上卖货")
    learner.tap("基础")
    learner.tap("第1课")
    learner.tap("主页")
    assert "▶️ 继续学习" in learner.labels()


def test_my_task_shows_the_task_without_celebrating_again(learner: Learner, curriculum: Curriculum) -> None:
    learner.onboard()
    open_basic_lesson(learner)
    finish_open_lesson(learner, curriculum)
    assert "学完了" in learner.text
    learner.tap("以后做")
    learner.tap("我的任务")
    assert "学完了" not in learner.text and "🎉" not in learner.text
    assert "实践任务" in learner.text and "✅ 做完了" in learner.labels()


def test_income_and_reminders_are_found_from_more_and_in_help(learner: Learner) -> None:
    learner.onboard()
    learner.tap("更多")
    assert "💰 报收入" in learner.labels() and "🏠 主页" in learner.labels()
    learner.tap("下一页")
    assert "⏰ 提醒" in learner.labels() and "↩️ 上一页" in learner.labels()
    learner.tap("提醒")
    assert "提醒开着" in learner.text
    learner.command("help")
    assert "/income" in learner.text and "/reminders" in learner.text


def test_every_range_button_shows_its_unit_and_none_yet_is_a_choice(
    learner: Learner, curriculum: Curriculum, service: LearningService, clock: Clock
) -> None:
    learner.onboard()
    learner.tap("更多")
    learner.tap("报收入")
    assert [label for label in learner.labels() if "元" in label] == learner.labels()[:3]
    assert learner.labels()[-1] == "🏠 主页"
    learner.tap("5百–2千元")
    assert "记下了：~1250元" in learner.text
    learner.tap("主页")
    # A follow-up: "none yet" first, then the ranges in the lesson's unit.
    open_basic_lesson(learner)
    finish_open_lesson(learner, curriculum)
    learner.tap("做完了")
    learner.tap("跳过")
    clock.now = datetime(2026, 5, 11, 2, 30, tzinfo=UTC)
    [delivery] = service.due_nudges()
    labels = [b.label for b in delivery.message.buttons()]
    assert labels == ["0️⃣ 还没有", "✅ 有", "🏠 主页"]
    learner.press(delivery.message.buttons()[1].action)
    assert learner.labels() == ["🔹 不到5单", "🔷 5–20单", "💎 超过20单", "🏠 主页"]


def test_none_yet_records_zero(
    learner: Learner, curriculum: Curriculum, service: LearningService, clock: Clock
) -> None:
    from bot.store.tables import Outcome

    learner.onboard()
    open_basic_lesson(learner)
    finish_open_lesson(learner, curriculum)
    learner.tap("做完了")
    learner.tap("跳过")
    clock.now = datetime(2026, 5, 11, 2, 30, tzinfo=UTC)
    [delivery] = service.due_nudges()
    learner.press(delivery.message.buttons()[0].action)
    assert "记下了：0单" in learner.text
    with service.store.session() as s:
        from sqlmodel import select

        [outcome] = s.exec(select(Outcome)).all()
    assert (outcome.value, outcome.exact) == (0, True)


def test_an_faq_answer_that_points_to_a_lesson_opens_it_even_mid_lesson(learner: Learner) -> None:
    learner.onboard()
    learner.tap("选课程")
    learner.tap("网上卖货")
    learner.tap("基础")
    learner.tap("第2课")
    learner.say("开店要交保证金吗")
    assert "课程《" in learner.text and "📖 去学这课" in learner.labels()
    assert "↩️ 回到课程" in learner.labels()
    learner.tap("去学这课")
    assert "b-lesson-01 第1步" in learner.text


def test_after_forget_there_is_a_button_to_begin_again(learner: Learner) -> None:
    learner.onboard()
    learner.command("forget")
    learner.tap("确定删除")
    assert "已全部删除" in learner.text and learner.labels() == ["🔄 重新开始"]
    learner.tap("重新开始")
    assert "只保存" in learner.text and "✅ 开始学习" in learner.labels()


def test_did_you_mean_choices_are_labelled_with_entry_titles_written_for_farmers() -> None:
    from bot.content.faq_bank import FaqBank
    from bot.content.loader import load_curriculum
    from bot.core.audit import SAMPLE_NAMES, _view
    from bot.core.engine import LessonEngine
    from bot.core.questions import QuestionDesk
    from bot.core.state import Place, Screen
    from bot.faq.matcher import FaqMatcher

    shipped = load_curriculum(Path(__file__).resolve().parents[1])
    engine = LessonEngine(shipped)
    desk = QuestionDesk(engine, FaqMatcher(FaqBank(())))
    desk.matcher.bank = shipped.faq
    for lang in SAMPLE_NAMES:
        view = _view(shipped, lang, Place(screen=Screen.menu))
        shown = desk.choices_message(view, ("live-what-to-say", "live-nervous"))
        labels = [b.label for b in shown.buttons()]
        expected = {"zh": ["1️⃣ 直播说什么", "2️⃣ 对镜头紧张"], "en": ["1️⃣ What to say", "2️⃣ Camera nerves"]}
        assert labels[:2] == expected[lang]
        assert "i dont know what to say on live" not in shown.text


def test_a_learner_back_after_days_at_home_is_told_where_they_left_off(
    learner: Learner, clock: Clock
) -> None:
    at_second_quick_check(learner)
    learner.tap("主页")
    clock.advance(days=3)
    learner.command("start")
    assert "欢迎回来" in learner.text and "小测验" in learner.text
    learner.tap("继续学习")
    assert "小测验 2/2" in learner.text
