"""`farmskills report`: the administrator report as text, one tidy CSV, an Excel workbook, or one
self-contained HTML page. On a terminal it shows a progress bar while it counts; piped, it is quiet.
A village may be given by its code or its name; an unknown one is refused with the nearest ones.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bot.cli.common import ContentOpt, DbOpt, check_lang, err, load_content

if TYPE_CHECKING:
    from bot.reports.build import Progress
    from bot.reports.model import Report

FORMATS = ("text", "csv", "html", "xlsx")


def _day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        err.print(f"{option} must be a date like 2026-05-01, not {value!r}.", markup=False, highlight=False)
        raise typer.Exit(2) from exc


def report(
    fmt: Annotated[str, typer.Option("--format", help="text, csv, html or xlsx (Excel).")] = "text",
    out_file: Annotated[
        Path | None, typer.Option("--out", help="Write to this file (default: standard output).")
    ] = None,
    cohort: Annotated[
        str | None,
        typer.Option("--cohort", help='Only this village, by code or name ("(none)": learners without one).'),
    ] = None,
    track: Annotated[str | None, typer.Option("--track", help="Only this track's lessons.")] = None,
    since: Annotated[str | None, typer.Option("--since", help="From this local date, YYYY-MM-DD.")] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="Up to and including this local date, YYYY-MM-DD.")
    ] = None,
    named: Annotated[
        bool, typer.Option("--named", help="Add a table of learners with their names and user ids.")
    ] = False,
    db: DbOpt = None,
    content: ContentOpt = None,
    lang: Annotated[str, typer.Option("--lang", help="zh or en: titles and charts.")] = "zh",
) -> None:
    """Completion, drop-off, check questions, the FAQ, the funnel to income and outcomes, week by week.

    No names or user ids appear unless --named is given.
    """
    from bot.config import Settings
    from bot.reports.build import UnknownTrack, build_report
    from bot.reports.cohorts import UnknownCohort, resolve
    from bot.reports.model import ReportFilter
    from bot.store.database import make_engine, upgrade

    if fmt not in FORMATS:
        err.print(
            f"--format must be one of: {', '.join(FORMATS)} (not {fmt!r}).", markup=False, highlight=False
        )
        raise typer.Exit(2)
    lang = check_lang(lang)
    flt = ReportFilter(
        cohorts=None,
        track=track,
        since=_day(since, "--since"),
        until=_day(until, "--until"),
        named=named,
    )
    if flt.since and flt.until and flt.since > flt.until:
        err.print(f"--since ({flt.since}) is after --until ({flt.until}).", markup=False, highlight=False)
        raise typer.Exit(2)
    curriculum = load_content(content, render_check=False)  # titles and counts only
    if track is not None and track not in curriculum.tracks:
        known = ", ".join(curriculum.track_ids)
        err.print(f"No track {track!r}; the tracks are: {known}.", markup=False, highlight=False)
        raise typer.Exit(2)
    upgrade(db)
    engine = make_engine(db)
    try:
        if cohort is not None:
            flt = replace(flt, cohorts=(resolve(engine, cohort),))
        with _progress() as tell:
            result = build_report(
                engine, curriculum, flt, datetime.now(UTC), Settings().timezone, lang, progress=tell
            )
            data = result_bytes(result, fmt)
    except (
        UnknownTrack,
        UnknownCohort,
    ) as exc:  # a track is checked above; kept for content changed meanwhile
        err.print(f"{exc}", markup=False, highlight=False)
        raise typer.Exit(2) from exc
    finally:
        engine.dispose()
    _warn(result, fmt)
    _write(data, out_file)
    if out_file is not None:
        err.print(f"✓ {fmt} report written to {out_file}", markup=False, highlight=False)


def _warn(result: Report, fmt: str) -> None:
    """Say on stderr what the reader of the file will also be told: an empty report, English charts."""
    from bot.reports.findings import empty_reason

    reason = empty_reason(result)
    if reason:
        err.print(f"⚠ {reason}", markup=False, highlight=False)
    if fmt != "html":
        return  # only the HTML page has charts (and importing them brings matplotlib)
    from bot.reports.chart_style import font_missing

    if font_missing(result.lang):
        err.print(
            "⚠ No Chinese font on this computer: the charts are labelled in English"
            " (install fonts-wqy-microhei or fonts-noto-cjk). The page says so too.",
            markup=False,
            highlight=False,
        )


@contextmanager
def _progress() -> Iterator[Progress | None]:
    """A progress bar on stderr when it is a terminal; nothing when piped or in a test."""
    if not err.is_terminal:
        yield None
        return
    from rich.progress import BarColumn, TextColumn, TimeElapsedColumn
    from rich.progress import Progress as Bar

    with Bar(
        TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), console=err, transient=True
    ) as bar:
        task = bar.add_task("counting", total=None)

        def tell(table: str, done: int, total: int) -> None:
            bar.update(task, description=f"counting: {table}", completed=done, total=total + 1)

        yield tell
        bar.update(task, description="drawing the report")


def result_bytes(result: Report, fmt: str) -> bytes:
    """The report rendered in `fmt`, as the bytes to write."""
    # Each renderer is imported only when asked for: the HTML one brings matplotlib (half a second).
    if fmt == "csv":
        from bot.reports.csv_out import render_csv

        return render_csv(result)
    if fmt == "html":
        from bot.reports.html import render_html

        return render_html(result).encode("utf-8")
    if fmt == "xlsx":
        from bot.reports.xlsx_out import render_xlsx

        return render_xlsx(result)
    from bot.reports.text import render_text

    return render_text(result).encode("utf-8")


def _write(data: bytes, out_file: Path | None) -> None:
    if out_file is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    try:
        out_file.write_bytes(data)
    except OSError as exc:
        err.print(f"Cannot write {out_file}: {exc.strerror or exc}.", markup=False, highlight=False)
        raise typer.Exit(2) from exc
