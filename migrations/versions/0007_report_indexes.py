"""report indexes: a learner's furthest step in a lesson, and first tries at check questions

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 13:30:00

The administrator report (`bot/reports/queries.py`) at 100,000 learners:
- `ix_step_event_learner_lesson_step` finds the furthest step of each unfinished lesson with one
  seek (drop-off by step), instead of reading all of the learner's events;
- `ix_check_answer_first_try` hands the first-try query each question's answers learner by learner
  in time order, with the answer's correctness: no sort and no table read.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("step_event", schema=None) as batch_op:
        batch_op.create_index(
            "ix_step_event_learner_lesson_step", ["learner_id", "lesson_id", "step"], unique=False
        )
    with op.batch_alter_table("check_answer", schema=None) as batch_op:
        batch_op.create_index(
            "ix_check_answer_first_try",
            ["lesson_id", "question", "learner_id", "at", "correct"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("check_answer", schema=None) as batch_op:
        batch_op.drop_index("ix_check_answer_first_try")
    with op.batch_alter_table("step_event", schema=None) as batch_op:
        batch_op.drop_index("ix_step_event_learner_lesson_step")
