"""A learner as the core sees them: profile, where they are (their place), and their progress.

The place is small and serialisable so the store keeps it in one column, and a restart or a
second worker picks the conversation up exactly where it was.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from bot.content.models import Tier


class Screen(StrEnum):
    welcome = "welcome"
    name = "name"
    menu = "menu"
    more = "more"
    tracks = "tracks"
    track = "track"
    tier = "tier"
    locked = "locked"
    step = "step"
    question = "question"
    finished = "finished"
    placement = "placement"
    placed = "placed"
    progress = "progress"
    forget = "forget"
    language = "language"
    reminders = "reminders"
    reminder_hours = "reminder_hours"
    reminder_zones = "reminder_zones"
    evidence = "evidence"  # waiting for the photo, number or text a practice task asks for
    income = "income"  # waiting for the amount a learner volunteers with /income
    follow_up = "follow_up"  # a follow-up's amounts, after the learner said it brought something


# Screens where the learner is in the middle of something; Continue brings them back to it.
WORK_SCREENS = frozenset({Screen.step, Screen.question, Screen.placement, Screen.evidence, Screen.follow_up})


@dataclass(frozen=True)
class Place:
    """Where a learner is in the conversation."""

    screen: Screen = Screen.welcome
    track: str | None = None
    tier: Tier | None = None
    lesson: str | None = None
    step: int = 0
    question: int = 0
    answers: tuple[int, ...] = ()  # placement answers so far
    last: str = ""  # the last button action applied, so a double tap is recognised
    asked: str = ""  # the learner's latest free-text question, kept so they can send it to a trainer
    offered: tuple[str, ...] = ()  # FAQ entries offered as "Did you mean…?", so typing 1–3 picks one
    resume: Place | None = None  # the work screen left for Home and the like: what Continue shows

    def to_json(self) -> str:
        return json.dumps(self._data(), ensure_ascii=False, separators=(",", ":"))

    def _data(self) -> dict[str, Any]:
        data = {k: v for k, v in asdict(self).items() if k != "resume"}
        data["answers"] = list(self.answers)
        data["offered"] = list(self.offered)
        if self.resume is not None:
            data["resume"] = self.resume._data()
        return data

    @classmethod
    def from_json(cls, raw: str | None) -> Place:
        if not raw:
            return cls()
        try:
            return cls._from_data(json.loads(raw))
        except (ValueError, KeyError, TypeError, AttributeError):
            # A place saved by an older version we can't read: start from the menu, progress kept.
            return cls(screen=Screen.menu)

    @classmethod
    def _from_data(cls, data: dict[str, Any]) -> Place:
        resume = data.get("resume")
        return cls(
            screen=Screen(data.get("screen", "welcome")),
            track=data.get("track"),
            tier=Tier(data["tier"]) if data.get("tier") else None,
            lesson=data.get("lesson"),
            step=int(data.get("step", 0)),
            question=int(data.get("question", 0)),
            answers=tuple(int(a) for a in data.get("answers", ())),
            last=str(data.get("last", "")),
            asked=str(data.get("asked", "")),
            offered=tuple(str(o) for o in data.get("offered", ())),
            resume=cls._from_data(resume) if isinstance(resume, dict) else None,
        )

    def moved(self, **changes: object) -> Place:
        return replace(self, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Profile:
    learner_id: int
    lang: str
    name: str
    cohort: str | None = None
    reminders_on: bool = True
    reminder_hour: int = 19  # local time
    timezone: str = "Asia/Shanghai"


@dataclass(frozen=True)
class Progress:
    """What a learner has done, as the rules need it."""

    completed: frozenset[str] = frozenset()
    started: dict[str, int] = field(default_factory=dict)  # lesson -> last step seen, not done
    unlocked: dict[str, Tier] = field(default_factory=dict)
    open_tasks: tuple[str, ...] = ()  # lessons whose practice task the learner put off ("Later")
    done_tasks: frozenset[str] = frozenset()  # lessons whose practice task is reported done
    awaiting: str | None = None  # a lesson whose follow-up question was sent and not yet answered
    streak: int = 0  # days in a row (local time, up to today or yesterday) with a step learned

    def tier_unlocked(self, track: str, tier: Tier) -> bool:
        return tier.rank <= self.unlocked.get(track, Tier.basic).rank


@dataclass(frozen=True)
class LearnerView:
    profile: Profile
    place: Place
    progress: Progress
    last_active: datetime | None = None
    is_new: bool = False


# Changes the engine asks the store to record. The store applies them in one transaction.


@dataclass(frozen=True)
class StepShown:
    lesson: str
    step: int
    action: str  # open / next / back / repeat / resume


@dataclass(frozen=True)
class Answered:
    lesson: str
    question: int
    option: int
    correct: bool


@dataclass(frozen=True)
class LessonStarted:
    lesson: str


@dataclass(frozen=True)
class LessonCompleted:
    lesson: str


@dataclass(frozen=True)
class TierUnlocked:
    track: str
    tier: Tier
    reason: str  # completed / placement


@dataclass(frozen=True)
class PlacementTaken:
    track: str
    answers: tuple[int, ...]
    placed: Tier


@dataclass(frozen=True)
class ProfileSet:
    lang: str | None = None
    name: str | None = None
    cohort: str | None = None


@dataclass(frozen=True)
class TierCompleted:
    """Every lesson of a tier is done: a badge, and a certificate to send."""

    track: str
    tier: Tier


@dataclass(frozen=True)
class RemindersSet:
    on: bool
    hour: int | None = None
    timezone: str | None = None


@dataclass(frozen=True)
class PracticeReported:
    """A practice task done (with its evidence, if any) or put off for later."""

    lesson: str
    status: str  # done / later
    evidence_kind: str = "none"  # none / photo / number / text
    evidence: str | None = None  # a Telegram file id, a number or a few words
    follow_up_days: int | None = None  # ask what it brought this many days later (if the lesson asks)


@dataclass(frozen=True)
class OutcomeReported:
    """What applying a lesson brought: asked by a follow-up, or volunteered with /income."""

    lesson: str | None
    value: float
    unit: str
    asked: bool
    exact: bool = True  # false when the learner tapped a range button: the value is its middle


@dataclass(frozen=True)
class QuestionAsked:
    """A free-text question and what the FAQ matcher decided about it."""

    text: str
    lang: str
    decision: str
    best_id: str | None
    best_score: float | None
    offered: tuple[str, ...]
    lesson: str | None  # the lesson the learner was in, if any


@dataclass(frozen=True)
class QuestionPicked:
    """The learner tapped one of the offered choices (an entry id) or "none" of them."""

    picked: str


@dataclass(frozen=True)
class HandoffRequested:
    """The learner agreed to send their latest question to a person."""


Change = (
    StepShown
    | Answered
    | LessonStarted
    | LessonCompleted
    | TierUnlocked
    | PlacementTaken
    | ProfileSet
    | RemindersSet
    | TierCompleted
    | PracticeReported
    | OutcomeReported
    | QuestionAsked
    | QuestionPicked
    | HandoffRequested
)
