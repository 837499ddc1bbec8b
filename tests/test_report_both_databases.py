"""The report says the same on PostgreSQL as on SQLite: one demo village written to both, every
table compared cell by cell, for the whole period and for filtered reports.

The comparison runs when the suite runs on PostgreSQL (FARMSKILLS_TEST_DATABASE_URL); the SQLite
side is a file.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.content.loader import Curriculum, load_curriculum
from bot.demo import fill_demo
from bot.reports.build import build_report
from bot.reports.model import Report, ReportFilter
from bot.store.database import make_engine, upgrade
from tests.databases import ON_POSTGRES, database_for

NOW = datetime(2026, 5, 11, 12, 30, tzinfo=UTC)
FILTERS: list[dict[str, Any]] = [
    {},
    {"since": date(2026, 4, 20), "until": date(2026, 5, 3)},
    {"track": "ecommerce", "named": True},
    {"cohorts": ("(none)",), "since": date(2026, 5, 1)},
]


def village(url: str, curriculum: Curriculum) -> str:
    upgrade(url)
    engine = make_engine(url)
    fill_demo(engine, curriculum, 300, seed=4, now=NOW)
    engine.dispose()
    return url


def report(url: str, curriculum: Curriculum, flt: dict[str, Any], timezone: str) -> Report:
    engine = make_engine(url)
    try:
        return build_report(engine, curriculum, ReportFilter(**flt), NOW, timezone, "en")
    finally:
        engine.dispose()


def cells(r: Report) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, numbers to 6 places (floats summed in another order differ past that)."""

    def cell(value: Any) -> Any:
        return round(value, 6) if isinstance(value, float) else value

    return {t.key: [tuple(cell(v) for v in row) for row in t.rows] for t in r.tables}


def test_a_report_in_a_half_hour_zone_counts_weeks_from_minutes(tmp_path: Path) -> None:
    """India is UTC+05:30: active learners are counted from their step minutes, not hours."""
    shipped = load_curriculum()
    url = village(database_for(tmp_path / "india.db"), shipped)
    weekly = report(url, shipped, {}, "Asia/Kolkata").table("weekly")
    active = [row[3] for row in weekly.rows]
    assert active and any(isinstance(n, int) and n > 0 for n in active)


@pytest.mark.skipif(not ON_POSTGRES, reason="compares PostgreSQL's report with SQLite's")
@pytest.mark.parametrize("timezone", ["Asia/Shanghai", "Asia/Kolkata"])
def test_every_report_table_is_the_same_on_both_databases(tmp_path: Path, timezone: str) -> None:
    shipped = load_curriculum()
    lite = village(f"sqlite:///{tmp_path / 'village.db'}", shipped)
    pg = village(database_for(tmp_path / "village-pg.db"), shipped)
    for flt in FILTERS:
        on_sqlite, on_postgres = (
            cells(report(lite, shipped, flt, timezone)),
            cells(report(pg, shipped, flt, timezone)),
        )
        assert on_sqlite.keys() == on_postgres.keys()
        for key, rows in on_sqlite.items():
            assert on_postgres[key] == rows, (flt, key)
        assert any(on_sqlite[key] for key in ("summary", "weekly", "dropoff")), "the village has data"
