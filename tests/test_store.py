"""The store: migrations from an empty database, WAL, committed progress, readers beside the writer."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from bot.app.service import build_service
from bot.content.loader import Curriculum
from bot.store.database import current_revision, make_engine, unit_of_work, upgrade
from tests.databases import database_for, query, sqlite_only
from tests.dialog import Learner

TABLES = {
    "learner",
    "lesson_progress",
    "track_progress",
    "step_event",
    "check_answer",
    "placement_result",
    "practice_report",
    "outcome",
}


def test_upgrade_from_an_empty_file_creates_every_table(tmp_path: Path) -> None:
    url = database_for(tmp_path / "new.db")
    upgrade(url)
    names = set(inspect(make_engine(url)).get_table_names())
    assert names >= TABLES
    assert current_revision(url) is not None


def test_upgrade_twice_is_harmless(tmp_path: Path) -> None:
    url = database_for(tmp_path / "twice.db")
    upgrade(url)
    first = current_revision(url)
    upgrade(url)
    assert current_revision(url) == first


@sqlite_only
def test_the_database_runs_in_wal_mode_with_a_small_page_cache(tmp_path: Path) -> None:
    url = database_for(tmp_path / "wal.db")
    upgrade(url)
    with make_engine(url).connect() as conn:
        mode = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
        cache = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    assert mode == "wal"
    assert cache == -512  # KB of pages per connection (SQLite's own default is 2 MB)


def test_every_step_and_answer_is_committed_with_a_timestamp(learner: Learner, db_url: str) -> None:
    learner.onboard()
    learner.tap("选课程")
    learner.tap("网上卖货")
    learner.tap("基础")
    learner.tap("第1课")
    learner.tap("下一步")
    # A separate connection sees it: it was committed.
    steps = query(db_url, "SELECT lesson_id, step, action, at FROM step_event ORDER BY id")
    progress = [tuple(r) for r in query(db_url, "SELECT lesson_id, status, step FROM lesson_progress")]
    assert [(s[0], s[1], s[2]) for s in steps] == [
        ("b-lesson-01", 0, "open"),
        ("b-lesson-01", 1, "next"),
    ]
    assert all(s[3] for s in steps)
    assert progress == [("b-lesson-01", "started", 1)]


def test_a_report_reader_can_read_while_the_bot_holds_a_write_transaction(
    curriculum: Curriculum, db_url: str
) -> None:
    service = build_service(curriculum, db_url)
    Learner(service).onboard()
    reader = make_engine(db_url)
    # The bot's own write transaction (on SQLite it holds the write lock: BEGIN IMMEDIATE).
    with pytest.raises(LookupError), unit_of_work(service.store.engine) as writer:
        writer.execute(text("UPDATE learner SET name = 'writing'"))
        with reader.connect() as conn:
            assert conn.execute(text("SELECT name FROM learner")).one() == ("老王",)
        raise LookupError("roll the writer back")
    reader.dispose()


def test_forget_removes_every_row_about_the_learner(learner: Learner, service, db_url: str) -> None:
    learner.onboard()
    learner.tap("选课程")
    learner.tap("网上卖货")
    learner.tap("基础")
    learner.tap("第1课")
    other = Learner(service, user="99")
    other.onboard("小李")
    learner.command("forget")
    learner.tap("确定删除")
    for table in TABLES:
        sql = f"SELECT COUNT(*) FROM {table} WHERE {'id' if table == 'learner' else 'learner_id'} = 1"
        assert tuple(query(db_url, sql)[0]) == (0,), table
    assert [tuple(r) for r in query(db_url, "SELECT name FROM learner")] == [("小李",)]


def test_the_migrations_build_exactly_the_schema_the_models_declare(tmp_path: Path) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from sqlmodel import SQLModel

    import bot.store.tables  # noqa: F401  (registers every table on the metadata)

    url = database_for(tmp_path / "schema.db")
    upgrade(url)
    with make_engine(url).connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), SQLModel.metadata) == []


def test_the_streak_kept_step_by_step_matches_counting_every_step() -> None:
    """Learners study on random days over two months; after each day, and on later days, the streak
    kept on their row is what counting all their steps again gives."""
    import random
    from datetime import UTC, datetime, timedelta

    from bot.store.progress import days_in_a_row, step_learned, streak_today
    from bot.store.tables import Learner as Row

    rng = random.Random(3)
    start = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)
    for _ in range(200):
        row = Row(channel="t", external_id="1", created_at=start, last_active_at=start)
        moments: list[datetime] = []
        at = start
        for _ in range(rng.randint(1, 25)):
            at += timedelta(hours=rng.choice([1, 5, 20, 24, 30, 48, 72]))
            moments.append(at)
            step_learned(row, (at + timedelta(hours=8)).date())  # Shanghai's local day
            for later in (0, 1, 2, 3):
                row.last_active_at = at + timedelta(days=later)
                expected = days_in_a_row(moments, row.last_active_at, "Asia/Shanghai")
                assert streak_today(row, "Asia/Shanghai") == expected, (moments, later)


def test_the_upgrade_counts_the_streak_of_learners_who_studied_before_it(tmp_path: Path) -> None:
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import Boolean, DateTime, column, table

    from bot.store.progress import ProgressStore

    url = database_for(tmp_path / "old.db")
    upgrade(url, "0008")
    yesterday = datetime.now(UTC) - timedelta(days=1)
    old = make_engine(url)  # the tables as 0008 left them, written through their declared types
    with old.begin() as conn:
        names = ("id", "channel", "external_id", "name", "lang", "place", "reminder_hour")
        stamps = ("created_at", "last_active_at")
        flags = ("active", "reminders_on")
        learner_table = table(
            "learner",
            *(column(n) for n in names),
            *(column(n, DateTime) for n in stamps),
            *(column(n, Boolean) for n in flags),
        )
        conn.execute(
            learner_table.insert().values(
                id=1,
                channel="telegram",
                external_id="5",
                name="老王",
                lang="zh",
                place="",
                created_at=yesterday - timedelta(days=9),
                last_active_at=yesterday,
                active=True,
                reminders_on=True,
                reminder_hour=19,
            )
        )
        steps = table(
            "step_event",
            *(column(n) for n in ("learner_id", "lesson_id", "step", "action")),
            column("at", DateTime),
        )
        days = [yesterday - timedelta(days=d) for d in (0, 0, 1, 2, 5)]  # 3 in a row ending yesterday
        conn.execute(
            steps.insert(),
            [{"learner_id": 1, "lesson_id": "x", "step": 0, "action": "next", "at": at} for at in days],
        )
    old.dispose()
    upgrade(url)
    store = ProgressStore(make_engine(url))
    learner = store.find("telegram", "5")
    assert learner is not None
    assert learner.streak_days == 3
    assert store.view(learner).progress.streak == 3


def statements_of(learner: Learner, service, *commands: str) -> list[str]:
    """The SQL a learner who has begun a course makes the bot run for these commands."""
    from sqlalchemy import event

    learner.onboard()
    learner.tap("选课程")
    statements: list[str] = []
    event.listen(service.store.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    for command in commands:
        learner.command(command)
    return statements


def test_an_update_reads_none_of_the_learners_step_history(learner: Learner, service) -> None:
    statements = statements_of(learner, service, "progress", "menu")
    reads = [s for s in statements if s.lstrip().upper().startswith("SELECT") and "step_event" in s]
    assert statements and reads == []


def test_what_a_learner_has_done_is_read_in_one_statement(learner: Learner, service) -> None:
    """Lessons, tracks, practice reports and an awaited follow-up: one round trip per update."""
    reads = [
        s for s in statements_of(learner, service, "progress") if s.lstrip().upper().startswith("SELECT")
    ]
    tables = ("lesson_progress", "track_progress", "practice_report")
    progress_reads = [s for s in reads if any(t in s for t in tables)]
    assert len(progress_reads) == 1
    assert all(table in progress_reads[0] for table in ("track_progress", "practice_report", "nudge"))


def test_every_migration_goes_down_and_up_again(tmp_path: Path) -> None:
    """A release can be rolled back: each revision's downgrade runs, on SQLite and PostgreSQL."""
    from alembic import command

    from bot.store.database import alembic_config

    url = database_for(tmp_path / "updown.db")
    upgrade(url)
    head = current_revision(url)
    command.downgrade(alembic_config(url), "base")
    assert current_revision(url) is None
    assert set(inspect(make_engine(url)).get_table_names()) <= {"alembic_version"}
    upgrade(url)
    assert current_revision(url) == head
