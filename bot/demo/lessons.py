"""The lessons as the demo learners meet them: each lesson's steps, hazards (where people stop) and
check questions' first-try chances, fixed by the content (the same for every seed); and a learner's
running story while their history is written."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from bot.content.loader import Curriculum
from bot.content.models import Evidence, Tier, Unit
from bot.core.state import Screen
from bot.demo.constants import HARD_STEP_FACTOR, TIER_HAZARD


@dataclass(frozen=True)
class Question:
    options: int
    right: int
    first_try: float  # chance the first answer is right


@dataclass(frozen=True)
class LessonPlan:
    id: str
    track: str
    tier: Tier
    rank: int  # the tier's rank: 0 basic, 1 intermediate, 2 advanced
    steps: int
    hazards: tuple[float, ...]
    read_factor: tuple[float, ...]
    voice: tuple[bool, ...]
    questions: tuple[Question, ...]
    evidence: Evidence
    follow_days: int | None
    unit: Unit | None
    ends_tier: bool


def lesson_plans(curriculum: Curriculum) -> dict[str, list[LessonPlan]]:
    """Per track, its lessons in teaching order with their difficulty (fixed by the content)."""
    plans: dict[str, list[LessonPlan]] = {}
    for track in curriculum.track_ids:
        out: list[LessonPlan] = []
        for tier in Tier:
            cell = curriculum.lessons_in(track, tier)
            for i, lesson in enumerate(cell):
                r = random.Random(f"farmskills-demo:{lesson.id}")
                hard = r.randrange(1, len(lesson.steps)) if len(lesson.steps) > 1 else 0
                base = TIER_HAZARD[tier]
                hazards = tuple(
                    base * (HARD_STEP_FACTOR if s == hard else 1.0) for s in range(len(lesson.steps))
                )
                questions = []
                for q in lesson.questions:
                    u = r.random()
                    p = 0.50 + 0.15 * r.random() if u < 0.25 else 0.72 + 0.23 * r.random()
                    questions.append(Question(len(q.options), q.right_index, max(0.5, p - 0.03 * tier.rank)))
                follow = lesson.practice.follow_up
                out.append(
                    LessonPlan(
                        id=lesson.id,
                        track=track,
                        tier=tier,
                        rank=tier.rank,
                        steps=len(lesson.steps),
                        hazards=hazards,
                        read_factor=tuple(1.6 if s == hard else 1.0 for s in range(len(lesson.steps))),
                        voice=tuple(bool(s.voice and (s.voice.zh or s.voice.en)) for s in lesson.steps),
                        questions=tuple(questions),
                        evidence=lesson.practice.evidence,
                        follow_days=follow.after_days if follow else None,
                        unit=follow.unit if follow else None,
                        ends_tier=i == len(cell) - 1,
                    )
                )
        plans[track] = out
    return plans


@dataclass
class Story:
    """One learner's running state while their history is written."""

    id: int
    lang: str
    cohort: int | None
    active: bool
    last: int  # latest moment the learner did something
    sittings: list[int] = field(default_factory=list)
    intervals: list[tuple[str, int, int]] = field(default_factory=list)  # lesson, started, ended
    place: tuple[Any, ...] = (Screen.menu,)
    first_step_seen: bool = False
    completed: int = 0
