"""Reading what a learner has done (`Progress`) in one statement.

Every update reads it, so it is one round trip, not four: the learner's lessons, tracks, practice
reports and the follow-up awaiting an answer come back as rows of one UNION ALL, told apart by
their first column. On a database server each statement saved is a network round trip; on
SQLite, the cost of running a statement through SQLAlchemy.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BindParameter,
    Connection,
    Integer,
    String,
    bindparam,
    literal,
    null,
    union_all,
)
from sqlmodel import col, select

from bot.content.models import Tier
from bot.core.state import Progress
from bot.store.tables import LessonProgress, Nudge, PracticeReport, TrackProgress

_LID: BindParameter[int] = bindparam("lid")
_AWAITING = (
    select(Nudge.lesson_id)
    .where(
        Nudge.learner_id == _LID,
        Nudge.kind == "follow_up",
        col(Nudge.sent_at).is_not(None),
        col(Nudge.answered_at).is_(None),
    )
    .order_by(col(Nudge.sent_at).desc())
    .limit(1)
    .subquery()
)
# (kind, name, status, number): a lesson with its status and step; a track with its tier as the
# status; a practice report with its status, numbered in the order reported; the awaited lesson.
_PROGRESS: Any = union_all(  # rows of (str, str, str, int); typed Any across SQLAlchemy 2.0 and 2.1
    select(literal("lesson"), LessonProgress.lesson_id, LessonProgress.status, LessonProgress.step).where(
        LessonProgress.learner_id == _LID
    ),
    select(literal("track"), TrackProgress.track, TrackProgress.unlocked_tier, null().cast(Integer)).where(
        TrackProgress.learner_id == _LID
    ),
    select(literal("report"), PracticeReport.lesson_id, PracticeReport.status, PracticeReport.id).where(
        PracticeReport.learner_id == _LID
    ),
    select(literal("awaiting"), _AWAITING.c.lesson_id, null().cast(String), null().cast(Integer)),
)


def read_progress(conn: Connection, learner_id: int, streak: int) -> Progress:
    """The learner's progress from their own rows only: the cost does not grow with their step
    history (the streak is kept on the learner row and given here)."""
    completed: set[str] = set()
    started: dict[str, int] = {}
    unlocked: dict[str, Tier] = {}
    reports: list[tuple[int, str, str]] = []
    awaiting: str | None = None
    for kind, name, status, number in conn.execute(_PROGRESS, {"lid": learner_id}):
        if kind == "lesson":
            if status == "completed":
                completed.add(name)
            elif status == "started":
                started[name] = number
        elif kind == "track":
            unlocked[name] = Tier(status)
        elif kind == "report":
            reports.append((number, name, status))
        else:
            awaiting = name
    reports.sort()
    done = frozenset(lesson for _, lesson, status in reports if status == "done")
    later = tuple(
        dict.fromkeys(lesson for _, lesson, status in reports if status == "later" and lesson not in done)
    )
    return Progress(
        completed=frozenset(completed),
        started=started,
        unlocked=unlocked,
        open_tasks=later,
        done_tasks=done,
        awaiting=awaiting,
        streak=streak,
    )
