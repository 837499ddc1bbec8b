"""leases: which worker sends to Telegram and runs the scheduled jobs

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 06:40:00

With several webhook workers on one database, one of them (the holder of the `telegram` lease)
drains the outbox at Telegram's limits and runs the jobs; it renews the lease every few seconds,
and when it dies another worker takes the lease over once it has run out.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "lease",
        sa.Column("name", sa.String(length=32), primary_key=True),
        sa.Column("holder", sa.String(length=64), nullable=False),
        sa.Column("until", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("lease")
