"""The database tables. Only what the brief allows is stored: no phone numbers, no locations.

Event tables (steps, answers, reports, outcomes) are append-only with timestamps, so reports can
measure drop-off and outcomes over time.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Column, Index, UniqueConstraint
from sqlalchemy import Text as SAText
from sqlmodel import Field, SQLModel


class _Table(SQLModel):
    # Rows are made and read without pydantic's validation, so its validators are built only if
    # something asks for them: a third of what defining the tables costs at every start.
    model_config = {"defer_build": True}


class Learner(_Table, table=True):
    __table_args__ = (UniqueConstraint("channel", "external_id", name="uq_learner_channel_user"),)

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=16)  # telegram / console
    external_id: str = Field(max_length=64)  # the channel's user id (Telegram user id)
    name: str = Field(default="", max_length=40)
    lang: str = Field(default="zh", max_length=8)
    cohort: str | None = Field(default=None, max_length=32, index=True)
    place: str = Field(default="", sa_column=Column(SAText, nullable=False, default=""))
    created_at: datetime
    last_active_at: datetime
    active: bool = True  # false once the learner has blocked the bot
    reminders_on: bool = True
    reminder_hour: int = 19  # local hour for the daily nudge
    timezone: str | None = Field(default=None, max_length=40)  # None: the bot's default time zone
    # The streak, kept as steps are learned (not recounted from every step event on each update):
    # the latest local day with a step learned, and how many days in a row end on it.
    streak_day: date | None = None
    streak_days: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class LessonProgress(_Table, table=True):
    __tablename__ = "lesson_progress"
    __table_args__ = (UniqueConstraint("learner_id", "lesson_id", name="uq_progress_lesson"),)

    id: int | None = Field(default=None, primary_key=True)
    learner_id: int = Field(index=True)
    lesson_id: str = Field(max_length=32)
    track: str = Field(max_length=24)
    tier: str = Field(max_length=16)
    status: str = Field(max_length=16)  # started / completed
    step: int = 0
    started_at: datetime
    completed_at: datetime | None = None


class TrackProgress(_Table, table=True):
    __tablename__ = "track_progress"

    learner_id: int = Field(primary_key=True)
    track: str = Field(primary_key=True, max_length=24)
    unlocked_tier: str = Field(max_length=16)
    placed_tier: str | None = Field(default=None, max_length=16)
    updated_at: datetime


class StepEvent(_Table, table=True):
    __tablename__ = "step_event"
    __table_args__ = (
        Index("ix_step_event_lesson", "lesson_id", "step"),
        # The report's drop-off: each learner's furthest step in each lesson, read from the index.
        Index("ix_step_event_learner_lesson_step", "learner_id", "lesson_id", "step"),
    )

    id: int | None = Field(default=None, primary_key=True)
    learner_id: int = Field(index=True)
    lesson_id: str = Field(max_length=32)
    step: int
    action: str = Field(max_length=16)
    at: datetime = Field(index=True)


class CheckAnswer(_Table, table=True):
    __tablename__ = "check_answer"
    __table_args__ = (
        Index("ix_check_answer_lesson", "lesson_id", "question"),
        # The report's first-try rate: each learner's earliest answer per question, from the index.
        Index("ix_check_answer_first_try", "lesson_id", "question", "learner_id", "at", "correct"),
    )

    id: int | None = Field(default=None, primary_key=True)
    learner_id: int = Field(index=True)
    lesson_id: str = Field(max_length=32)
    question: int
    option: int
    correct: bool
    at: datetime


class PlacementResult(_Table, table=True):
    __tablename__ = "placement_result"

    id: int | None = Field(default=None, primary_key=True)
    learner_id: int = Field(index=True)
    track: str = Field(max_length=24)
    answers: str = Field(max_length=32)
    placed_tier: str = Field(max_length=16)
    at: datetime


class PracticeReport(_Table, table=True):
    __tablename__ = "practice_report"

    id: int | None = Field(default=None, primary_key=True)
    learner_id: int = Field(index=True)
    lesson_id: str = Field(max_length=32, index=True)
    status: str = Field(max_length=16)  # done / later
    evidence_kind: str = Field(default="none", max_length=16)
    evidence: str | None = Field(default=None, max_length=500)  # a number, text or a file id
    at: datetime


class Outcome(_Table, table=True):
    __tablename__ = "outcome"

    id: int | None = Field(default=None, primary_key=True)
    learner_id: int = Field(index=True)
    lesson_id: str | None = Field(default=None, max_length=32, index=True)
    value: float
    unit: str = Field(max_length=16)
    asked: bool  # true when it answered the bot's follow-up, false when volunteered
    exact: bool = True  # false when a range button was tapped (the value is the range's middle)
    at: datetime


class Outbox(_Table, table=True):
    """Everything the bot says, written in the same transaction as the change it answers; a sender
    delivers each row and deletes it, so after a crash what was committed and not yet sent goes out.

    Keyed by channel and the channel's user id, so every channel uses the same path. `claimed_until`
    is a sender's lease on the row: another sender takes it over only once the lease has run out.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_due", "channel", "status", "next_at"),
        Index("ix_outbox_user", "channel", "user_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=16)
    user_id: str = Field(max_length=64)
    payload: str = Field(sa_column=Column(SAText, nullable=False))
    status: str = Field(default="pending", max_length=12)  # pending / failed
    priority: int = 0  # 0: a reply someone is waiting for; 1: scheduled (reminders, follow-ups)
    reason: str | None = Field(default=None, max_length=200)  # why it failed: blocked, chat not found
    attempts: int = 0
    next_at: datetime
    claimed_by: str | None = Field(default=None, max_length=32)  # the sender holding the lease
    claimed_until: datetime | None = None
    created_at: datetime


class StepMedia(_Table, table=True):
    """A photo or voice note a trainer attached to a lesson step from their phone (`/attach`),
    kept as the channel's own file reference: nothing is downloaded or stored but the id."""

    __tablename__ = "step_media"

    lesson_id: str = Field(primary_key=True, max_length=32)
    step: int = Field(primary_key=True)  # counted from 0, as places count steps
    kind: str = Field(primary_key=True, max_length=8)  # photo / voice
    ref: str = Field(max_length=300)  # "<channel>:<file id>"
    added_by: str = Field(max_length=64)
    added_at: datetime


class AttachDraft(_Table, table=True):
    """A trainer who sent /attach: the next photo or voice note they send goes to this step."""

    __tablename__ = "attach_draft"

    user_id: str = Field(primary_key=True, max_length=64)
    lesson_id: str = Field(max_length=32)
    step: int
    started_at: datetime


class InboundUpdate(_Table, table=True):
    """The journal of updates received: written before Telegram is told they arrived, marked handled
    in the same transaction as their effects, so an update is handled at least once and its effects
    happen once. The payload is dropped once handled; the row stays a day to recognise re-deliveries.
    """

    __tablename__ = "inbound_update"
    __table_args__ = (Index("ix_inbound_update_open", "handled_at", "received_at"),)

    channel: str = Field(primary_key=True, max_length=16)
    update_id: int = Field(primary_key=True, sa_type=BigInteger)
    payload: str | None = Field(default=None, sa_column=Column(SAText, nullable=True))
    received_at: datetime
    handled_at: datetime | None = None
    status: str = Field(default="new", max_length=12)  # new / handled / skipped


class FaqQuestion(_Table, table=True):
    """A question typed to the bot, what the matcher decided, and any answer a person gave."""

    __tablename__ = "faq_question"

    id: int | None = Field(default=None, primary_key=True)
    learner_id: int = Field(index=True)
    asked_at: datetime = Field(index=True)
    lang: str = Field(max_length=8)
    text: str = Field(max_length=500)
    decision: str = Field(max_length=8)  # answer / choices / none
    best_id: str | None = Field(default=None, max_length=40)
    best_score: float | None = None
    offered: str = Field(default="", max_length=200)  # entry ids shown, comma-separated
    lesson_id: str | None = Field(default=None, max_length=32)  # asked in the middle of this lesson
    picked: str | None = Field(default=None, max_length=40)  # the choice tapped, or "none"
    handed_off_at: datetime | None = Field(default=None, index=True)
    answered_at: datetime | None = None
    answered_by: str | None = Field(default=None, max_length=64)
    answer: str | None = Field(default=None, sa_column=Column(SAText, nullable=True))


class Cohort(_Table, table=True):
    """A group of learners (usually a village) and the trainer who looks after them."""

    code: str = Field(primary_key=True, max_length=32)
    name: str = Field(default="", max_length=80)
    trainer_id: str | None = Field(default=None, max_length=64)  # the trainer's Telegram user id
    created_at: datetime


class StaffRole(_Table, table=True):
    """Admins and trainers granted with `farmskills users grant` (FARMSKILLS_ADMINS adds admins too)."""

    __tablename__ = "staff_role"

    user_id: str = Field(primary_key=True, max_length=64)
    role: str = Field(max_length=16)  # admin / trainer
    granted_at: datetime


class ReplyDraft(_Table, table=True):
    """A trainer who tapped Reply: their next text message answers this question."""

    __tablename__ = "reply_draft"

    user_id: str = Field(primary_key=True, max_length=64)
    question_id: int
    started_at: datetime


class Nudge(_Table, table=True):
    """A message the bot sends unasked at a set time: a follow-up question or a reminder.

    The key makes each nudge unique per learner (the lesson for a follow-up, the local date for a
    reminder), and sending claims the row first, so two running bots never send one twice.
    """

    __tablename__ = "nudge"
    __table_args__ = (UniqueConstraint("learner_id", "kind", "key", name="uq_nudge_learner_kind_key"),)

    id: int | None = Field(default=None, primary_key=True)
    learner_id: int = Field(index=True)
    kind: str = Field(max_length=16)  # follow_up / reminder
    key: str = Field(max_length=40)
    lesson_id: str | None = Field(default=None, max_length=32)
    due_at: datetime = Field(index=True)
    sent_at: datetime | None = None
    answered_at: datetime | None = None


class Mentor(_Table, table=True):
    """A learner who finished every advanced lesson of a track and offered to help their cohort.

    invited → offered (the learner said yes) → confirmed or declined by a trainer or an admin;
    not_now when the learner would rather not, for now (they are asked again after another track).
    """

    learner_id: int = Field(primary_key=True)
    cohort: str = Field(max_length=32, index=True)
    track: str = Field(max_length=24)  # the track whose advanced lessons they finished
    status: str = Field(max_length=16)
    invited_at: datetime
    decided_at: datetime | None = None
    decided_by: str | None = Field(default=None, max_length=64)


class Lease(_Table, table=True):
    """Who does a deployment-wide job right now (sending to Telegram, the scheduled jobs): one
    worker holds the lease and renews it; when it dies, another takes it over once it runs out."""

    __tablename__ = "lease"

    name: str = Field(primary_key=True, max_length=32)
    holder: str = Field(max_length=64)  # the worker, e.g. "tg-<host>-<pid>-<random>"
    until: datetime
