"""The report's first screen, on the village of `test_reports_numbers` where every answer is known:
headline numbers against the period before, the income said honestly, villages side by side, the
funnel week by week, one line where two numbers differ, and words instead of codes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session

from bot.content.loader import Curriculum
from bot.reports.findings import cards, differences, empty_reason
from bot.reports.html import render_html
from bot.reports.model import Report
from bot.store.database import make_engine
from bot.store.tables import Outcome
from tests.databases import database_for
from tests.village import build_village, make, rows, t, village_content


def headline(report: Report) -> dict[str, tuple[object, ...]]:
    return {str(r[0]): r[1:] for r in rows(report, "headline")}


def test_without_a_period_the_headline_compares_the_last_four_weeks_with_the_four_before(
    report: Report,
) -> None:
    # Now is 2026-05-20 20:00 in Shanghai: the last 4 weeks start 04-22 20:00; Chen joined on 04-20.
    assert report.windows == ((date(2026, 4, 22), date(2026, 5, 20)), (date(2026, 3, 25), date(2026, 4, 22)))
    assert headline(report) == {
        "learners": (5, 4, 1, 3.0),  # everyone; joined recently 4, before 1: +300%
        "started": (4, 4, 1, 3.0),
        "completed_lesson": (2, 2, 1, 1.0),  # Chen's first lesson (04-20) was in the window before
        "applied": (2, 2, 0, None),  # nothing to compare with
        "outcome": (3, 3, 0, None),  # Bo's 50 yuan without a lesson counts: he reported a result
        "income": (950, 950, 0, None),
        "income_ranges": (0, 0, 0, None),
        "earners": (3, 3, 0, None),
    }


def test_with_a_period_the_headline_compares_it_with_the_same_length_just_before(
    village: tuple[Curriculum, str],
) -> None:
    week = make(village, since=date(2026, 5, 11), until=date(2026, 5, 17))
    assert week.windows == ((date(2026, 5, 11), date(2026, 5, 17)), (date(2026, 5, 4), date(2026, 5, 10)))
    assert headline(week) == {
        "learners": (4, 0, 2, -1.0),  # Dai joined after the period; Bo and Eve the week before
        "started": (1, 1, 2, -0.5),  # Chen's farm lesson; the week before, Bo and Eve
        "completed_lesson": (1, 1, 0, None),
        "applied": (1, 1, 0, None),
        "outcome": (1, 1, 1, 0.0),  # Bo this week, Alice the week before
        "income": (50, 50, 800, -0.938),
        "income_ranges": (0, 0, 0, None),
        "earners": (1, 1, 1, 0.0),
    }
    # The summary and the headline count the same people for the period.
    summary = dict(zip(week.table("summary").columns, rows(week, "summary")[-1], strict=True))
    assert (summary["learners"], summary["started"], summary["applied"], summary["outcomes"]) == (4, 1, 1, 1)


def test_income_from_range_buttons_is_said_apart_from_exact_amounts(tmp_path: Path) -> None:
    curriculum = village_content(tmp_path / "content")
    db_url = database_for(tmp_path / "village.db")
    build_village(db_url)
    engine = make_engine(db_url)
    with Session(engine) as s:  # Eve tapped the "100–200 yuan" button: stored as its middle
        s.add(Outcome(learner_id=5, lesson_id="b-lesson-01", value=150, unit="yuan", asked=True, exact=False,
                      at=t("05-19 03:00")))  # fmt: skip
        s.commit()
    engine.dispose()
    report = make((curriculum, db_url))
    assert headline(report)["income"][0] == 1100 and headline(report)["income_ranges"][0] == 150
    income = next(c for c in cards(report) if c.key == "income")
    assert income.value == "≈ ¥1,100"
    assert (
        income.detail
        == "from 4 learners; ¥950 exact, ¥150 estimated from range answers (each range's middle)"
    )


def test_villages_are_ranked_side_by_side_with_their_rates(report: Report) -> None:
    assert report.table("villages").columns[:5] == (
        "cohort",
        "learners",
        "started",
        "completed_lesson",
        "completion_rate",
    )
    # Fewer than 5 started everywhere in this small village: ranked by completion all the same.
    assert rows(report, "villages") == [
        ("east", 2, 2, 1, 0.5, 1, 1, 0.5, 850.0),
        ("west", 2, 2, 1, 0.5, 1, 1, 0.5, 100.0),
    ]


def test_the_funnel_week_by_week_counts_learners_at_each_stage(report: Report) -> None:
    assert rows(report, "stages_weekly") == [
        ("2026-04-20", 1, 1, 1, 0, 0.0),  # Chen started and finished two lessons, practised one
        ("2026-04-27", 1, 1, 1, 1, 100.0),  # Alice; Chen's 100 yuan
        ("2026-05-04", 2, 0, 0, 1, 800.0),  # Eve, and Bo on Sunday morning, started; Alice earned twice
        ("2026-05-11", 1, 1, 1, 1, 50.0),  # Chen's farm lesson; Bo's 50 yuan
        ("2026-05-18", 1, 0, 0, 1, 0.0),  # Alice opened a lesson; Chen's 2 mu is not yuan
    ]


def test_when_the_funnel_and_the_headline_differ_the_page_says_why_in_one_line(report: Report) -> None:
    # Three learners reported a result; the funnel's last stage has two (Bo never finished a lesson).
    assert differences(report) == [
        "“reported a result”: 3 learners in the period; the funnel counts the 2 of them who also did "
        "every earlier stage in the period (the others started before it, or skipped a stage)."
    ]
    assert differences(report)[0] in render_html(report)


def test_a_report_of_zeros_says_why(village: tuple[Curriculum, str]) -> None:
    assert empty_reason(make(village)) is None
    assert empty_reason(make(village, until=date(2026, 4, 1))) == "No learner had joined by 2026-04-01."
    assert empty_reason(make(village, since=date(2026, 5, 20))) == (
        "Of 5 learners, none started a lesson in this period."
    )


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_page_speaks_the_reports_language_with_percentages_and_titles(
    village: tuple[Curriculum, str], lang: str
) -> None:
    curriculum, db_url = village
    engine = make_engine(db_url)
    try:
        from bot.reports.build import build_report
        from bot.reports.model import ReportFilter
        from tests.village import NOW

        report = build_report(engine, curriculum, ReportFilter(), NOW, "Asia/Shanghai", lang)
    finally:
        engine.dispose()
    page = render_html(report)
    assert '<nav class="toc" id="toc">' in page and 'href="#table-funnel"' in page
    assert '<details class="rows">' in page  # tables folded under their charts
    lesson = curriculum.lessons["b-lesson-01"].title.get(lang)
    assert f"<td>{lesson}</td>" in page  # the lesson's title, not its id
    assert "<td>b-lesson-01</td>" not in page and "0.5</td>" not in page
    assert '<td class="num">50%</td>' in page  # completion as a percentage
    if lang == "zh":
        assert '<th scope="col">完成率</th>' in page and "<td>基础</td>" in page
        assert "completion_rate" not in page and "<td>basic</td>" not in page
