"""The decision on a scored question: answer, offer choices, or hand it to a person.

`decide` knows nothing of how scores are made (`matcher.py`): it takes the ranked entries and the
thresholds calibrated for the language (`evaluation.calibrate`, which mirrors it vectorised), and
is what the bot and the eval apply.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from bot.content.faq_bank import FaqBank
    from bot.faq.confidence import Confidence

MAX_CHOICES = 3


class Decision(StrEnum):
    answer = "answer"
    choices = "choices"
    none = "none"


@dataclass(frozen=True)
class Scored:
    id: str
    score: float


@dataclass(frozen=True)
class Match:
    decision: Decision
    matches: tuple[Scored, ...]  # the best entries whatever the decision, best first, at most 3
    offered: tuple[str, ...] = ()  # what the learner is shown: the answer, or the choices

    @property
    def best(self) -> Scored | None:
        return self.matches[0] if self.matches else None


class Matcher(Protocol):
    """What the lesson engine asks of a FAQ matcher: its bank, and a decision on a question.

    The engine is typed against this rather than `FaqMatcher`, so that importing it does not import
    the matcher's numeric and Chinese-text stack (the bot answers taps before that is loaded).
    """

    bank: FaqBank

    def match(self, text: str, lang: str) -> Match: ...


@dataclass(frozen=True)
class Thresholds:
    answer: float  # the best score must reach this to answer outright...
    margin: float  # ...and beat the second entry by this much
    choices: float  # below this, nothing is offered
    gap: float = 100.0  # a choice is offered only when this close to the best one
    lead: float = 0.0  # the lead over the runner-up counts this much towards `answer`
    choices_lead: float = 0.0  # ...and this much towards `choices`
    # When set, the confidence model decides whether choices are offered instead of `choices` and
    # `choices_lead` (and, when it has an answer model, whether to answer); `gap` still says
    # which entries are close enough to be offered (`confidence.py`).
    model: Confidence | None = None


def decide(
    ranked: Sequence[Scored], limits: Thresholds, one_word: bool = False, features: Sequence[float] = ()
) -> Match:
    """Answer only on a clear winner; offer the ones close to the best as choices; otherwise say so.

    A question that comes down to one word several entries share (快递, weather, 几点) is never
    answered outright: it names a topic, and what it asks about it may be something no entry answers.
    With a confidence model (and the best entry's `features`), the model says how sure it is.
    """
    top3 = tuple(s for s in ranked[:MAX_CHOICES] if s.score > 0)
    if not top3:
        return Match(Decision.none, top3)
    model = limits.model if features else None
    lead = top3[0].score - (top3[1].score if len(top3) > 1 else 0.0)
    # How sure the best one is: its score, and its lead over the runner-up counted in (a 70 far
    # ahead is as sure as an 85 with a close runner-up; many weak look-alikes are not sure at all).
    above_floor = top3[0].score + limits.choices_lead * lead >= limits.choices
    sureness = top3[0].score + limits.lead * lead
    answer = above_floor and sureness >= limits.answer and lead >= limits.margin
    if not answer and model is not None and model.right is not None and model.answer_at is not None:
        # the model is sure where the rules are not (a long message whose question part matches)
        answer = model.right.probability(features) >= model.answer_at
    if answer and not one_word:
        return Match(Decision.answer, top3, (top3[0].id,))
    # Choices when the model finds a right entry likely among them, or (without one) above a floor.
    offer = model.shown.probability(features) >= model.choices_at if model is not None else above_floor
    if not offer:
        return Match(Decision.none, top3)
    # Choices only when genuinely close to the best one, not merely above the floor.
    close = top3[0].score - limits.gap
    if model is None:
        close = max(limits.choices, close)
    return Match(Decision.choices, top3, tuple(s.id for s in top3 if s.score >= close))
