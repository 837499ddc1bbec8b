"""Gentle daily reminders: at the learner's hour, at most once a day, never at night, paused after
three ignored in a row, switched and re-timed with /reminders — and never sent twice."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from bot.app.service import LearningService, build_service
from bot.content.loader import Curriculum
from tests.conftest import Clock
from tests.dialog import Learner, open_basic_lesson

# The clock fixture starts on 2026-05-04 at 09:00 UTC, 17:00 in Shanghai.
SEVEN_PM_SHANGHAI = datetime(2026, 5, 4, 11, 0, tzinfo=UTC)


def began_a_lesson(learner: Learner) -> None:
    learner.onboard()
    open_basic_lesson(learner)
    learner.tap("下一步")


def test_a_reminder_comes_at_the_chosen_hour_with_one_button_to_continue(
    learner: Learner, service: LearningService, clock: Clock
) -> None:
    began_a_lesson(learner)
    clock.now = SEVEN_PM_SHANGHAI + timedelta(days=1) - timedelta(minutes=5)
    assert service.due_nudges() == []  # 18:55: not yet
    clock.now += timedelta(minutes=6)
    [reminder] = service.due_nudges()
    assert "今天学3分钟" in reminder.message.text and "第1课" in reminder.message.text
    assert [b.label for b in reminder.message.buttons()] == ["▶️ 继续学习"]
    clock.now += timedelta(hours=1)
    assert service.due_nudges() == []  # at most one a day


def test_the_sender_can_ask_whether_a_reminder_is_still_due_without_owing_it(
    learner: Learner, service: LearningService, clock: Clock
) -> None:
    began_a_lesson(learner)
    clock.now = SEVEN_PM_SHANGHAI + timedelta(days=1) + timedelta(minutes=1)
    assert service.due_nudges(limit=0) == []  # planned, none owed yet
    assert service.any_nudge_due() and service.any_nudge_due()  # asking owes nothing
    [_reminder] = service.due_nudges()
    assert not service.any_nudge_due()


def test_no_reminder_for_someone_who_already_studied_today_or_has_not_begun(
    learner: Learner,
    new_learner: Callable[..., Learner],
    service: LearningService,
    clock: Clock,
) -> None:
    began_a_lesson(learner)
    new_learner("2").onboard()  # never opened a lesson: nothing to remind about
    clock.now = SEVEN_PM_SHANGHAI + timedelta(days=1) - timedelta(hours=2)
    learner.tap("下一步")  # studied at 17:00
    clock.now += timedelta(hours=2, minutes=1)
    assert service.due_nudges() == []


def test_reminders_are_never_sent_at_night(learner: Learner, service: LearningService, clock: Clock) -> None:
    began_a_lesson(learner)
    clock.now = datetime(2026, 5, 5, 14, 0, tzinfo=UTC)  # 22:00 in Shanghai
    assert service.due_nudges() == []
    clock.now = datetime(2026, 5, 5, 22, 30, tzinfo=UTC)  # 06:30
    assert service.due_nudges() == []


def test_three_ignored_reminders_in_a_row_pause_them_and_say_so(
    learner: Learner, service: LearningService, clock: Clock
) -> None:
    began_a_lesson(learner)
    sent = []
    for day in range(1, 5):
        clock.now = SEVEN_PM_SHANGHAI + timedelta(days=day, minutes=1)
        sent += service.due_nudges()
    assert ["今天学3分钟" in d.message.text for d in sent] == [True, True, True, False]
    assert "先不提醒了" in sent[-1].message.text
    clock.now += timedelta(days=1)
    assert service.due_nudges() == []
    learner.command("reminders")
    assert "提醒关着" in learner.text


def test_studying_after_a_reminder_resets_the_count(
    learner: Learner, service: LearningService, clock: Clock
) -> None:
    began_a_lesson(learner)
    kinds = []
    for day in range(1, 6):
        clock.now = SEVEN_PM_SHANGHAI + timedelta(days=day, minutes=1)
        kinds += ["paused" if "先不提醒" in d.message.text else "nudge" for d in service.due_nudges()]
        if day == 2:
            clock.now += timedelta(minutes=30)
            learner.tap("下一步")  # answered the nudge
    assert kinds == ["nudge"] * 5


def test_reminders_can_be_switched_off_and_moved_to_the_morning(
    learner: Learner, service: LearningService, clock: Clock
) -> None:
    began_a_lesson(learner)
    learner.command("reminders")
    assert "每天晚上7点左右" in learner.text
    learner.tap("改时间")
    learner.tap("早上8点")
    assert "每天早上8点左右" in learner.text
    clock.now = datetime(2026, 5, 5, 0, 1, tzinfo=UTC)  # 08:01 in Shanghai
    assert len(service.due_nudges()) == 1
    learner.tap("关掉提醒")
    clock.now += timedelta(days=1)
    assert service.due_nudges() == []


def test_a_restart_or_a_second_bot_never_sends_the_same_reminder_twice(
    learner: Learner, service: LearningService, clock: Clock, curriculum: Curriculum, db_url: str
) -> None:
    began_a_lesson(learner)
    clock.now = SEVEN_PM_SHANGHAI + timedelta(days=1, minutes=1)
    second = build_service(curriculum, db_url, clock=clock)
    assert len(second.due_nudges() + service.due_nudges() + second.due_nudges()) == 1


def test_a_learner_in_xinjiang_picks_their_time_and_is_reminded_by_it(
    learner: Learner, new_learner: Callable[..., Learner], service: LearningService, clock: Clock
) -> None:
    began_a_lesson(learner)  # keeps Beijing time
    west = new_learner("2")
    began_a_lesson(west)
    west.command("reminders")
    assert "北京时间" in west.text
    west.tap("改时区")
    west.tap("新疆时间")
    assert "晚上7点左右（新疆时间）" in west.text
    # 19:00 in Xinjiang is 21:00 in Beijing: the Xinjiang learner is reminded, the other is not
    # woken at night (their own 19:00 reminder was missed the day before; it waits for tomorrow).
    clock.now = SEVEN_PM_SHANGHAI + timedelta(days=1, hours=2, minutes=1)
    sent = service.due_nudges()
    assert [d.user_id for d in sent] == ["2"]


def test_a_follow_up_is_timed_in_the_learners_own_zone(
    learner: Learner, service: LearningService, clock: Clock
) -> None:
    from bot.core.schedule import follow_up_time

    done = datetime(2026, 5, 4, 3, 0, tzinfo=UTC)
    # 10:00 in Xinjiang is 04:00 UTC, two hours after 10:00 in Beijing.
    assert follow_up_time(done, 3, "Asia/Urumqi") == datetime(2026, 5, 7, 4, 0, tzinfo=UTC)
    assert follow_up_time(done, 3, "Asia/Shanghai") == datetime(2026, 5, 7, 2, 0, tzinfo=UTC)


def test_the_servers_own_time_zone_does_not_shift_learners_days(
    monkeypatch: pytest.MonkeyPatch, learner: Learner, service: LearningService, clock: Clock
) -> None:
    """The database gives datetimes back without a zone; they are UTC whatever the server keeps."""
    import time as systime

    from bot.store.progress import days_in_a_row

    monkeypatch.setenv("TZ", "America/Los_Angeles")
    systime.tzset()
    try:
        # Studied at 23:30 Beijing time on the 4th and the 5th (15:30 UTC, stored without a zone).
        moments = [datetime(2026, 5, 4, 15, 30), datetime(2026, 5, 5, 15, 30)]
        assert days_in_a_row(moments, datetime(2026, 5, 5, 17, 0, tzinfo=UTC), "Asia/Shanghai") == 2
        # On the morning of the 7th the run is broken (read as Los Angeles time it would not be).
        assert days_in_a_row(moments, datetime(2026, 5, 7, 0, 30, tzinfo=UTC), "Asia/Shanghai") == 0
    finally:
        monkeypatch.undo()
        systime.tzset()
