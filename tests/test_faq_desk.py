"""Questions in the chat: answered, offered as choices, or sent to a trainer who answers back."""

from __future__ import annotations

from sqlmodel import Session, select

from bot.app.service import LearningService
from bot.core.messages import Response
from bot.store.outbox import OutboxStore
from bot.store.tables import FaqQuestion
from tests.dialog import Learner

TRAINER = "900"


def questions(service: LearningService) -> list[FaqQuestion]:
    with Session(service.store.engine) as s:
        return list(s.exec(select(FaqQuestion).order_by(FaqQuestion.id)).all())  # type: ignore[arg-type]


def in_a_lesson(learner: Learner) -> str:
    """Onboard, open the first lesson and go one step in; returns the step's text."""
    learner.onboard()
    for label in ("选课程", "网上卖货", "基础", "第1课", "下一步"):
        learner.tap(label)
    return learner.text


def test_a_question_mid_lesson_is_answered_and_the_learner_goes_back_to_the_same_step(
    learner: Learner,
) -> None:
    step_text = in_a_lesson(learner)
    learner.say("开店的押金能退吗")
    assert "押金按平台规则可以退" in learner.text
    assert learner.labels()[0] == "↩️ 回到课程"
    learner.tap("回到课程")
    assert learner.text == step_text
    learner.tap("下一步")
    assert "第3步" in learner.text


def test_every_question_is_recorded_with_what_the_bot_decided(
    learner: Learner, service: LearningService
) -> None:
    in_a_lesson(learner)
    learner.say("开店的押金能退吗")
    learner.say("明天会下雨吗")
    rows = questions(service)
    assert [(q.text, q.decision) for q in rows] == [("开店的押金能退吗", "answer"), ("明天会下雨吗", "none")]
    assert rows[0].best_id == "shop-deposit" and rows[0].lesson_id == "b-lesson-01"


def test_an_answer_outside_a_lesson_offers_the_lesson_that_teaches_it(learner: Learner) -> None:
    learner.onboard()
    learner.say("保证金交多少钱")
    assert "📖" in learner.text
    learner.tap("去学这课")
    assert "b-lesson-01 第1步" in learner.text


def test_a_close_call_offers_numbered_choices_and_typing_a_number_picks_one(
    learner: Learner, service: LearningService
) -> None:
    learner.onboard()
    learner.say("无人机电池")
    assert "您问的是下面哪一个" in learner.text
    assert learner.labels()[-2:] == ["❌ 都不是", "🏠 主页"]  # and a way back, within four buttons
    offered = [b.action.removeprefix("faq:") for b in learner.buttons[:-2]]
    assert {"drone-battery", "drone-charge"} <= set(offered)
    learner.say(str(offered.index("drone-charge") + 1))
    assert "先凉一凉再充电" in learner.text
    assert questions(service)[-1].picked == "drone-charge"


def test_none_of_these_offers_to_ask_a_trainer(learner: Learner, service: LearningService) -> None:
    learner.onboard()
    learner.say("无人机电池")
    learner.tap("都不是")
    assert "答不上来" in learner.text
    assert questions(service)[-1].picked == "none"
    # The choices are gone: typing "1" now is not a choice any more.
    learner.say("1")
    assert "先凉一凉" not in learner.text


def test_a_question_the_bank_cannot_answer_is_said_kindly_and_never_guessed(learner: Learner) -> None:
    learner.onboard()
    learner.say("今天玉米多少钱一斤")
    assert "答不上来" in learner.text
    assert [b.label for b in learner.buttons] == ["✅ 发给老师", "🏠 主页"]


def telegram_people(service: LearningService) -> tuple[Learner, Learner]:
    service.staff.add_cohort("lijia", "李家村", TRAINER, service.clock())
    farmer = Learner(service, "501", channel="telegram")
    farmer.onboard("老李")
    farmer.command("start", "lijia")
    trainer = Learner(service, TRAINER, channel="telegram")
    trainer.onboard("张老师")
    return farmer, trainer


def delivered_to(response: Response, user: str) -> str:
    return "\n".join(d.message.text for d in response.deliveries if d.user_id == user)


def test_an_unknown_question_reaches_the_cohort_trainer_and_the_answer_reaches_the_learner(
    service: LearningService,
) -> None:
    farmer, trainer = telegram_people(service)
    farmer.say("合作社分红怎么算")
    farmer.tap("发给老师")
    assert "已经发给老师了" in farmer.text
    to_trainer = farmer.last.deliveries
    assert [d.user_id for d in to_trainer] == [TRAINER]
    assert "老李" in to_trainer[0].message.text and "李家村" in to_trainer[0].message.text
    assert "合作社分红怎么算" in to_trainer[0].message.text

    trainer.press(to_trainer[0].message.buttons()[0].action)
    assert "请输入给老李的回答" in trainer.text
    trainer.say("按入股的份数分，年底社员大会上公布。")
    assert "已经把回答发给老李了" in trainer.text
    assert "按入股的份数分" in delivered_to(trainer.last, "501")
    row = questions(service)[-1]
    assert row.handed_off_at is not None and row.answered_by == TRAINER
    assert row.answer == "按入股的份数分，年底社员大会上公布。"


def test_without_a_cohort_trainer_the_question_goes_to_the_admins(service: LearningService) -> None:
    service.staff.grant("700", "admin", service.clock())
    farmer = Learner(service, "502", channel="telegram")
    farmer.onboard()
    farmer.say("合作社分红怎么算")
    farmer.tap("发给老师")
    assert [d.user_id for d in farmer.last.deliveries] == ["700"]


def test_only_the_learners_trainer_or_an_admin_may_answer(service: LearningService) -> None:
    farmer, _trainer = telegram_people(service)
    farmer.say("合作社分红怎么算")
    farmer.tap("发给老师")
    reply_action = farmer.last.deliveries[0].message.buttons()[0].action
    stranger = Learner(service, "777", channel="telegram")
    stranger.onboard()
    stranger.press(reply_action)
    assert "不是您负责的学员" in stranger.text
    stranger.say("乱答一通")
    assert not stranger.last.deliveries
    assert questions(service)[-1].answer is None


def test_a_trainer_can_cancel_a_reply_and_their_next_message_is_ordinary(service: LearningService) -> None:
    farmer, trainer = telegram_people(service)
    farmer.say("合作社分红怎么算")
    farmer.tap("发给老师")
    trainer.press(farmer.last.deliveries[0].message.buttons()[0].action)
    trainer.tap("取消")
    trainer.say("无人机电池鼓包了")
    assert not trainer.last.deliveries
    assert "鼓包就别再用了" in trainer.text


def test_a_console_learners_question_waits_in_the_outbox_for_the_telegram_trainer(
    learner: Learner, service: LearningService
) -> None:
    service.staff.grant("700", "admin", service.clock())
    learner.onboard()
    learner.say("合作社分红怎么算")
    learner.tap("发给老师")
    owed = OutboxStore(service.store.engine).claim("telegram", "test", service.clock())
    assert [(o.channel, o.user_id) for o in owed] == [("telegram", "700")]
    assert "合作社分红怎么算" in owed[0].message.text


def test_forget_deletes_the_learners_questions(learner: Learner, service: LearningService) -> None:
    learner.onboard()
    learner.say("合作社分红怎么算")
    learner.command("forget")
    learner.tap("删除")
    assert questions(service) == []


def test_unanswered_questions_are_listed_most_frequent_first(service: LearningService) -> None:
    for user, question in (("1", "合作社分红怎么算"), ("2", "合作社分红 怎么算？"), ("3", "猪瘟怎么防")):
        farmer = Learner(service, user)
        farmer.onboard()
        farmer.say(question)
    farmer.say("开店的押金能退吗")  # answered: not listed
    listed = service.questions.unanswered()
    assert [(u.times, u.text) for u in listed] == [(2, "合作社分红 怎么算?"), (1, "猪瘟怎么防")]
