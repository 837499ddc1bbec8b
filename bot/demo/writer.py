"""Writing demo rows fast: the tables and columns in the order rows are built, the timestamp text
SQLite stores, and the `Sink` that inserts batches (DB-API `executemany` on SQLite, with
`PRAGMA synchronous=OFF` during the load; `COPY … FROM STDIN` on PostgreSQL, several times faster
than multi-row INSERTs at 100,000 learners; SQLAlchemy Core inserts elsewhere), one transaction
each."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, insert, text
from sqlmodel import SQLModel

from bot.demo.constants import DAY, EPOCH, US
from bot.store.tables import (
    CheckAnswer,
    Cohort,
    FaqQuestion,
    Learner,
    LessonProgress,
    Nudge,
    Outcome,
    PlacementResult,
    PracticeReport,
    StepEvent,
    TrackProgress,
)

Row = tuple[Any, ...]

# Table name -> (model, columns in the order the rows are built). Learner ids are given explicitly.
COLUMNS: dict[str, tuple[type[SQLModel], tuple[str, ...]]] = {
    "cohort": (Cohort, ("code", "name", "trainer_id", "created_at")),
    "learner": (
        Learner,
        (
            "id",
            "channel",
            "external_id",
            "name",
            "lang",
            "cohort",
            "place",
            "created_at",
            "last_active_at",
            "active",
            "reminders_on",
            "reminder_hour",
            "timezone",
        ),
    ),
    "lesson_progress": (
        LessonProgress,
        ("learner_id", "lesson_id", "track", "tier", "status", "step", "started_at", "completed_at"),
    ),
    "track_progress": (TrackProgress, ("learner_id", "track", "unlocked_tier", "placed_tier", "updated_at")),
    "step_event": (StepEvent, ("learner_id", "lesson_id", "step", "action", "at")),
    "check_answer": (CheckAnswer, ("learner_id", "lesson_id", "question", "option", "correct", "at")),
    "placement_result": (PlacementResult, ("learner_id", "track", "answers", "placed_tier", "at")),
    "practice_report": (
        PracticeReport,
        ("learner_id", "lesson_id", "status", "evidence_kind", "evidence", "at"),
    ),
    "outcome": (Outcome, ("learner_id", "lesson_id", "value", "unit", "asked", "exact", "at")),
    "faq_question": (
        FaqQuestion,
        (
            "learner_id",
            "asked_at",
            "lang",
            "text",
            "decision",
            "best_id",
            "best_score",
            "offered",
            "lesson_id",
            "picked",
            "handed_off_at",
            "answered_at",
            "answered_by",
            "answer",
        ),
    ),
    "nudge": (Nudge, ("learner_id", "kind", "key", "lesson_id", "due_at", "sent_at", "answered_at")),
}


def sqlite_clock() -> Callable[[int], str]:
    """Microseconds since the epoch -> the text SQLAlchemy stores for a UTC datetime in SQLite."""
    days: dict[int, str] = {}
    clock = [f"{h:02d}:{m:02d}:{s:02d}." for h in range(24) for m in range(60) for s in range(60)]

    def stamp(us: int) -> str:
        day, rest = divmod(us, DAY)
        prefix = days.get(day)
        if prefix is None:
            prefix = days[day] = (EPOCH + timedelta(days=day)).strftime("%Y-%m-%d ")
        second, micro = divmod(rest, US)
        return f"{prefix}{clock[second]}{micro:06d}"

    return stamp


def datetime_clock(us: int) -> datetime:
    return EPOCH + timedelta(microseconds=us)


class Sink:
    """Inserts batches of rows, one transaction per batch."""

    def __init__(self, engine: Engine, force_core: bool = False) -> None:
        self.engine = engine
        self.sqlite = engine.dialect.name == "sqlite" and not force_core
        self.copy = engine.dialect.name == "postgresql" and not force_core
        self.stamp: Callable[[int], Any] = sqlite_clock() if self.sqlite else datetime_clock
        self._raw: Any = None
        if self.sqlite:
            self._raw = engine.raw_connection()
            self._con = self._raw.driver_connection
            self._con.execute("PRAGMA synchronous=OFF")
            self._con.execute("PRAGMA cache_size=-65536")  # 64 MB: index pages stay in memory

    def write(self, batch: dict[str, list[Row]]) -> None:
        if self.sqlite:
            con = self._con
            try:
                for table, rows in batch.items():
                    if rows:
                        cols = COLUMNS[table][1]
                        sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
                        con.executemany(sql, rows)
                con.commit()
            except BaseException:
                con.rollback()
                raise
            return
        if self.copy:
            self._copy(batch)
            return
        with self.engine.begin() as conn:
            for table, rows in batch.items():
                if rows:
                    model, cols = COLUMNS[table]
                    conn.execute(insert(model.__table__), [dict(zip(cols, r, strict=True)) for r in rows])  # type: ignore[attr-defined]

    def _copy(self, batch: dict[str, list[Row]]) -> None:
        """PostgreSQL's COPY: rows streamed to the server in its text format, no statement per row."""
        with self.engine.begin() as conn:
            cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
            for table, rows in batch.items():
                if rows:
                    with cursor.copy(f"COPY {table} ({', '.join(COLUMNS[table][1])}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)

    def close(self) -> None:
        if self._raw is not None:
            self._con.execute("PRAGMA synchronous=NORMAL")
            self._con.execute("PRAGMA cache_size=-2000")
            self._raw.close()
            self._raw = None
        elif self.engine.dialect.name == "postgresql":
            with self.engine.begin() as conn:  # explicit learner ids: move the sequence past them
                sequence = "pg_get_serial_sequence('learner', 'id')"
                conn.execute(text(f"SELECT setval({sequence}, (SELECT MAX(id) FROM learner))"))
            if self.copy:
                # What a bulk load is followed by: statistics for the planner, and the rows marked
                # visible once here, not by whichever query reads them first.
                with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                    conn.exec_driver_sql(f"VACUUM (ANALYZE) {', '.join(COLUMNS)}")
