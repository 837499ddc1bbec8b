"""reminders

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 12:07:31.901399
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("learner", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reminders_on", sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.add_column(sa.Column("reminder_hour", sa.Integer(), nullable=False, server_default="19"))


def downgrade() -> None:
    with op.batch_alter_table("learner", schema=None) as batch_op:
        batch_op.drop_column("reminder_hour")
        batch_op.drop_column("reminders_on")
