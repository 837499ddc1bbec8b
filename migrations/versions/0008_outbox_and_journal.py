"""one outbox for everything the bot says, and a journal of received updates

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 02:30:00

- `outbox` replaces `outbox_message`: every reply is written there in the update's own transaction
  and delivered by a sender, keyed by channel and user id (not a Telegram chat id), with a lease
  (`claimed_until`) so two senders never take the same row. Owed rows move across as Telegram's.
- `inbound_update` journals each update before its receipt is confirmed and marks it handled in the
  same transaction as its effects: handled at least once, effects once.
- `step_media` and `attach_draft`: photos and voice notes trainers attach to lesson steps from
  Telegram (`/attach`), kept as Telegram's file ids.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_at", sa.DateTime(), nullable=False),
        sa.Column("claimed_by", sa.String(length=32), nullable=True),
        sa.Column("claimed_until", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_outbox_due", "outbox", ["channel", "status", "next_at"])
    op.create_index("ix_outbox_user", "outbox", ["channel", "user_id", "id"])
    op.execute(
        "INSERT INTO outbox (channel, user_id, payload, status, priority, attempts, next_at, created_at) "
        "SELECT 'telegram', CAST(chat_id AS VARCHAR(64)), payload, 'pending', 0, attempts, "
        "next_at, created_at "
        "FROM outbox_message ORDER BY id"
    )
    op.drop_table("outbox_message")
    op.create_table(
        "inbound_update",
        sa.Column("channel", sa.String(length=16), primary_key=True),
        sa.Column("update_id", sa.BigInteger(), primary_key=True),
        sa.Column("payload", sa.Text(), nullable=True),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("handled_at", sa.DateTime(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
    )
    op.create_index("ix_inbound_update_open", "inbound_update", ["handled_at", "received_at"])
    op.create_table(
        "step_media",
        sa.Column("lesson_id", sa.String(length=32), primary_key=True),
        sa.Column("step", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(length=8), primary_key=True),
        sa.Column("ref", sa.String(length=300), nullable=False),
        sa.Column("added_by", sa.String(length=64), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "attach_draft",
        sa.Column("user_id", sa.String(length=64), primary_key=True),
        sa.Column("lesson_id", sa.String(length=32), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("attach_draft")
    op.drop_table("step_media")
    op.drop_index("ix_inbound_update_open", table_name="inbound_update")
    op.drop_table("inbound_update")
    op.create_table(
        "outbox_message",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("chat_id", sa.Integer(), nullable=False, index=True),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_at", sa.DateTime(), nullable=False, index=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.execute(
        "INSERT INTO outbox_message (chat_id, payload, attempts, next_at, created_at) "
        "SELECT CAST(user_id AS INTEGER), payload, attempts, next_at, created_at FROM outbox "
        "WHERE channel = 'telegram' AND status = 'pending' ORDER BY id"
    )
    op.drop_index("ix_outbox_user", table_name="outbox")
    op.drop_index("ix_outbox_due", table_name="outbox")
    op.drop_table("outbox")
