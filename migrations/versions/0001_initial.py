"""initial schema: learners, progress and events

Revision ID: 0001
Revises:
Create Date: 2026-11-23 10:38:56.958057
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "check_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sa.String(length=32), nullable=False),
        sa.Column("question", sa.Integer(), nullable=False),
        sa.Column("option", sa.Integer(), nullable=False),
        sa.Column("correct", sa.Boolean(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("check_answer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_check_answer_learner_id"), ["learner_id"], unique=False)
        batch_op.create_index("ix_check_answer_lesson", ["lesson_id", "question"], unique=False)

    op.create_table(
        "learner",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("lang", sa.String(length=8), nullable=False),
        sa.Column("cohort", sa.String(length=32), nullable=True),
        sa.Column("place", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_active_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("channel", "external_id", name="uq_learner_channel_user"),
    )
    with op.batch_alter_table("learner", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_learner_cohort"), ["cohort"], unique=False)

    op.create_table(
        "lesson_progress",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sa.String(length=32), nullable=False),
        sa.Column("track", sa.String(length=24), nullable=False),
        sa.Column("tier", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("learner_id", "lesson_id", name="uq_progress_lesson"),
    )
    with op.batch_alter_table("lesson_progress", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lesson_progress_learner_id"), ["learner_id"], unique=False)

    op.create_table(
        "outcome",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sa.String(length=32), nullable=True),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("asked", sa.Boolean(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("outcome", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outcome_learner_id"), ["learner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_outcome_lesson_id"), ["lesson_id"], unique=False)

    op.create_table(
        "placement_result",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("track", sa.String(length=24), nullable=False),
        sa.Column("answers", sa.String(length=32), nullable=False),
        sa.Column("placed_tier", sa.String(length=16), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("placement_result", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_placement_result_learner_id"), ["learner_id"], unique=False)

    op.create_table(
        "practice_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("evidence_kind", sa.String(length=16), nullable=False),
        sa.Column("evidence", sa.String(length=500), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("practice_report", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_practice_report_learner_id"), ["learner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_practice_report_lesson_id"), ["lesson_id"], unique=False)

    op.create_table(
        "step_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sa.String(length=32), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("step_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_step_event_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_step_event_learner_id"), ["learner_id"], unique=False)
        batch_op.create_index("ix_step_event_lesson", ["lesson_id", "step"], unique=False)

    op.create_table(
        "track_progress",
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("track", sa.String(length=24), nullable=False),
        sa.Column("unlocked_tier", sa.String(length=16), nullable=False),
        sa.Column("placed_tier", sa.String(length=16), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("learner_id", "track"),
    )


def downgrade() -> None:

    op.drop_table("track_progress")
    with op.batch_alter_table("step_event", schema=None) as batch_op:
        batch_op.drop_index("ix_step_event_lesson")
        batch_op.drop_index(batch_op.f("ix_step_event_learner_id"))
        batch_op.drop_index(batch_op.f("ix_step_event_at"))

    op.drop_table("step_event")
    with op.batch_alter_table("practice_report", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_practice_report_lesson_id"))
        batch_op.drop_index(batch_op.f("ix_practice_report_learner_id"))

    op.drop_table("practice_report")
    with op.batch_alter_table("placement_result", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_placement_result_learner_id"))

    op.drop_table("placement_result")
    with op.batch_alter_table("outcome", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outcome_lesson_id"))
        batch_op.drop_index(batch_op.f("ix_outcome_learner_id"))

    op.drop_table("outcome")
    with op.batch_alter_table("lesson_progress", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lesson_progress_learner_id"))

    op.drop_table("lesson_progress")
    with op.batch_alter_table("learner", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_learner_cohort"))

    op.drop_table("learner")
    with op.batch_alter_table("check_answer", schema=None) as batch_op:
        batch_op.drop_index("ix_check_answer_lesson")
        batch_op.drop_index(batch_op.f("ix_check_answer_learner_id"))

    op.drop_table("check_answer")
