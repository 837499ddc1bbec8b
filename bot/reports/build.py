"""`build_report(engine, curriculum, filter, now)`: every table of the administrator report.

Every count, sum, median and first try is computed by the database (GROUP BY, CTEs, window
functions) in one module per table (`bot.reports.tables`), from the temporary tables that
`bot.reports.scope` fills; this module runs them on one connection and adds titles from the
curriculum to the aggregated rows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine

from bot.content.loader import Curriculum
from bot.reports.labels import COLUMNS, MIN_RANKED, NOTES, TITLES
from bot.reports.model import ALL, Cell, Report, ReportFilter, Table
from bot.reports.scope import Scope, drop_scope, fill_scope, make_scope
from bot.reports.tables import (
    checks,
    completion,
    dropoff,
    faq,
    funnel,
    headline,
    outcomes,
    people,
    summary,
    weekly,
)


class UnknownTrack(ValueError):
    """The filter names a track the curriculum does not have."""


# The tables in the order they are counted (and listed in the CSV), each a query on the scope.
QUERIES: dict[str, Callable[[Connection, Scope], list[tuple[Any, ...]]]] = {
    "headline": headline.headline,
    "summary": summary.summary,
    "completion": completion.completion,
    "dropoff": dropoff.dropoff,
    "check_questions": checks.check_questions,
    "faq": faq.faq,
    "faq_unanswered": faq.faq_unanswered,
    "funnel": funnel.funnel,
    "outcomes": outcomes.outcomes,
    "weekly": weekly.weekly,
    "cohorts": lambda conn, _s: people.cohorts(conn),
    "learners": people.learners,
}

Progress = Callable[[str, int, int], None]  # (table just counted, how many done, how many in all)


def build_report(
    engine: Engine,
    curriculum: Curriculum,
    flt: ReportFilter,
    now: datetime,
    timezone: str = "Asia/Shanghai",
    lang: str = "en",
    progress: Progress | None = None,
) -> Report:
    """Count everything the administrator report shows, for the learners and period `flt` picks;
    `progress` is told after each table (for a progress bar on large databases)."""
    if flt.track is not None and flt.track not in curriculum.tracks:
        known = ", ".join(curriculum.track_ids) or "none"
        raise UnknownTrack(f"no track {flt.track!r} (known: {known})")
    if flt.since and flt.until and flt.since > flt.until:
        raise ValueError(f"since ({flt.since}) is after until ({flt.until})")
    lang = _lang(lang)
    q = make_scope(flt, now, timezone)
    keys = [k for k in QUERIES if k != "learners" or flt.named]
    found: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as conn:
        # One connection and one transaction: every table is counted from the same snapshot.
        q = fill_scope(conn, curriculum, flt, q)
        if progress is not None:
            progress("scope", 0, len(keys))
        for i, key in enumerate(keys, start=1):
            found[key] = QUERIES[key](conn, q)
            if progress is not None:
                progress(key, i, len(keys))
        conn.rollback()
        drop_scope(conn)
    lessons = curriculum.lessons
    found["dropoff"] = [
        (track, tier, lid, lessons[lid].title.get(lang), step, reached, stopped, rate)
        for track, tier, lid, step, reached, stopped, rate in found["dropoff"]
    ]
    found["check_questions"] = [
        (lid, question + 1, _ask(curriculum, lid, question, lang), n, right, rate)
        for lid, question, n, right, rate in found["check_questions"]
    ]
    found["weekly"], found["stages_weekly"] = weekly.split_weekly(found["weekly"])
    found["villages"] = villages(found["summary"], found["funnel"], found["outcomes"])
    order = ["headline", "villages", *(k for k in keys if k != "headline")]
    order.insert(order.index("weekly") + 1, "stages_weekly")
    tables = tuple(_table(key, found[key], lang) for key in order)
    titles = tuple((t, curriculum.tracks[t].title.get(lang)) for t in curriculum.track_ids)
    lesson_titles = tuple((ls.id, ls.title.get(lang)) for ls in curriculum.ordered_lessons())
    generated = now.replace(tzinfo=UTC) if now.tzinfo is None else now.astimezone(UTC)
    return Report(
        generated, flt, tables, timezone, lang, titles, lesson_titles=lesson_titles, windows=q.windows
    )


def villages(
    summary_rows: Sequence[Sequence[Any]],
    funnel_rows: Sequence[Sequence[Any]],
    outcome_rows: Sequence[Sequence[Any]],
) -> list[tuple[Cell, ...]]:
    """Each village's funnel (all tracks) with its completion and result rates and income, ranked:
    the rates are divisions of counts the database made, so they are worked out here."""
    learners = {row[0]: row[1] for row in summary_rows}
    income = {row[0]: row[5] for row in outcome_rows if row[1] == ALL and row[2] == "yuan"}
    out: list[tuple[Cell, ...]] = []
    for cohort, track, started, completed, applied, outcome in funnel_rows:
        if track != ALL or cohort == ALL:
            continue
        out.append(
            (
                cohort,
                learners.get(cohort, 0),
                started,
                completed,
                round(completed / started, 3) if started else None,
                applied,
                outcome,
                round(outcome / started, 3) if started else None,
                income.get(cohort, 0),
            )
        )
    return sorted(out, key=_rank)


def _rank(row: tuple[Cell, ...]) -> tuple[bool, float, float, str]:
    started, completion, result = (
        float(v) if isinstance(v, int | float) else 0.0 for v in (row[2], row[4], row[7])
    )
    return started < MIN_RANKED, -completion, -result, str(row[0])


def _table(key: str, rows: Sequence[Sequence[Cell]], lang: str) -> Table:
    columns = COLUMNS[key]
    clean = tuple(tuple(row) for row in rows)
    for row in clean:
        assert len(row) == len(columns), (key, row)
    return Table(key, TITLES[key][lang], columns, clean, NOTES.get(key, {}).get(lang, ""))


def _lang(lang: str) -> str:
    return lang if lang in ("zh", "en") else "en"


def _ask(curriculum: Curriculum, lesson_id: str, question: int, lang: str) -> str:
    questions = curriculum.lessons[lesson_id].questions
    return questions[question].ask.get(lang) if 0 <= question < len(questions) else ""
