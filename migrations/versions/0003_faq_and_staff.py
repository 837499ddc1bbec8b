"""faq questions, cohorts, staff roles, reply drafts

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 11:09:52.119328
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "cohort",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("trainer_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_table(
        "faq_question",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lang", sa.String(length=8), nullable=False),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.Column("decision", sa.String(length=8), nullable=False),
        sa.Column("best_id", sa.String(length=40), nullable=True),
        sa.Column("best_score", sa.Float(), nullable=True),
        sa.Column("offered", sa.String(length=200), nullable=False),
        sa.Column("lesson_id", sa.String(length=32), nullable=True),
        sa.Column("picked", sa.String(length=40), nullable=True),
        sa.Column("handed_off_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_by", sa.String(length=64), nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("faq_question", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_faq_question_asked_at"), ["asked_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_faq_question_handed_off_at"), ["handed_off_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_faq_question_learner_id"), ["learner_id"], unique=False)

    op.create_table(
        "reply_draft",
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("user_id"),
    )
    op.create_table(
        "staff_role",
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("user_id"),
    )


def downgrade() -> None:
    op.drop_table("staff_role")
    op.drop_table("reply_draft")
    with op.batch_alter_table("faq_question", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_faq_question_learner_id"))
        batch_op.drop_index(batch_op.f("ix_faq_question_handed_off_at"))
        batch_op.drop_index(batch_op.f("ix_faq_question_asked_at"))

    op.drop_table("faq_question")
    op.drop_table("cohort")
