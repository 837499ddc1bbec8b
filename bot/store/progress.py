"""ProgressStore: the repository between the core and the database.

It loads a learner as the engine sees them (`LearnerView`) and records the engine's changes and
the learner's new place in one transaction, committed before any reply is sent.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from contextvars import ContextVar
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, delete, func, insert, update
from sqlmodel import Session, SQLModel, select

from bot.content.models import Tier
from bot.core.schedule import follow_up_time, local
from bot.core.state import (
    Answered,
    Change,
    HandoffRequested,
    LearnerView,
    LessonCompleted,
    LessonStarted,
    OutcomeReported,
    Place,
    PlacementTaken,
    PracticeReported,
    Profile,
    ProfileSet,
    Progress,
    QuestionAsked,
    QuestionPicked,
    RemindersSet,
    StepShown,
    TierUnlocked,
)
from bot.store.database import flush_new, open_session
from bot.store.progress_read import read_progress
from bot.store.tables import (
    CheckAnswer,
    FaqQuestion,
    Learner,
    LessonProgress,
    Mentor,
    Nudge,
    Outcome,
    PlacementResult,
    PracticeReport,
    StepEvent,
    TrackProgress,
)

# Every table that holds something about one learner, for export and deletion.
LEARNER_TABLES: tuple[type[SQLModel], ...] = (
    LessonProgress,
    TrackProgress,
    StepEvent,
    CheckAnswer,
    PlacementResult,
    PracticeReport,
    Outcome,
    FaqQuestion,
    Nudge,
    Mentor,
)


# The statements every update runs, built once (building one costs more than running it).
_LEARNER_FOR_UPDATE = (
    select(Learner)
    .where(Learner.channel == bindparam("ch"), Learner.external_id == bindparam("ext"))
    .with_for_update()
)
# The learner's columns an engine change may set (`_apply`); `record` writes those that changed.
_PROFILE_FIELDS = (
    "lang",
    "name",
    "cohort",
    "reminders_on",
    "reminder_hour",
    "timezone",
    "streak_day",
    "streak_days",
)
# SET takes the columns the parameters name: the place and activity always, else what changed.
_LEARNERS: Any = Learner.__table__  # type: ignore[attr-defined]
_SAVE_LEARNER = update(_LEARNERS).where(_LEARNERS.c.id == bindparam("lid"))
_INSERT_STEP_EVENT = insert(StepEvent)
_INSERT_ANSWER = insert(CheckAnswer)
_PROGRESS_ROW = select(LessonProgress).where(
    LessonProgress.learner_id == bindparam("lid"), LessonProgress.lesson_id == bindparam("lesson")
)


def utcnow() -> datetime:
    return datetime.now(UTC)


class ProgressStore:
    """Reads and writes learners and their progress. Synchronous: call it from a thread in async code."""

    def __init__(
        self,
        engine: Engine,
        lessons: dict[str, tuple[str, Tier]] | None = None,
        timezone: str = "Asia/Shanghai",
    ) -> None:
        self.engine = engine
        self.lessons = lessons or {}  # lesson id -> (track, tier), to file progress rows
        self.timezone = timezone  # the default local time, for learners who did not pick one

    def zone_of(self, learner: Learner) -> str:
        return learner.timezone or self.timezone

    def session(self) -> Session:
        return open_session(self.engine)

    # ----- learners --------------------------------------------------------------------------

    def learner(self, learner_id: int) -> Learner | None:
        with self.session() as s:
            return s.get(Learner, learner_id)

    def find(self, channel: str, external_id: str) -> Learner | None:
        with self.session() as s:
            return s.exec(
                select(Learner).where(Learner.channel == channel, Learner.external_id == external_id)
            ).first()

    def find_or_create(
        self, channel: str, external_id: str, *, lang: str, name: str, now: datetime
    ) -> tuple[Learner, bool]:
        with self.session() as s:
            learner, created = self._find_or_create(s, channel, external_id, lang, name, now)
            s.commit()
        return learner, created

    def _find_or_create(
        self, s: Session, channel: str, external_id: str, lang: str, name: str, now: datetime
    ) -> tuple[Learner, bool]:
        # FOR UPDATE: on PostgreSQL the learner's row stays locked until the update's transaction
        # ends, so two processes handling one learner take turns (SQLite's write lock already
        # does that; it ignores the clause).
        who = {"ch": channel, "ext": external_id}
        existing = s.exec(_LEARNER_FOR_UPDATE, params=who).first()
        if existing is not None:
            return existing, False
        learner = Learner(
            channel=channel,
            external_id=external_id,
            lang=lang,
            name=name[:40],
            place=Place().to_json(),
            created_at=now,
            last_active_at=now,
        )
        if not flush_new(s, learner):
            # Two updates from a new learner raced; the other one created the row.
            return s.exec(_LEARNER_FOR_UPDATE, params=who).one(), False
        return learner, True

    def load(self, channel: str, external_id: str, *, lang: str, name: str, now: datetime) -> LearnerView:
        """The learner as the engine sees them, created on their first update: one session, and
        for a new learner no progress to read at all."""
        with self.session() as s:
            learner, created = self._find_or_create(s, channel, external_id, lang, name, now)
            view = self._view(s, learner, created)
            s.commit()
            _remember(s, learner)
        return view

    def view(self, learner: Learner, is_new: bool = False) -> LearnerView:
        with self.session() as s:
            return self._view(s, learner, is_new)

    def _view(self, s: Session, learner: Learner, is_new: bool) -> LearnerView:
        assert learner.id is not None
        progress = Progress() if is_new else self._progress(s, learner)
        profile = Profile(
            learner.id,
            learner.lang,
            learner.name,
            learner.cohort,
            learner.reminders_on,
            learner.reminder_hour,
            self.zone_of(learner),
        )
        return LearnerView(
            profile,
            Place.from_json(learner.place),
            progress,
            None if is_new else learner.last_active_at,
            is_new,
        )

    def _progress(self, s: Session, learner: Learner) -> Progress:
        assert learner.id is not None
        return read_progress(s.connection(), learner.id, streak_today(learner, self.zone_of(learner)))

    # ----- recording -------------------------------------------------------------------------

    def record(self, learner_id: int, changes: Iterable[Change], place: Place, now: datetime) -> None:
        """Apply the engine's changes and the new place atomically."""
        with self.session() as s:
            learner = _loaded_in(s, learner_id)
            if learner is None:
                learner = s.get(Learner, learner_id)
                if learner is None:
                    return  # deleted meanwhile (/forget): nothing to record
                s.expunge(learner)  # saved below by one UPDATE, not by the session's flush
            before = {name: getattr(learner, name) for name in _PROFILE_FIELDS}
            for change in changes:
                self._apply(s, learner, change, now)
            learner.place = place.to_json()
            learner.last_active_at = now
            learner.active = True
            # Only what changed, as the ORM would write it: one UPDATE, no merge and no flush of it.
            saved = {
                name: getattr(learner, name)
                for name in _PROFILE_FIELDS
                if getattr(learner, name) != before[name]
            }
            values = {"place": learner.place, "last_active_at": now, "active": True, **saved}
            s.connection().execute(_SAVE_LEARNER, {"lid": learner_id, **values})
            s.commit()
            _remember(s, learner)

    def _nudge(self, s: Session, learner_id: int, kind: str, key: str) -> Nudge | None:
        query = select(Nudge).where(Nudge.learner_id == learner_id, Nudge.kind == kind, Nudge.key == key)
        return s.exec(query).first()

    def _progress_row(self, s: Session, learner_id: int, lesson_id: str, now: datetime) -> LessonProgress:
        # One update often names the same lesson twice (started, a step shown): read it once.
        known: dict[tuple[int, str], LessonProgress] = s.info.setdefault("progress_rows", {})
        if (learner_id, lesson_id) in known:
            return known[(learner_id, lesson_id)]
        row = s.exec(_PROGRESS_ROW, params={"lid": learner_id, "lesson": lesson_id}).first()
        if row is None:
            track, tier = self.lessons.get(lesson_id, ("", Tier.basic))
            row = LessonProgress(
                learner_id=learner_id,
                lesson_id=lesson_id,
                track=track,
                tier=tier.value,
                status="started",
                step=0,
                started_at=now,
            )
            s.add(row)
        known[(learner_id, lesson_id)] = row
        return row

    def _apply(self, s: Session, learner: Learner, change: Change, now: datetime) -> None:
        lid = learner.id
        assert lid is not None
        match change:
            case ProfileSet(lang=lang, name=name, cohort=cohort):
                if lang:
                    learner.lang = lang
                if name:
                    learner.name = name[:40]
                if cohort:
                    learner.cohort = cohort
            case RemindersSet(on=on, hour=hour, timezone=zone):
                learner.reminders_on = on
                if hour is not None:
                    learner.reminder_hour = hour
                if zone is not None:
                    learner.timezone = zone
            case LessonStarted(lesson=lesson):
                self._progress_row(s, lid, lesson, now)
            case QuestionAsked():
                s.add(
                    FaqQuestion(
                        learner_id=lid,
                        asked_at=now,
                        lang=change.lang,
                        text=change.text[:500],
                        decision=change.decision,
                        best_id=change.best_id,
                        best_score=change.best_score,
                        offered=",".join(change.offered),
                        lesson_id=change.lesson,
                    )
                )
            case PracticeReported():
                s.add(
                    PracticeReport(
                        learner_id=lid,
                        lesson_id=change.lesson,
                        status=change.status,
                        evidence_kind=change.evidence_kind,
                        evidence=change.evidence[:500] if change.evidence else None,
                        at=now,
                    )
                )
                days = change.follow_up_days
                if days is not None and self._nudge(s, lid, "follow_up", change.lesson) is None:
                    s.add(
                        Nudge(
                            learner_id=lid,
                            kind="follow_up",
                            key=change.lesson,
                            lesson_id=change.lesson,
                            due_at=follow_up_time(now, days, self.zone_of(learner)),
                        )
                    )
            case OutcomeReported():
                s.add(
                    Outcome(
                        learner_id=lid,
                        lesson_id=change.lesson,
                        value=change.value,
                        unit=change.unit,
                        asked=change.asked,
                        exact=change.exact,
                        at=now,
                    )
                )
                if change.asked and change.lesson:
                    nudge = self._nudge(s, lid, "follow_up", change.lesson)
                    if nudge is not None and nudge.answered_at is None:
                        nudge.answered_at = now
                        s.add(nudge)
            case QuestionPicked(picked=picked):
                latest = latest_question(s, lid)
                if latest is not None:
                    latest.picked = picked[:40]
                    s.add(latest)
            case HandoffRequested():
                latest = latest_question(s, lid)
                if latest is not None and latest.handed_off_at is None:
                    latest.handed_off_at = now
                    s.add(latest)
            case StepShown(lesson=lesson, step=step, action=action):
                # Append-only rows go in by a plain INSERT: nothing reads them back in this update.
                event = {"learner_id": lid, "lesson_id": lesson, "step": step, "action": action, "at": now}
                s.connection().execute(_INSERT_STEP_EVENT, event)
                step_learned(learner, local(now, self.zone_of(learner)).date())
                row = self._progress_row(s, lid, lesson, now)
                if row.status == "started":
                    row.step = step
            case Answered(lesson=lesson, question=q, option=opt, correct=ok):
                answer = {"lesson_id": lesson, "question": q, "option": opt, "correct": ok, "at": now}
                s.connection().execute(_INSERT_ANSWER, {"learner_id": lid, **answer})
            case LessonCompleted(lesson=lesson):
                row = self._progress_row(s, lid, lesson, now)
                if row.status != "completed":
                    row.status = "completed"
                    row.completed_at = now
            case TierUnlocked(track=track, tier=tier, reason=reason):
                tp = s.get(TrackProgress, (lid, track))
                if tp is None:
                    tp = TrackProgress(learner_id=lid, track=track, unlocked_tier=tier.value, updated_at=now)
                elif Tier(tp.unlocked_tier).rank < tier.rank:
                    tp.unlocked_tier = tier.value
                tp.updated_at = now
                if reason == "placement":
                    tp.placed_tier = tier.value
                s.add(tp)
            case PlacementTaken(track=track, answers=answers, placed=placed):
                s.add(
                    PlacementResult(
                        learner_id=lid,
                        track=track,
                        answers=",".join(map(str, answers)),
                        placed_tier=placed.value,
                        at=now,
                    )
                )

    def touch(self, learner_id: int, now: datetime) -> None:
        with self.session() as s:
            learner = s.get(Learner, learner_id)
            if learner is not None:
                learner.last_active_at = now
                s.add(learner)
                s.commit()

    def set_active(self, learner_id: int, active: bool) -> None:
        with self.session() as s:
            learner = s.get(Learner, learner_id)
            if learner is not None:
                learner.active = active
                s.add(learner)
                s.commit()

    # ----- privacy ---------------------------------------------------------------------------

    def counts(self, learner_id: int) -> dict[str, int]:
        with self.session() as s:

            def count(model: Any, *where: Any) -> int:
                return int(s.exec(select(func.count()).select_from(model).where(*where)).one())

            return {
                "completed": count(
                    LessonProgress,
                    LessonProgress.learner_id == learner_id,
                    LessonProgress.status == "completed",
                ),
                "answers": count(CheckAnswer, CheckAnswer.learner_id == learner_id),
                "outcomes": count(Outcome, Outcome.learner_id == learner_id),
            }

    def export(self, learner_id: int) -> dict[str, Any]:
        """Everything stored about one learner, as plain JSON-ready data."""
        with self.session() as s:
            learner = s.get(Learner, learner_id)
            if learner is None:
                return {}
            data: dict[str, Any] = {"learner": json.loads(learner.model_dump_json(exclude={"place"}))}
            # Where the learner is, field by field (it may hold the last thing they typed).
            data["learner"]["place"] = json.loads(learner.place) if learner.place else {}
            for model in LEARNER_TABLES:
                rows = s.exec(select(model).where(model.learner_id == learner_id)).all()  # type: ignore[attr-defined]
                data[str(model.__tablename__)] = [json.loads(r.model_dump_json()) for r in rows]
        return data

    def forget(self, learner_id: int) -> None:
        """Delete the learner and every row about them, in one transaction."""
        with self.session() as s:
            for model in LEARNER_TABLES:
                s.exec(delete(model).where(model.learner_id == learner_id))  # type: ignore[attr-defined]
            s.exec(delete(Learner).where(Learner.id == learner_id))  # type: ignore[arg-type]
            s.commit()


def days_in_a_row(moments: Iterable[datetime], today_at: datetime, tz: str) -> int:
    """Local days in a row with a step learned, ending today or yesterday (0 if the run is broken)."""
    days = {local(m, tz).date() for m in moments}
    day = local(today_at, tz).date()
    if day not in days:
        day -= timedelta(days=1)
    count = 0
    while day in days:
        count += 1
        day -= timedelta(days=1)
    return count


# The learner row `load` read, with the unit of work's connection it was read on: `record` in the
# same unit starts from it rather than reading the row again. Only ever used on that very
# connection (one transaction, holding the write lock on SQLite), so it cannot be stale.
_loaded: ContextVar[tuple[Connection, Learner] | None] = ContextVar("farmskills_loaded_learner", default=None)


def _remember(s: Session, learner: Learner) -> None:
    if s.bind is not None and isinstance(s.bind, Connection):  # inside a unit of work
        _loaded.set((s.bind, learner))


def _loaded_in(s: Session, learner_id: int) -> Learner | None:
    """The learner row `load` read on this same connection (detached: `record` writes it itself)."""
    known = _loaded.get()
    if known is None or known[0] is not s.bind or known[1].id != learner_id:
        return None
    return known[1]


def streak_today(learner: Learner, tz: str) -> int:
    """`days_in_a_row` from the run kept on the learner row: the same count, without the events."""
    last, run = learner.streak_day, learner.streak_days
    if last is None or run <= 0:
        return 0
    first = last - timedelta(days=run - 1)
    day = local(learner.last_active_at, tz).date()
    if not first <= day <= last:
        day -= timedelta(days=1)
    return (day - first).days + 1 if first <= day <= last else 0


def step_learned(learner: Learner, day: date) -> None:
    """Keep the run of days in a row ending on the latest day with a step learned."""
    last, run = learner.streak_day, learner.streak_days
    if last is None or run <= 0 or day > last + timedelta(days=1):
        learner.streak_day, learner.streak_days = day, 1
    elif day == last + timedelta(days=1):
        learner.streak_day, learner.streak_days = day, run + 1
    elif day == last - timedelta(days=run):
        learner.streak_days = run + 1  # a step stamped just before the run (a clock set back)


def latest_question(s: Session, learner_id: int) -> FaqQuestion | None:
    query = select(FaqQuestion).where(FaqQuestion.learner_id == learner_id)
    return s.exec(query.order_by(FaqQuestion.id.desc())).first()  # type: ignore[union-attr]


def mark_inactive(store: ProgressStore, channel: str, external_id: str) -> None:
    """A learner who blocked the bot: keep their progress, stop sending to them."""
    learner = store.find(channel, external_id)
    if learner is not None and learner.id is not None:
        store.set_active(learner.id, False)
