"""`farmskills report` from the command line: files an administrator can open, and kind one-line
errors (exit 2) for a date, track or format it cannot use."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli.app import app
from bot.reports.charts import CHARTS
from tests.databases import database_for
from tests.village import PEOPLE, build_village, village_content


@pytest.fixture
def village_args(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.setenv("FARMSKILLS_TIMEZONE", "Asia/Shanghai")
    village_content(tmp_path / "content")
    db_url = database_for(tmp_path / "village.db")
    build_village(db_url)
    return ["--db", db_url, "--content", str(tmp_path / "content"), "--lang", "en"]


def test_an_administrator_exports_the_report_as_one_csv_file(village_args: list[str], tmp_path: Path) -> None:
    out = tmp_path / "report.csv"
    result = CliRunner().invoke(app, ["report", "--format", "csv", "--out", str(out), *village_args])
    assert result.exit_code == 0, result.output
    assert f"csv report written to {out}" in result.output
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    records = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    summary = {r["column"]: r["value"] for r in records if r["table"] == "summary" and r["row"] == "4"}
    assert summary["cohort"] == "(all)"
    assert (summary["learners"], summary["started"], summary["lessons_completed"]) == ("5", "4", "5")
    assert {r["table"] for r in records} >= {"_report", "summary", "funnel", "outcomes", "weekly"}
    assert not any(name in data.decode("utf-8-sig") for name, _ in PEOPLE.values())


def test_a_cohort_and_period_filter_and_named_export_from_the_command_line(
    village_args: list[str], tmp_path: Path
) -> None:
    out = tmp_path / "west.csv"
    args = ["report", "--format", "csv", "--out", str(out), "--cohort", "west", "--named"]
    result = CliRunner().invoke(app, [*args, "--since", "2026-04-01", "--until", "2026-05-31", *village_args])
    assert result.exit_code == 0, result.output
    text = out.read_bytes().decode("utf-8-sig")
    assert "Chen Jing" in text and "Eve Zhang" in text and "Alice Wang" not in text
    assert "_report,1,since,2026-04-01" in text and "_report,1,cohorts,west" in text


def test_the_text_report_goes_to_the_terminal_and_html_to_a_file(
    village_args: list[str], tmp_path: Path
) -> None:
    runner = CliRunner()
    shown = runner.invoke(app, ["report", *village_args])
    assert shown.exit_code == 0, shown.output
    assert "Summary by cohort" in shown.output and "No names or user ids in this report." in shown.output
    page = tmp_path / "report.html"
    saved = runner.invoke(app, ["report", "--format", "html", "--out", str(page), *village_args])
    assert saved.exit_code == 0, saved.output
    html = page.read_text(encoding="utf-8")
    assert html.startswith("<!doctype html>") and html.count("<svg") == len(CHARTS)


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--since", "2026-02-30", "--since must be a date like 2026-05-01, not '2026-02-30'."),
        ("--until", "May 5", "--until must be a date like 2026-05-01, not 'May 5'."),
        ("--track", "fishing", "No track 'fishing'; the tracks are: shop, farm."),
        ("--format", "pdf", "--format must be one of: text, csv, html, xlsx (not 'pdf')."),
    ],
)
def test_a_bad_date_track_or_format_gets_one_kind_line_and_exit_2(
    village_args: list[str], option: str, value: str, message: str
) -> None:
    result = CliRunner().invoke(app, ["report", option, value, *village_args])
    assert result.exit_code == 2
    assert result.output.strip() == message
    assert "Traceback" not in result.output


def test_since_after_until_is_refused(village_args: list[str]) -> None:
    result = CliRunner().invoke(
        app, ["report", "--since", "2026-05-10", "--until", "2026-05-01", *village_args]
    )
    assert result.exit_code == 2
    assert result.output.strip() == "--since (2026-05-10) is after --until (2026-05-01)."


def test_an_empty_database_gives_a_report_of_zeros(tmp_path: Path) -> None:
    db_url = database_for(tmp_path / "new.db")
    result = CliRunner().invoke(app, ["report", "--db", db_url, "--lang", "en"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "⚠ The database has no learners yet." in lines  # said on stderr, and at the top
    title = lines.index("Summary by cohort")
    header = next(i for i in range(title, len(lines)) if lines[i].startswith("village "))
    assert lines[header + 2].split() == ["all", "villages", "0", "0", "0", "0", "0", "0", "0", "0"]


def test_an_administrator_opens_the_report_in_excel_one_sheet_per_table(
    village_args: list[str], tmp_path: Path
) -> None:
    openpyxl = pytest.importorskip("openpyxl", reason="openpyxl is not installed")
    out = tmp_path / "report.xlsx"
    args = [*[a for a in village_args if a != "en"][:-1], "--lang", "zh"]  # the Chinese report
    result = CliRunner().invoke(app, ["report", "--format", "xlsx", "--out", str(out), *args])
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    assert len(book.sheetnames) == 13  # every table of the report (no named list), the headline first
    assert book.sheetnames[:3] == ["主要数字", "各村对比", "各村概况"]
    summary = book["各村概况"]
    heads = [c.value for c in summary[1]]
    assert heads[:3] == ["村（班组）", "学员", "开始学习"]
    assert all(isinstance(h, str) and "_" not in h for h in heads)
    last = [c.value for c in summary[summary.max_row]]
    assert last[:3] == ["全部村", 5, 4]  # numbers stay numbers
    completion = book["完成情况"]
    rate = next(r for r in completion.iter_rows(min_row=2) if r[0].value == "东村" and r[2].value == "基础")
    assert rate[7].value == 0.5 and rate[7].number_format == "0.0%"
    assert summary["B2"].number_format == "#,##0"


def test_a_village_by_its_name_works_and_a_typo_names_the_near_ones(
    village_args: list[str], tmp_path: Path
) -> None:
    out = tmp_path / "east.csv"
    by_name = CliRunner().invoke(
        app, ["report", "--format", "csv", "--out", str(out), "--cohort", "东村", *village_args]
    )
    assert by_name.exit_code == 0, by_name.output
    assert "_report,1,cohorts,east" in out.read_bytes().decode("utf-8-sig")
    typo = CliRunner().invoke(app, ["report", "--cohort", "wset", *village_args])
    assert typo.exit_code == 2
    assert typo.output.strip() == "No village 'wset'; did you mean: west, 东村 (east)?"
    chinese_typo = CliRunner().invoke(app, ["report", "--cohort", "东屯", *village_args])
    assert chinese_typo.exit_code == 2
    assert "did you mean: 东村 (east)?" in chinese_typo.output


def test_without_a_chinese_font_the_cli_warns_and_the_page_says_so(
    village_args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.reports import chart_style

    monkeypatch.setattr(chart_style, "cjk_family", lambda: None)
    page = tmp_path / "report.html"
    args = [*[a for a in village_args if a != "en"][:-1], "--lang", "zh"]
    result = CliRunner().invoke(app, ["report", "--format", "html", "--out", str(page), *args])
    assert result.exit_code == 0, result.output
    assert "⚠ No Chinese font on this computer: the charts are labelled in English" in result.output
    assert "本机没有中文字体，图表里的文字只好用英文" in page.read_text(encoding="utf-8")


def test_on_a_terminal_a_progress_bar_shows_the_counting_and_piped_it_stays_quiet(
    village_args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rich.console import Console

    from bot.cli import report as report_cli

    quiet = CliRunner().invoke(
        app, ["report", "--format", "csv", "--out", str(tmp_path / "a.csv"), *village_args]
    )
    assert quiet.output.strip() == f"✓ csv report written to {tmp_path / 'a.csv'}"  # piped: no bar
    screen = io.StringIO()
    monkeypatch.setattr(report_cli, "err", Console(file=screen, force_terminal=True, width=100))
    shown = CliRunner().invoke(
        app, ["report", "--format", "csv", "--out", str(tmp_path / "b.csv"), *village_args]
    )
    assert shown.exit_code == 0, shown.output
    assert "counting" in screen.getvalue() and "━" in screen.getvalue()  # the bar, refreshed as it goes
