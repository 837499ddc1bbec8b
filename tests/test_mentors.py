"""Local digital mentors: a learner who finishes a track's advanced lessons is invited to help
their village, a trainer confirms, and the mentor then gets the village's questions and a weekly
summary of its learning."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.app.service import LearningService
from bot.content.limits import keyboard_problems
from bot.content.loader import Curriculum
from bot.core.messages import Response
from bot.store.mentors import CONFIRMED
from tests.conftest import Clock
from tests.dialog import Learner, finish_open_lesson

TRAINER = "900"
OTHER_TRAINER = "901"


def finish_track(learner: Learner, curriculum: Curriculum) -> None:
    """Every lesson of the test track, basic to advanced, all answered right."""
    for tier in ("基础", "进阶", "高级"):
        for n in (1, 2):
            learner.command("menu")
            learner.tap("选课程")
            learner.tap("网上卖货")
            learner.tap(tier)
            learner.tap(f"第{n}课")
            finish_open_lesson(learner, curriculum)


def village(service: LearningService) -> tuple[Learner, Learner]:
    """李家村 with its trainer, and a farmer who joined it with the village's QR code."""
    service.staff.add_cohort("lijia", "李家村", TRAINER, service.clock())
    service.staff.add_cohort("wangzhuang", "王庄", OTHER_TRAINER, service.clock())
    trainer = Learner(service, TRAINER, channel="telegram")
    trainer.onboard("张老师")
    farmer = Learner(service, "501", channel="telegram")
    farmer.onboard("老李")
    farmer.command("start", "lijia")
    return farmer, trainer


def to(response: Response, user: str) -> list[str]:
    return [d.message.text for d in response.deliveries if d.user_id == user]


def confirmed_mentor(service: LearningService, curriculum: Curriculum) -> tuple[Learner, Learner]:
    farmer, trainer = village(service)
    finish_track(farmer, curriculum)
    farmer.tap("我愿意")
    [offer] = [d for d in farmer.last.deliveries if d.user_id == TRAINER]
    trainer.press(offer.message.buttons()[0].action)
    return farmer, trainer


def test_finishing_the_advanced_lessons_brings_an_invitation_and_the_trainer_confirms(
    service: LearningService, curriculum: Curriculum
) -> None:
    farmer, trainer = village(service)
    finish_track(farmer, curriculum)
    assert "全部高级课" in farmer.text and "李家村的数字导师" in farmer.text
    assert farmer.labels() == ["✅ 我愿意", "⏳ 以后再说"]

    farmer.tap("我愿意")
    assert "已经告诉培训老师" in farmer.text
    [offer] = to(farmer.last, TRAINER)
    assert "老李" in offer and "李家村" in offer and "网上卖货" in offer
    offer_buttons = farmer.last.deliveries[0].message.buttons()
    assert [b.label for b in offer_buttons] == ["✅ 同意", "✖️ 暂不"]

    trainer.press(offer_buttons[0].action)
    assert "老李现在是李家村的数字导师了" in trainer.text
    [told] = to(trainer.last, "501")
    assert "您现在是李家村的数字导师了" in told
    farmer_id = service.store.find("telegram", "501")
    assert farmer_id is not None and farmer_id.id is not None
    mentor = service.mentoring.mentors.get(farmer_id.id)
    assert mentor is not None and mentor.status == CONFIRMED and mentor.decided_by == TRAINER

    # The old button pressed again changes nothing and says so.
    trainer.press(offer_buttons[0].action)
    assert "已经处理过了" in trainer.text and trainer.last.deliveries == ()


def test_a_learner_outside_any_village_is_not_invited_and_told_how(
    learner: Learner, curriculum: Curriculum
) -> None:
    learner.onboard()
    finish_track(learner, curriculum)
    assert "数字导师" not in learner.text
    learner.command("mentor")
    assert "加入您村的学习小组" in learner.text


def test_not_now_is_respected_and_mentor_asks_again_later(
    service: LearningService, curriculum: Curriculum
) -> None:
    farmer, _ = village(service)
    finish_track(farmer, curriculum)
    farmer.tap("以后再说")
    assert "/mentor" in farmer.text
    farmer.press("mentor:yes")  # the old invitation's button: no longer open
    assert "已经办过了" in farmer.text and farmer.last.deliveries == ()
    farmer.command("mentor")
    assert farmer.labels() == ["✅ 我愿意", "⏳ 以后再说"]
    farmer.tap("我愿意")
    assert to(farmer.last, TRAINER)
    farmer.command("mentor")
    assert "等培训老师确认" in farmer.text


def test_a_villager_who_has_not_finished_is_told_what_it_takes(service: LearningService) -> None:
    farmer, _ = village(service)
    farmer.command("mentor")
    assert "学完一个方向" in farmer.text and "全部高级课" in farmer.text
    assert farmer.labels() == ["🏠 主页"]


def test_only_the_villages_trainer_or_an_admin_may_confirm(
    service: LearningService, curriculum: Curriculum
) -> None:
    farmer, _ = village(service)
    finish_track(farmer, curriculum)
    farmer.tap("我愿意")
    [offer] = [d for d in farmer.last.deliveries if d.user_id == TRAINER]
    stranger = Learner(service, OTHER_TRAINER, channel="telegram")
    stranger.onboard("王老师")
    stranger.press(offer.message.buttons()[0].action)
    assert "不在您负责的村里" in stranger.text and stranger.last.deliveries == ()
    service.staff.grant("700", "admin", service.clock())
    admin = Learner(service, "700", channel="telegram")
    admin.onboard("县农业局")
    admin.press(offer.message.buttons()[1].action)  # "not now"
    assert "暂不当导师" in admin.text
    assert "先不安排" in to(admin.last, "501")[0]


def test_a_mentor_receives_the_villages_questions_and_can_answer_them(
    service: LearningService, curriculum: Curriculum
) -> None:
    mentor, _ = confirmed_mentor(service, curriculum)
    neighbour = Learner(service, "502", channel="telegram")
    neighbour.onboard("王婶")
    neighbour.command("start", "lijia")
    neighbour.say("合作社分红怎么算")
    neighbour.tap("发给老师")
    assert sorted(d.user_id for d in neighbour.last.deliveries) == ["501", TRAINER]
    [question] = [d for d in neighbour.last.deliveries if d.user_id == "501"]
    assert "王婶" in question.message.text and "合作社分红怎么算" in question.message.text

    mentor.press(question.message.buttons()[0].action)
    assert "请输入给王婶的回答" in mentor.text
    mentor.say("按入股的份数分，年底开大会公布。")
    assert "按入股的份数分" in to(mentor.last, "502")[0]

    # The mentor's own question goes to the trainer, not back to themselves.
    mentor.say("村里的冷库怎么收费")
    mentor.tap("发给老师")
    assert [d.user_id for d in mentor.last.deliveries] == [TRAINER]


def test_a_mentor_of_another_village_may_not_answer(service: LearningService, curriculum: Curriculum) -> None:
    mentor, _ = confirmed_mentor(service, curriculum)
    outsider = Learner(service, "601", channel="telegram")
    outsider.onboard("赵叔")
    outsider.command("start", "wangzhuang")
    outsider.say("合作社分红怎么算")
    outsider.tap("发给老师")
    assert [d.user_id for d in outsider.last.deliveries] == [OTHER_TRAINER]
    asker = service.store.find("telegram", "601")
    assert asker is not None and asker.id is not None
    question = service.questions.latest(asker.id)
    assert question is not None
    mentor.press(f"reply:{question.id}")
    assert "不是您负责的学员" in mentor.text


def test_every_monday_a_mentor_gets_one_summary_of_last_week(
    service: LearningService, curriculum: Curriculum, clock: Clock
) -> None:
    # The clock starts on Monday 2026-05-04; the mentor is confirmed that day.
    confirmed_mentor(service, curriculum)
    neighbour = Learner(service, "502", channel="telegram")
    neighbour.onboard("王婶")
    neighbour.command("start", "lijia")
    clock.now = datetime(2026, 5, 6, 3, 0, tzinfo=UTC)  # Wednesday 11:00 in Beijing
    neighbour.command("menu")
    neighbour.tap("选课程")
    neighbour.tap("网上卖货")
    neighbour.tap("基础")
    neighbour.tap("第1课")
    finish_open_lesson(neighbour, curriculum)
    neighbour.command("income")
    neighbour.say("300元")

    def summaries() -> list[str]:
        return [
            d.message.text for d in service.due_nudges() if d.user_id == "501" and "小结" in d.message.text
        ]

    # The first Monday's summary covered the week before (nobody had joined): let it go out.
    assert len(summaries()) == 1
    clock.now = datetime(2026, 5, 11, 1, 59, tzinfo=UTC)  # Monday 09:59 in Beijing: not yet
    assert summaries() == []
    clock.now = datetime(2026, 5, 11, 2, 0, tzinfo=UTC)  # Monday 10:00
    [summary] = summaries()
    assert "李家村上周小结（5月4日—5月10日）" in summary
    assert "学员2人" in summary and "上周在学2人" in summary
    assert "学完1节课" not in summary  # the mentor finished six lessons on the Monday too
    assert "学完7节课" in summary
    assert "共300元" in summary
    clock.now += timedelta(days=2)
    assert summaries() == [], "one a week"


def test_mentor_buttons_keep_to_the_elder_friendly_limits(
    service: LearningService, curriculum: Curriculum
) -> None:
    farmer, _ = village(service)
    finish_track(farmer, curriculum)
    invitation = farmer.last.messages[-1]
    farmer.tap("我愿意")
    offer = farmer.last.deliveries[0].message
    for message in (invitation, offer):
        rows = [[b.label for b in row] for row in message.keyboard]
        assert keyboard_problems(rows) == []
