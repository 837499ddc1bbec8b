"""The administrator report's numbers, checked table by table on a village where every answer is known.

The village is written row by row (as `bot/store/progress.py` writes them): five learners in two
cohorts (east, west) and one without a cohort, over three weeks of May 2026, on a content set with
two tracks: `shop` (two lessons per tier, three steps and one question each) and `farm` (one lesson
per tier; its basic lesson has four steps and two questions). Times are UTC; the learners live in
Asia/Shanghai (UTC+8). Each test reads like what an administrator asks of the report.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from bot.content.loader import Curriculum
from bot.reports import scope as report_scope
from bot.reports.build import UnknownTrack
from bot.reports.charts import CHARTS, chart_svg, chat_chart_png
from bot.reports.csv_out import render_csv
from bot.reports.html import render_html
from bot.reports.model import Report, Table
from bot.reports.text import render_text, short_summary
from bot.store.database import upgrade
from tests.databases import database_for
from tests.village import PEOPLE, make, rows


def test_an_administrator_sees_who_joined_started_and_stayed_active_in_each_cohort(report: Report) -> None:
    assert report.table("summary").columns == (
        "cohort", "learners", "started", "active_7d", "active_30d",
        "lessons_completed", "tiers_completed", "applied", "outcomes",
    )  # fmt: skip
    assert rows(report, "summary") == [
        ("(none)", 1, 0, 0, 0, 0, 0, 0, 0),
        ("east", 2, 2, 1, 2, 2, 1, 1, 2),
        ("west", 2, 2, 1, 2, 3, 2, 1, 1),
        ("(all)", 5, 4, 2, 4, 5, 3, 2, 3),
    ]


def test_completion_counts_who_finished_every_lesson_of_a_tier_and_in_how_many_days(report: Report) -> None:
    assert rows(report, "completion") == [
        ("east", "shop", "basic", 2, 0, 2, 1, 0.5, 2.0),  # Alice: 05-01 to 05-03; Bo stopped
        ("east", "shop", "intermediate", 1, 1, 1, 0, 0.0, None),
        ("west", "shop", "basic", 2, 0, 2, 1, 0.5, 5.0),  # Chen: 04-20 to 04-25; Eve stopped
        ("west", "farm", "basic", 1, 1, 1, 1, 1.0, 0.0),  # half an hour
        ("(all)", "shop", "basic", 4, 0, 4, 2, 0.5, 3.5),  # median of 2 and 5 days
        ("(all)", "shop", "intermediate", 1, 1, 1, 0, 0.0, None),
        ("(all)", "shop", "advanced", 0, 0, 0, 0, 0.0, None),
        ("(all)", "farm", "basic", 1, 1, 1, 1, 1.0, 0.0),
        ("(all)", "farm", "intermediate", 0, 0, 0, 0, 0.0, None),
        ("(all)", "farm", "advanced", 0, 0, 0, 0, 0.0, None),
    ]


def test_dropoff_shows_the_step_where_learners_stopped_even_after_going_back(report: Report) -> None:
    assert rows(report, "dropoff") == [
        ("shop", "basic", "b-lesson-01", "Lesson b-lesson-01", 1, 4, 1, 0.25),  # Eve
        (
            "shop",
            "basic",
            "b-lesson-01",
            "Lesson b-lesson-01",
            2,
            3,
            1,
            0.333,
        ),  # Bo saw step 2, then went back
        ("shop", "basic", "b-lesson-01", "Lesson b-lesson-01", 3, 2, 0, 0.0),
        ("shop", "basic", "b-lesson-02", "Lesson b-lesson-02", 1, 2, 0, 0.0),
        ("shop", "basic", "b-lesson-02", "Lesson b-lesson-02", 2, 2, 0, 0.0),
        ("shop", "basic", "b-lesson-02", "Lesson b-lesson-02", 3, 2, 0, 0.0),
        ("shop", "intermediate", "i-lesson-01", "Lesson i-lesson-01", 1, 1, 1, 1.0),
        ("shop", "intermediate", "i-lesson-01", "Lesson i-lesson-01", 2, 0, 0, 0.0),
        ("shop", "intermediate", "i-lesson-01", "Lesson i-lesson-01", 3, 0, 0, 0.0),
        ("farm", "basic", "fb-lesson-01", "Lesson fb-lesson-01", 1, 1, 0, 0.0),
        ("farm", "basic", "fb-lesson-01", "Lesson fb-lesson-01", 2, 1, 0, 0.0),
        ("farm", "basic", "fb-lesson-01", "Lesson fb-lesson-01", 3, 1, 0, 0.0),
        ("farm", "basic", "fb-lesson-01", "Lesson fb-lesson-01", 4, 1, 0, 0.0),
    ]


def test_check_questions_put_the_one_most_learners_got_wrong_first_time_at_the_top(report: Report) -> None:
    assert rows(report, "check_questions") == [
        ("fb-lesson-01", 2, "fb-lesson-01 question 2?", 1, 0, 0.0),
        ("b-lesson-01", 1, "b-lesson-01 question 1?", 2, 1, 0.5),  # Alice wrong first, Chen right
        ("b-lesson-02", 1, "b-lesson-02 question 1?", 2, 1, 0.5),  # Chen wrong twice, Alice right
        ("fb-lesson-01", 1, "fb-lesson-01 question 1?", 1, 1, 1.0),
    ]


def test_faq_counts_what_the_bot_answered_and_what_went_to_a_person(report: Report) -> None:
    assert rows(report, "faq") == [
        ("(none)", 1, 0, 0, 1, 0, 0, 0),
        ("east", 3, 1, 1, 1, 1, 1, 1),
        ("(all)", 4, 1, 1, 2, 1, 1, 1),
    ]


def test_questions_the_bot_could_not_answer_are_grouped_by_their_words(report: Report) -> None:
    assert rows(report, "faq_unanswered") == [
        ("where is my parcel?", 2, "2026-05-12", 1, 1),
        ("how to open a shop?", 1, "2026-05-19", 0, 0),  # Alice's was answered: not here
    ]


def test_an_administrator_sees_how_many_learners_applied_what_they_learnt(report: Report) -> None:
    assert rows(report, "funnel") == [
        ("east", "shop", 2, 1, 1, 1),
        ("east", "(all)", 2, 1, 1, 1),
        ("west", "shop", 2, 1, 1, 1),
        ("west", "farm", 1, 1, 1, 1),
        ("west", "(all)", 2, 1, 1, 1),
        ("(all)", "shop", 4, 2, 2, 2),
        ("(all)", "farm", 1, 1, 1, 1),
        ("(all)", "(all)", 4, 2, 2, 2),
    ]
    for _, _, started, completed, applied, outcome in rows(report, "funnel"):
        assert started >= completed >= applied >= outcome  # type: ignore[operator]


def test_outcomes_add_up_income_by_cohort_track_and_unit_with_medians(report: Report) -> None:
    assert rows(report, "outcomes") == [
        ("east", "shop", "yuan", 2, 1, 800.0, 400.0, 1, 1),
        ("east", "(none)", "yuan", 1, 1, 50.0, 50.0, 0, 1),  # told unasked, no lesson
        ("east", "(all)", "yuan", 3, 2, 850.0, 300.0, 1, 2),
        ("west", "shop", "yuan", 1, 1, 100.0, 100.0, 1, 0),
        ("west", "farm", "mu", 1, 1, 2.0, 2.0, 1, 0),
        ("west", "(all)", "mu", 1, 1, 2.0, 2.0, 1, 0),
        ("west", "(all)", "yuan", 1, 1, 100.0, 100.0, 1, 0),
        ("(all)", "shop", "yuan", 3, 2, 900.0, 300.0, 2, 1),
        ("(all)", "farm", "mu", 1, 1, 2.0, 2.0, 1, 0),
        ("(all)", "(none)", "yuan", 1, 1, 50.0, 50.0, 0, 1),
        ("(all)", "(all)", "mu", 1, 1, 2.0, 2.0, 1, 0),
        ("(all)", "(all)", "yuan", 4, 3, 950.0, 200.0, 2, 2),  # median of 50, 100, 300, 500
    ]


def test_week_by_week_counts_in_local_weeks_starting_on_monday(report: Report) -> None:
    assert rows(report, "weekly") == [
        ("2026-04-20", "west", 1, 1, 2, 1, 0),
        ("2026-04-20", "(all)", 1, 1, 2, 1, 0),
        ("2026-04-27", "east", 1, 1, 2, 1, 0),
        ("2026-04-27", "west", 0, 0, 0, 0, 1),
        ("2026-04-27", "(all)", 1, 1, 2, 1, 1),
        # Alice's step at Sunday 16:30 UTC is Monday 00:30 in Shanghai: active this week.
        ("2026-05-04", "east", 1, 2, 0, 0, 2),
        ("2026-05-04", "west", 1, 1, 0, 0, 0),
        ("2026-05-04", "(all)", 2, 3, 0, 0, 2),
        ("2026-05-11", "east", 0, 0, 0, 0, 1),
        ("2026-05-11", "west", 0, 1, 1, 1, 0),
        ("2026-05-11", "(all)", 0, 1, 1, 1, 1),
        ("2026-05-18", "(none)", 1, 0, 0, 0, 0),
        ("2026-05-18", "east", 0, 1, 0, 0, 0),
        ("2026-05-18", "west", 0, 0, 0, 0, 1),
        ("2026-05-18", "(all)", 1, 1, 0, 0, 1),
    ]


def test_a_named_export_lists_each_learner_with_what_they_did(village: tuple[Curriculum, str]) -> None:
    named = make(village, named=True)
    assert rows(named, "learners") == [
        ("Dai Xiaoming", "900000004", "telegram", "(none)", 0, 0, 0, "2026-05-19"),
        ("Alice Wang", "900000001", "telegram", "east", 2, 1, 2, "2026-05-18"),
        ("Bo Li", "900000002", "telegram", "east", 0, 0, 1, "2026-05-12"),
        ("Chen Jing", "900000003", "telegram", "west", 3, 2, 2, "2026-05-19"),
        ("Eve Zhang", "900000005", "telegram", "west", 0, 0, 0, "2026-05-05"),
    ]
    assert [t.key for t in named.tables][:-1] == [t.key for t in make(village).tables]


# ----- filters ------------------------------------------------------------------------------------


def test_a_trainer_scoped_to_one_cohort_sees_only_that_cohort(village: tuple[Curriculum, str]) -> None:
    west = make(village, cohorts=("west",))
    assert rows(west, "summary") == [("west", 2, 2, 1, 2, 3, 2, 1, 1), ("(all)", 2, 2, 1, 2, 3, 2, 1, 1)]
    assert rows(west, "faq") == [("(all)", 0, 0, 0, 0, 0, 0, 0)]
    assert rows(west, "faq_unanswered") == []
    assert rows(west, "funnel")[-3:] == [
        ("(all)", "shop", 2, 1, 1, 1),
        ("(all)", "farm", 1, 1, 1, 1),
        ("(all)", "(all)", 2, 1, 1, 1),
    ]
    for table in west.tables:
        if "cohort" in table.columns:
            assert set(table.column("cohort")) <= {"west", "(all)"}, table.key
    both = make(village, cohorts=("east", "(none)"))
    assert [r[0] for r in rows(both, "summary")] == ["(none)", "east", "(all)"]
    assert rows(both, "summary")[-1] == ("(all)", 3, 2, 1, 2, 2, 1, 1, 2)


def test_since_and_until_keep_to_local_dates_both_ends_included(village: tuple[Curriculum, str]) -> None:
    # 2026-05-04 00:00 to 2026-05-17 24:00 in Shanghai: 05-03 16:00 to 05-17 16:00 UTC.
    window = make(village, since=date(2026, 5, 4), until=date(2026, 5, 17))
    assert rows(window, "summary") == [
        ("east", 2, 1, 0, 2, 0, 0, 0, 2),  # Dai joined after; Alice only stepped and earned
        ("west", 2, 2, 1, 2, 1, 1, 1, 0),
        ("(all)", 4, 3, 1, 4, 1, 1, 1, 2),
    ]
    assert [r[0] for r in rows(window, "weekly")] == ["2026-05-04"] * 3 + ["2026-05-11"] * 3
    assert rows(window, "weekly") == [
        r for r in rows(make(village), "weekly") if r[0] in ("2026-05-04", "2026-05-11")
    ]
    assert rows(window, "check_questions") == [
        ("fb-lesson-01", 2, "fb-lesson-01 question 2?", 1, 0, 0.0),
        ("fb-lesson-01", 1, "fb-lesson-01 question 1?", 1, 1, 1.0),
    ]
    assert rows(window, "faq") == [("east", 2, 0, 1, 1, 1, 1, 1), ("(all)", 2, 0, 1, 1, 1, 1, 1)]
    assert [(r[2], r[4], r[5], r[6]) for r in rows(window, "dropoff")] == [
        ("b-lesson-01", 1, 2, 1),  # Bo and Eve started in the window
        ("b-lesson-01", 2, 1, 1),
        ("b-lesson-01", 3, 0, 0),
        ("fb-lesson-01", 1, 1, 0),
        ("fb-lesson-01", 2, 1, 0),
        ("fb-lesson-01", 3, 1, 0),
        ("fb-lesson-01", 4, 1, 0),
    ]
    one_day = make(village, since=date(2026, 5, 4), until=date(2026, 5, 4))
    assert rows(one_day, "weekly") == [
        ("2026-05-04", "east", 0, 1, 0, 0, 0),
        ("2026-05-04", "(all)", 0, 1, 0, 0, 0),
    ]


def test_a_track_filter_keeps_to_its_lessons_but_not_to_the_faq(village: tuple[Curriculum, str]) -> None:
    farm = make(village, track="farm")
    assert {r[1] for r in rows(farm, "completion")} == {"farm"}
    assert {r[2] for r in rows(farm, "dropoff")} == {"fb-lesson-01"}
    assert rows(farm, "funnel") == [
        ("west", "farm", 1, 1, 1, 1),
        ("west", "(all)", 1, 1, 1, 1),
        ("(all)", "farm", 1, 1, 1, 1),
        ("(all)", "(all)", 1, 1, 1, 1),
    ]
    assert [r[:3] for r in rows(farm, "outcomes")] == [
        ("west", "farm", "mu"), ("west", "(all)", "mu"), ("(all)", "farm", "mu"), ("(all)", "(all)", "mu"),
    ]  # fmt: skip
    assert rows(farm, "summary")[-1] == ("(all)", 5, 1, 1, 1, 1, 1, 1, 1)
    assert rows(farm, "faq") == rows(make(village), "faq")
    assert "track filter" in farm.table("faq").note
    with pytest.raises(UnknownTrack):
        make(village, track="fishing")


@pytest.mark.parametrize(("few_learners", "events_by_time"), [(True, False), (False, True), (False, False)])
def test_the_numbers_do_not_depend_on_how_the_database_reaches_the_rows(
    village: tuple[Curriculum, str], monkeypatch: pytest.MonkeyPatch, few_learners: bool, events_by_time: bool
) -> None:
    """A trainer's few learners are read learner by learner, a short period by time, the rest by
    scanning; each way must give the same report."""
    filters: list[dict[str, Any]] = [
        {},
        {"cohorts": ("west",)},
        {"cohorts": ("east", "(none)"), "track": "shop"},
        {"since": date(2026, 5, 4), "until": date(2026, 5, 17)},
        {"since": date(2026, 5, 11), "cohorts": ("west",), "named": True},
    ]
    expected = [make(village, **f).tables for f in filters]

    def forced(conn: object, scope: Any) -> Any:
        return dataclasses.replace(scope, few_learners=few_learners, events_by_time=events_by_time)

    monkeypatch.setattr(report_scope, "choose_paths", forced)
    for flt, tables in zip(filters, expected, strict=True):
        assert make(village, **flt).tables == tables, flt


# ----- privacy and the files ----------------------------------------------------------------------


def _identifiers() -> list[str]:
    return [part for name, user_id in PEOPLE.values() for part in (name, user_id)]


def test_without_named_no_name_or_user_id_appears_in_text_csv_or_html(
    village: tuple[Curriculum, str],
) -> None:
    plain = make(village)
    outputs = {
        "text": render_text(plain),
        "csv": render_csv(plain).decode("utf-8-sig"),
        "html": render_html(plain),
    }
    for kind, output in outputs.items():
        for identifier in _identifiers():
            assert identifier not in output, (kind, identifier)
    named = make(village, named=True)
    for output in (render_text(named), render_csv(named).decode("utf-8-sig"), render_html(named)):
        for identifier in _identifiers():
            assert identifier in output


def test_a_learners_own_words_are_escaped_in_the_html_page(report: Report) -> None:
    typed = '<script>alert("hi")</script> & <img src=x>'
    unanswered = Table("faq_unanswered", "Unanswered", ("question", "times"), ((typed, 1),))
    tables = tuple(unanswered if t.key == "faq_unanswered" else t for t in report.tables)
    page = render_html(dataclasses.replace(report, tables=tables))
    assert "<script>" not in page and "<img src=x>" not in page
    assert "&lt;script&gt;alert(&#34;hi&#34;)&lt;/script&gt; &amp; &lt;img src=x&gt;" in page


def test_the_csv_reads_back_into_the_same_tables(report: Report) -> None:
    data = render_csv(report)
    assert data.startswith(b"\xef\xbb\xbf")  # a byte-order mark, for Excel
    lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert lines[0] == ["table", "row", "column", "value"]
    cells: dict[str, dict[int, dict[str, str]]] = {}
    for key, row, column, value in lines[1:]:
        cells.setdefault(key, {}).setdefault(int(row), {})[column] = value
    assert cells["_report"][1]["timezone"] == "Asia/Shanghai"
    for table in report.tables:
        expected = [
            {c: "" if v is None else str(v) for c, v in zip(table.columns, r, strict=True)}
            for r in table.rows
        ]
        got = [cells.get(table.key, {})[n] for n in sorted(cells.get(table.key, {}))]
        assert got == expected, table.key


def test_the_text_report_aligns_columns_and_says_it_holds_no_names(report: Report) -> None:
    text = render_text(report)
    assert "No names or user ids in this report." in text
    lines = text.splitlines()
    title = lines.index("Summary by cohort")
    header = next(i for i in range(title, len(lines)) if lines[i].startswith("village "))
    assert lines[header].split()[:3] == ["village", "learners", "started"]  # words, not column keys
    assert lines[header + 2].split() == ["no", "village", "1", "0", "0", "0", "0", "0", "0", "0"]
    assert len(lines[header + 2]) == len(lines[header])  # numbers right-aligned under their names
    for table in report.tables:
        assert table.title in text or table.key == "headline"  # the headline is the lines on top
    assert "Income reported (yuan): ≈ ¥950" in text


def test_an_empty_database_gives_a_report_of_zeros(tmp_path: Path, village: tuple[Curriculum, str]) -> None:
    curriculum, _ = village
    db_url = database_for(tmp_path / "empty.db")
    upgrade(db_url)
    empty = make((curriculum, db_url))
    assert rows(empty, "summary") == [("(all)", 0, 0, 0, 0, 0, 0, 0, 0)]
    assert rows(empty, "funnel") == [
        ("(all)", "shop", 0, 0, 0, 0),
        ("(all)", "farm", 0, 0, 0, 0),
        ("(all)", "(all)", 0, 0, 0, 0),
    ]
    assert len(rows(empty, "completion")) == 6
    for key in ("dropoff", "check_questions", "faq_unanswered", "outcomes", "weekly"):
        assert rows(empty, key) == [], key
    assert "0" in short_summary(empty, "en")
    assert render_html(empty).count("<svg") == len(CHARTS)
    assert "The database has no learners yet." in render_html(empty)
    assert render_csv(empty).startswith(b"\xef\xbb\xbf")


# ----- the chat summary and charts ----------------------------------------------------------------


def test_the_chat_summary_fits_in_ten_short_lines_in_either_language(report: Report) -> None:
    for lang in ("zh", "en"):
        summary = short_summary(report, lang)
        lines = summary.splitlines()
        assert len(lines) <= 10
        assert all(len(line) <= 80 for line in lines), lines
    en = short_summary(report, "en")
    assert "5 learners, 2 active in the last 7 days" in en
    assert "Started 4 → finished a lesson 2 → applied 2 → outcome 2" in en
    assert "950 yuan (3 learners)" in en
    assert "Tier completion 50% (3/6)" in en
    zh = short_summary(report, "zh")
    assert "学员 5 人" in zh and "950 元" in zh


def test_the_chat_chart_is_one_small_png(report: Report) -> None:
    png = chat_chart_png(report, "zh")
    assert png.startswith(b"\x89PNG")
    assert len(png) <= 200 * 1024
    with Image.open(io.BytesIO(png)) as image:
        assert image.width <= 1280
        assert image.height >= 300
        colours = image.convert("RGB").getcolors(maxcolors=1_000_000)
        assert colours is not None and len(colours) > 10  # not blank


def test_each_chart_is_an_svg_that_scales_to_its_box(report: Report) -> None:
    for kind in CHARTS:
        svg = chart_svg(report, kind)
        head = svg[: svg.index(">")]
        assert head.startswith("<svg")
        assert f'id="chart-{kind}"' in head
        assert 'width="100%"' in head and "viewBox=" in head and "height=" not in head
        assert "<?xml" not in svg and "<!--" not in svg


def test_villages_are_listed_and_shown_by_their_names_as_well_as_their_codes(report: Report) -> None:
    assert report.table("cohorts").columns == ("cohort", "name", "learners")
    assert rows(report, "cohorts") == [("(none)", "", 1), ("east", "东村", 2), ("west", "", 2)]
    assert report.cohort_label("east") == "东村 (east)" and report.cohort_label("west") == "west"
    page = render_html(report)
    # People read the village's name; its code stays in the table that pairs them (and the CSV).
    assert "<td>东村</td>" in page and '<td>east</td><td class="text">东村</td>' in page
    assert "<td>西村</td>" not in page and "<td>west</td>" in page
    summary_text = render_text(report)
    assert "东村" in summary_text
    # The CSV keeps the codes in every table; the `cohorts` table pairs them with the names.
    assert ("east", "东村", 2) in rows(report, "cohorts") and ("east", 2, 2, 1, 2, 2, 1, 1, 2) in rows(
        report, "summary"
    )
