"""/report in the chat: admins see everything, a trainer only their own villages, and anyone
else is told kindly that it is not for them — with nothing about anyone shown."""

from __future__ import annotations

import csv
import io

from bot.app.service import LearningService
from bot.content.loader import Curriculum
from tests.dialog import Learner, finish_open_lesson, open_basic_lesson

TRAINER, OTHER_TRAINER, ADMIN = "900", "901", "700"


def two_villages(service: LearningService, curriculum: Curriculum) -> None:
    """李家村 (trainer 900) with a farmer who finished a lesson, 王庄 (trainer 901) with another."""
    now = service.clock()
    service.staff.add_cohort("lijia", "李家村", TRAINER, now)
    service.staff.add_cohort("wangzhuang", "王庄", OTHER_TRAINER, now)
    for user, code in (("501", "lijia"), ("601", "wangzhuang"), ("602", "wangzhuang")):
        farmer = Learner(service, user, channel="telegram")
        farmer.onboard()
        farmer.command("start", code)
        open_basic_lesson(farmer)
        finish_open_lesson(farmer, curriculum)


def person(service: LearningService, user: str, lang: str = "zh") -> Learner:
    someone = Learner(service, user, lang, channel="telegram")
    someone.onboard("张老师" if lang == "zh" else "Ms Zhang")
    return someone


def csv_cohorts(learner: Learner) -> set[str]:
    """The cohorts named in the CSV document the last reply carried."""
    [document] = [m.document for m in learner.last.messages if m.document is not None]
    assert document.filename.endswith(".csv") and document.mime == "text/csv"
    rows = list(csv.DictReader(io.StringIO(document.data.decode("utf-8-sig"))))
    return {r["value"] for r in rows if r["column"] == "cohort"}


def test_a_farmer_who_sends_report_is_refused_kindly_and_shown_nothing(
    service: LearningService, curriculum: Curriculum
) -> None:
    two_villages(service, curriculum)
    farmer = Learner(service, "501", channel="telegram")
    farmer.command("report")
    assert "给培训老师和管理员用的" in farmer.text
    assert all(m.picture is None and m.document is None for m in farmer.last.messages)
    assert farmer.labels() == ["🏠 主页"]
    farmer.press("report:csv")  # a forged button gets the same answer
    assert "给培训老师和管理员用的" in farmer.text and farmer.last.messages[0].document is None


def test_a_trainer_sees_a_summary_and_chart_of_their_own_village_only(
    service: LearningService, curriculum: Curriculum
) -> None:
    two_villages(service, curriculum)
    trainer = person(service, TRAINER)
    trainer.command("report")
    summary, chart = trainer.last.messages
    assert chart.picture is not None and chart.picture.data.startswith(b"\x89PNG")
    assert trainer.labels() == ["🌐 网页报告", "📄 表格", "🏠 主页"]
    assert "学员 1 人" in summary.text and "开始 1 → 学完一课 1" in summary.text  # 李家村 alone
    trainer.tap("表格")
    assert csv_cohorts(trainer) <= {"lijia", "(all)"} and "lijia" in csv_cohorts(trainer)
    trainer.command("report")
    trainer.tap("网页报告")
    [page] = [m.document for m in trainer.last.messages if m.document is not None]
    html = page.data.decode("utf-8")
    assert page.mime == "text/html" and "<svg" in html and "wangzhuang" not in html


def test_an_admin_sees_every_village(service: LearningService, curriculum: Curriculum) -> None:
    two_villages(service, curriculum)
    service.staff.grant(ADMIN, "admin", service.clock())
    person(service, TRAINER).command("report")
    admin = person(service, ADMIN, "en")
    admin.command("report")
    # Three farmers; the admin and 李家村's trainer talk to the bot too but are not learners.
    assert "3 learners" in admin.last.messages[0].text and "Started 3" in admin.last.messages[0].text
    assert admin.last.messages[1].picture is not None
    admin.tap("Spreadsheet")
    assert {"lijia", "wangzhuang"} <= csv_cohorts(admin)


def test_a_trainer_without_a_village_yet_is_told_how_to_get_one(
    service: LearningService, curriculum: Curriculum
) -> None:
    two_villages(service, curriculum)
    service.staff.grant("950", "trainer", service.clock())
    newcomer = person(service, "950")
    newcomer.command("report")
    assert "还没有负责的村" in newcomer.text and "cohorts add" in newcomer.text
    assert all(m.picture is None and m.document is None for m in newcomer.last.messages)
