"""the streak kept on the learner row: the latest local day with a step learned, and its run

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 03:00:00

Every update used to read all of a learner's `step_event` rows to count the days in a row (27 ms
at 20,000 events); the store now keeps the streak as steps are learned. This migration adds the two
columns and fills them from the events already stored, learner by learner, in each learner's time
zone (or FARMSKILLS_TIMEZONE, the bot's default).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from itertools import groupby
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 1000


def _moment(value: Any) -> datetime:
    at = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def run_ending_at_latest(days: set[date]) -> tuple[date, int]:
    """The latest day and how many days in a row end on it."""
    last = max(days)
    count, day = 0, last
    while day in days:
        count += 1
        day -= timedelta(days=1)
    return last, count


def _streaks(conn: sa.Connection, default_zone: str) -> Iterator[dict[str, Any]]:
    zones: dict[int, str | None] = dict(conn.execute(sa.text("SELECT id, timezone FROM learner")).all())
    rows = conn.execute(sa.text("SELECT learner_id, at FROM step_event ORDER BY learner_id"))
    for learner_id, group in groupby(rows, key=lambda r: r[0]):
        if learner_id not in zones:
            continue
        zone = ZoneInfo(zones[learner_id] or default_zone)
        days = {_moment(at).astimezone(zone).date() for _, at in group}
        last, count = run_ending_at_latest(days)
        yield {"lid": learner_id, "day": last, "days": count}


def upgrade() -> None:
    with op.batch_alter_table("learner", schema=None) as batch_op:
        batch_op.add_column(sa.Column("streak_day", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("streak_days", sa.Integer(), nullable=False, server_default="0"))
    conn = op.get_bind()
    fill = sa.text("UPDATE learner SET streak_day = :day, streak_days = :days WHERE id = :lid")
    batch: list[dict[str, Any]] = []
    for row in _streaks(conn, os.environ.get("FARMSKILLS_TIMEZONE", "Asia/Shanghai")):
        batch.append(row)
        if len(batch) >= BATCH:
            conn.execute(fill, batch)
            batch = []
    if batch:
        conn.execute(fill, batch)


def downgrade() -> None:
    with op.batch_alter_table("learner", schema=None) as batch_op:
        batch_op.drop_column("streak_days")
        batch_op.drop_column("streak_day")
