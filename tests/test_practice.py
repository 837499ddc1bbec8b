"""From a finished lesson to applying it, and from applying it to income — with a clock we move."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from bot.app.service import LearningService, build_service
from bot.content.loader import Curriculum
from bot.core.messages import Media
from bot.store.tables import Nudge, Outcome, PracticeReport
from tests.conftest import Clock
from tests.dialog import Learner, finish_open_lesson, open_basic_lesson


def finished_first_lesson(learner: Learner, curriculum: Curriculum) -> None:
    learner.onboard()
    open_basic_lesson(learner)
    finish_open_lesson(learner, curriculum)
    assert "学完了" in learner.text


def rows(service: LearningService, model: type) -> list:
    with Session(service.store.engine) as s:
        return list(s.exec(select(model)).all())


def test_a_finished_lesson_offers_done_or_later_for_its_practice_task(
    learner: Learner, curriculum: Curriculum
) -> None:
    finished_first_lesson(learner, curriculum)
    assert "实践任务" in learner.text
    assert learner.labels()[:2] == ["✅ 做完了", "⏰ 以后做"]


def test_done_with_a_photo_records_the_application_by_file_id_and_schedules_the_follow_up(
    learner: Learner, curriculum: Curriculum, service: LearningService, clock: Clock
) -> None:
    finished_first_lesson(learner, curriculum)
    learner.tap("做完了")
    assert "发一张照片" in learner.text
    learner._send(Media("photo", "AgACAgUAAx-photo-id"))
    assert "记下了" in learner.text and "7天后" in learner.text
    [report] = rows(service, PracticeReport)
    assert (report.lesson_id, report.status, report.evidence_kind, report.evidence) == (
        "b-lesson-01",
        "done",
        "photo",
        "AgACAgUAAx-photo-id",
    )
    [nudge] = rows(service, Nudge)
    # Seven days later at 10:00 in Shanghai (02:00 UTC), whatever time the task was done.
    assert nudge.due_at.astimezone(UTC) == datetime(2026, 5, 11, 2, 0, tzinfo=UTC)
    assert clock.now.date() == datetime(2026, 5, 4).date()


def test_words_are_taken_as_evidence_when_a_photo_is_asked_for(
    learner: Learner, curriculum: Curriculum, service: LearningService
) -> None:
    # A learner with no camera skills yet may tell what they did instead of showing it.
    finished_first_lesson(learner, curriculum)
    learner.tap("做完了")
    assert "照片" in learner.text
    learner.say("上架了两箱苹果")
    assert "记下了" in learner.text
    [report] = rows(service, PracticeReport)
    assert (report.status, report.evidence_kind, report.evidence) == ("done", "text", "上架了两箱苹果")


def test_skip_records_a_task_done_without_evidence(
    learner: Learner, curriculum: Curriculum, service: LearningService
) -> None:
    finished_first_lesson(learner, curriculum)
    learner.tap("做完了")
    learner.tap("跳过")
    assert "记下了" in learner.text
    [report] = rows(service, PracticeReport)
    assert (report.status, report.evidence_kind, report.evidence) == ("done", "none", None)


def test_a_task_put_off_stays_open_on_the_home_screen_until_done(
    learner: Learner, curriculum: Curriculum, service: LearningService
) -> None:
    finished_first_lesson(learner, curriculum)
    learner.tap("以后做")
    assert "任务先留着" in learner.text
    assert "还有任务没做" in learner.text and "📝 我的任务" in learner.labels()
    learner.command("menu")
    learner.tap("我的任务")
    learner.tap("做完了")
    learner.tap("跳过")
    learner.command("menu")
    assert "还有任务没做" not in learner.text
    assert [r.status for r in rows(service, PracticeReport)] == ["later", "done"]


def done_and_followed_up(
    learner: Learner, curriculum: Curriculum, service: LearningService, clock: Clock
) -> None:
    finished_first_lesson(learner, curriculum)
    learner.tap("做完了")
    learner.tap("跳过")
    clock.now = datetime(2026, 5, 11, 2, 30, tzinfo=UTC)  # 10:30 in Shanghai, a week later
    [delivery] = service.due_nudges()
    assert delivery.user_id == learner.who.user_id
    assert "7天前您学完了" in delivery.message.text and "收到几个订单" in delivery.message.text
    learner.last = learner.last.__class__((delivery.message,))
    learner.keyboards.append(delivery.message.buttons())


def test_the_follow_up_arrives_after_n_days_and_a_typed_answer_is_stored(
    learner: Learner, curriculum: Curriculum, service: LearningService, clock: Clock
) -> None:
    done_and_followed_up(learner, curriculum, service, clock)
    learner.say("三百块")
    assert "记下了：300元" in learner.text
    [outcome] = rows(service, Outcome)
    assert (outcome.lesson_id, outcome.value, outcome.unit, outcome.asked, outcome.exact) == (
        "b-lesson-01",
        300,
        "yuan",
        True,
        True,
    )
    [nudge] = rows(service, Nudge)
    assert nudge.answered_at is not None
    assert service.due_nudges() == []  # asked once only


def test_a_range_button_records_its_middle_marked_inexact(
    learner: Learner, curriculum: Curriculum, service: LearningService, clock: Clock
) -> None:
    done_and_followed_up(learner, curriculum, service, clock)
    learner.tap("✅ 有")
    learner.tap("5–20单")
    [outcome] = rows(service, Outcome)
    assert (outcome.value, outcome.unit, outcome.exact) == (12.5, "orders", False)


def test_an_unreadable_short_answer_is_asked_again_kindly(
    learner: Learner, curriculum: Curriculum, service: LearningService, clock: Clock
) -> None:
    done_and_followed_up(learner, curriculum, service, clock)
    learner.say("好几个")
    assert "没看出数字" in learner.text and len(learner.labels()) == 4 and "🏠 主页" in learner.labels()
    learner.say("12单")
    assert [o.value for o in rows(service, Outcome)] == [12]


def test_a_follow_up_never_arrives_at_night(
    learner: Learner, curriculum: Curriculum, service: LearningService, clock: Clock
) -> None:
    finished_first_lesson(learner, curriculum)
    learner.tap("做完了")
    learner.tap("跳过")
    clock.now = datetime(2026, 5, 11, 14, 0, tzinfo=UTC)  # 22:00 in Shanghai: due, but quiet hours
    assert service.due_nudges() == []
    clock.now += timedelta(hours=9)  # 07:00 the next morning
    assert len(service.due_nudges()) == 1


def test_two_bot_processes_never_send_the_same_follow_up_twice(
    learner: Learner, curriculum: Curriculum, service: LearningService, clock: Clock, db_url: str
) -> None:
    finished_first_lesson(learner, curriculum)
    learner.tap("做完了")
    learner.tap("跳过")
    clock.now = datetime(2026, 5, 11, 3, 0, tzinfo=UTC)
    second = build_service(curriculum, db_url, clock=clock)  # a restart, or a second worker
    sent = second.due_nudges() + service.due_nudges()
    assert len(sent) == 1


def test_income_can_be_reported_at_any_time(learner: Learner, service: LearningService) -> None:
    learner.onboard()
    learner.command("income")
    assert "多挣了多少钱" in learner.text
    learner.say("1.5万")
    assert "15000元" in learner.text
    [outcome] = rows(service, Outcome)
    assert (outcome.lesson_id, outcome.value, outcome.unit, outcome.asked) == (None, 15000, "yuan", False)
