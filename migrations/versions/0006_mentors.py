"""mentors and per-learner time zones

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 13:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("learner", schema=None) as batch_op:
        batch_op.add_column(sa.Column("timezone", sa.String(length=40), nullable=True))
    op.create_table(
        "mentor",
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("cohort", sa.String(length=32), nullable=False),
        sa.Column("track", sa.String(length=24), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("invited_at", sa.DateTime(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("learner_id"),
    )
    op.create_index("ix_mentor_cohort", "mentor", ["cohort"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_mentor_cohort", table_name="mentor")
    op.drop_table("mentor")
    with op.batch_alter_table("learner", schema=None) as batch_op:
        batch_op.drop_column("timezone")
