"""How sure the matcher is that its best entry is right: a small logistic model over plain signals.

A score and a margin alone cannot tell a right first entry from a look-alike: an 60 may be a
long message whose question part matches perfectly, or a short question sharing one topic word.
The matcher therefore also reports a few signals about its best entry (`FEATURES`): its score and
lead, how much of the question's words it covers and how much of the closest phrasing the
question holds, whether a keyword named it, whether the question asks a kind of thing (cost,
time …) the entry does or doesn't answer, how many pieces of a long message agree on it, how
long the message is, and how much of it is words the bank never uses.

Two logistic models combine them (fitted per language with numpy on the tune split, see
`calibration.py`): P(the best entry is right) decides an outright answer, P(a right entry is among
the first three) decides whether choices are offered. Their weights are in
`content/faq/_matcher.yaml` and can be read: a positive weight makes the matcher surer.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bot.faq.coverage import PhraseRecall, WordCoverage

# The signals about the best entry, in the order the weights are stored.
FEATURES = (
    "score",  # best score / 100
    "lead",  # best score minus the runner-up's, / 100
    "covered",  # share of the question's (IDF-weighted) words the best entry holds, 0–1
    "covered_lead",  # ...minus the runner-up's share
    "held",  # share of the best entry's closest phrasing the question holds, 0–1
    "keyword",  # a keyword of the best entry is in the question (0/1)
    "kind_agrees",  # the question asks a kind of thing (cost, time …) the entry answers (0/1)
    "kind_conflict",  # ...or one it doesn't answer (0/1)
    "agree",  # share of the message's pieces whose best entry is this one
    "words",  # log(1 + content words)
    "unseen",  # share of the question's weight in words the bank never uses
    "topic_only",  # the entry shares one word and the question says another specific one (0/1)
    "chinese",  # read as Chinese (0/1): one model serves both languages
    "alike",  # how like the best entry's closest phrasing the message (or a piece) is, 0–1
    "alike_lead",  # ...minus the runner-up's
)


@dataclass(frozen=True)
class Logistic:
    """P = 1 / (1 + exp(-(bias + Σ weight × feature))), on the features in `FEATURES` order."""

    bias: float
    weights: tuple[float, ...]

    def probability(self, features: Sequence[float]) -> float:
        z = self.bias + sum(w * x for w, x in zip(self.weights, features, strict=True))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        z = self.bias + features @ np.asarray(self.weights)
        return 1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0)))


@dataclass(frozen=True)
class Confidence:
    """The two models and where they decide: answer at `answer_at`, offer choices at `choices_at`."""

    shown: Logistic  # P(a right entry is among the first three)
    choices_at: float
    # P(the best entry is right), and where it answers; None: the score and margin rules answer
    # (cross-validation inside the tune split found them as good at answering, see calibration.py)
    right: Logistic | None = None
    answer_at: float | None = None


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1.0, steps: int = 50) -> Logistic:
    """Logistic regression by Newton's method with an L2 penalty (not on the bias).

    The features are standardised for the fit, so the penalty treats them alike, and the weights
    are turned back to the raw features' scale, rounded so they read well and survive YAML.
    """
    mean = x.mean(axis=0)
    spread = x.std(axis=0)
    spread = np.where(spread > 1e-9, spread, 1.0)
    z = np.hstack([np.ones((len(x), 1)), (x - mean) / spread])
    w = np.zeros(z.shape[1])
    penalty = np.full(z.shape[1], l2)
    penalty[0] = 0.0
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-np.clip(z @ w, -30.0, 30.0)))
        gradient = z.T @ (p - y) + penalty * w
        hessian = (z * (p * (1 - p))[:, None]).T @ z + np.diag(penalty) + 1e-9 * np.eye(len(w))
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.max(np.abs(step)) < 1e-8:
            break
    weights = w[1:] / spread
    bias = w[0] - float(np.sum(weights * mean))
    return Logistic(round(float(bias), 4), tuple(round(float(v), 4) for v in weights))


@dataclass(frozen=True)
class Evidence:
    """What scoring a message found besides the scores, per entry (for the best entry's signals)."""

    covered: np.ndarray  # word coverage of the whole message, 0–100 per entry
    keyword: np.ndarray  # keyword bonus of the whole message per entry
    agree: np.ndarray  # share of the message's pieces on which each entry scored best
    recall: PhraseRecall  # how much of a phrasing the message holds, asked for the best entry only
    said: list[str]  # the message's units
    lacking: np.ndarray | None  # per entry: the question asks a kind of thing it doesn't answer
    words: int  # content words in the message
    unseen: float  # share of the message's weight in units the bank never uses
    alike: np.ndarray  # per entry: how like its closest phrasing the message or a piece of it is, 0–100


def gather(
    coverage: WordCoverage,
    recall: PhraseRecall,
    said: list[str],
    words: int,
    covered: np.ndarray,
    keyword: np.ndarray,
    agree: np.ndarray,
    alike: np.ndarray,
) -> Evidence:
    """The evidence of a message whose units are `said`: what scoring found, how much of each
    phrasing it holds, and the share of its weight in units the bank never uses."""
    total = sum(coverage.idf.get(u, coverage.unseen_idf) for u in said)
    unseen = sum(coverage.unseen_idf for u in said if u not in coverage.idf)
    return Evidence(
        covered=covered,
        keyword=keyword,
        agree=agree,
        recall=recall,
        said=said,
        lacking=None,
        words=words,
        unseen=unseen / total if total else 0.0,
        alike=alike,
    )


def signals(
    evidence: Evidence,
    scores: Sequence[float],
    best: int,
    second: int | None,
    phrasings: slice,
    topic_only: bool,
    chinese: bool,
) -> tuple[float, ...]:
    """The `FEATURES` of entry `best` (bank order), with `second` the runner-up."""
    top = scores[0] if scores else 0.0
    runner = scores[1] if len(scores) > 1 else 0.0
    covered = float(evidence.covered[best]) / 100
    covered_second = float(evidence.covered[second]) / 100 if second is not None else 0.0
    held = evidence.recall.best_held(evidence.said, phrasings.start, phrasings.stop) / 100
    asked = evidence.lacking is not None
    conflict = asked and bool(evidence.lacking[best])  # type: ignore[index]
    return (
        top / 100,
        (top - runner) / 100,
        covered,
        covered - covered_second,
        held,
        float(evidence.keyword[best] > 0),
        float(asked and not conflict),
        float(conflict),
        float(evidence.agree[best]),
        math.log1p(evidence.words),
        evidence.unseen,
        float(topic_only),
        float(chinese),
        float(evidence.alike[best]) / 100,
        (float(evidence.alike[best]) - (float(evidence.alike[second]) if second is not None else 0.0)) / 100,
    )
