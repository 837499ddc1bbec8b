"""every timestamp column with its time zone, as the models declare (PostgreSQL only)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 04:00:00

The models' datetimes are SQLModel's UTCDateTime, `DateTime(timezone=True)`, and migrations
0001–0004 created them so; 0006 and 0008 wrote plain `DateTime()`. On SQLite both are the same
text, so nothing changes there. On PostgreSQL those columns came out as `timestamp without time
zone`: this makes them `timestamptz`, reading what they hold as UTC (the bot only writes UTC).
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = {
    "mentor": ("invited_at", "decided_at"),
    "outbox": ("next_at", "claimed_until", "created_at"),
    "inbound_update": ("received_at", "handled_at"),
    "step_media": ("added_at",),
    "attach_draft": ("started_at",),
}


def _alter(zone: bool) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return  # SQLite stores both kinds as the same text
    kind = "timestamptz" if zone else "timestamp"
    for table, columns in COLUMNS.items():
        changes = ", ".join(f"ALTER COLUMN {c} TYPE {kind} USING {c} AT TIME ZONE 'UTC'" for c in columns)
        op.execute(f"ALTER TABLE {table} {changes}")


def upgrade() -> None:
    _alter(zone=True)


def downgrade() -> None:
    _alter(zone=False)
