"""The content schema: what a lesson, a track, a glossary term and a placement question are.

Trainers write these as YAML; pydantic checks every field so that a mistake is reported with the
file and the field, at `farmskills validate` and at start-up, never in the middle of a lesson.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

LANGS: tuple[str, ...] = ("zh", "en")


class Tier(StrEnum):
    basic = "basic"
    intermediate = "intermediate"
    advanced = "advanced"

    @property
    def rank(self) -> int:
        return list(Tier).index(self)

    def next(self) -> Tier | None:
        tiers = list(Tier)
        return tiers[self.rank + 1] if self.rank + 1 < len(tiers) else None


class Evidence(StrEnum):
    none = "none"
    photo = "photo"
    number = "number"
    text = "text"


class Unit(StrEnum):
    yuan = "yuan"
    orders = "orders"
    viewers = "viewers"
    followers = "followers"
    mu = "mu"
    kg = "kg"
    hours = "hours"
    times = "times"
    items = "items"


class _Strict(BaseModel):
    # defer_build: a start that reads checked content back (bot.content.check_cache) never
    # validates, so the validators are built on the first validation, not at import.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class Text(_Strict):
    """A piece of text in every language FarmSkills speaks."""

    zh: NonEmpty
    en: NonEmpty

    def get(self, lang: str) -> str:
        return str(getattr(self, lang))


class OptionalVoice(_Strict):
    zh: str | None = None
    en: str | None = None

    def get(self, lang: str) -> str | None:
        value = getattr(self, lang)
        return str(value) if value else None


class Step(_Strict):
    zh: NonEmpty
    en: NonEmpty
    image: str | None = None
    voice: OptionalVoice | None = None

    def template(self, lang: str) -> str:
        return str(getattr(self, lang))


MIN_OPTIONS = 3  # the right one and two a farmer could believe: a guess is right one time in three
MAX_OPTIONS = 3  # the answer keyboard adds a Home button: 3 options keep it within 4 buttons


class Choice(_Strict):
    """A question with 3 options, one of them right."""

    ask: Text
    options: list[Text] = Field(min_length=MIN_OPTIONS, max_length=MAX_OPTIONS)
    answer: int = Field(ge=1, description="number of the right option, counting from 1")

    @model_validator(mode="after")
    def _answer_is_an_option(self) -> Choice:
        if self.answer > len(self.options):
            raise ValueError(f"answer is {self.answer} but there are only {len(self.options)} options")
        return self

    @property
    def right_index(self) -> int:
        """The right option, counting from 0."""
        return self.answer - 1


class Question(Choice):
    """A check question in a lesson; the explanation is shown after a wrong answer."""

    explain: Text


class FollowUp(_Strict):
    after_days: int = Field(ge=1, le=60)
    question: Text
    unit: Unit


class Practice(_Strict):
    task: Text
    evidence: Evidence = Evidence.none
    follow_up: FollowUp | None = None


LessonId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{2,31}$")]


class Lesson(_Strict):
    id: LessonId
    order: int = Field(ge=1)
    minutes: int = Field(ge=1, le=10)
    title: Text
    steps: list[Step] = Field(min_length=3, max_length=6)
    questions: list[Question] = Field(min_length=1, max_length=3)
    practice: Practice
    # Filled in by the loader from the file's place, not written by trainers.
    track: str = ""
    tier: Tier = Tier.basic
    source: str = ""


class PlacementQuestion(Choice):
    tier: Tier
    explain: Text | None = None  # optional: placement gives no feedback per question
    # Three options (Choice's minimum): a guesser passes a tier one time in 27, not one in eight.


PLACEMENT_PER_TIER = 3  # questions per tier: all right to skip it; a guesser skips basic in (1/3)^3 of tests


class Track(_Strict):
    track: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{1,23}$")]
    order: int = Field(ge=1)
    icon: NonEmpty
    title: Text
    placement: list[PlacementQuestion] = Field(min_length=3 * PLACEMENT_PER_TIER, max_length=12)
    source: str = ""

    @model_validator(mode="after")
    def _placement_by_tier(self) -> Track:
        ranks = [q.tier.rank for q in self.placement]
        if ranks != sorted(ranks):
            raise ValueError("placement questions go in tier order: basic, then intermediate, then advanced")
        for tier in Tier:
            if ranks.count(tier.rank) < PLACEMENT_PER_TIER:
                raise ValueError(f"placement needs at least {PLACEMENT_PER_TIER} {tier.value} questions")
        return self


class Term(_Strict):
    zh: NonEmpty
    en: NonEmpty
    name: Text | None = None

    def display(self, key: str, lang: str) -> str:
        return self.name.get(lang) if self.name else key

    def explanation(self, lang: str) -> str:
        return str(getattr(self, lang))
