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
from tests.test_reports_numbers import PEOPLE, build_village, village_content


@pytest.fixture
def village_args(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.setenv("FARMSKILLS_TIMEZONE", "Asia/Shanghai")
    village_content(tmp_path / "content")
    db_url = f"sqlite:///{tmp_path / 'village.db'}"
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
    db_url = f"sqlite:///{tmp_path / 'new.db'}"
    result = CliRunner().invoke(app, ["report", "--db", db_url, "--lang", "en"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "⚠ The database has no learners yet." in lines  # said on stderr, and at the top
    title = lines.index("Summary by cohort")
    header = next(i for i in range(title, len(lines)) if lines[i].startswith("village "))
    assert lines[header + 2].split() == ["all", "villages", "0", "0", "0", "0", "0", "0", "0", "0"]
