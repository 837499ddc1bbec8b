"""Measuring the matcher on labelled questions, and calibrating its thresholds on a tuning split.

A labelled question names the entry that answers it (or none: out of scope) and any other entry
that would do as well. The figures are the ones the FAQ issue holds us to:

- top-1: the best-scored entry is a right one (in-scope questions);
- miss: no right entry among what the learner is shown (the answer, or the choices);
- confident wrong: an outright answer with a wrong entry (in-scope questions);
- out-of-scope confident: an outright answer to a question the bank cannot answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from bot.faq.matcher import Decision, FaqMatcher, Scored, Thresholds, decide

RANKED_KEPT = 4  # enough to judge choices (3) and the runner-up margin


@dataclass(frozen=True)
class Labelled:
    q: str
    lang: str
    expect: str | None
    also: tuple[str, ...]
    split: str

    @property
    def right(self) -> frozenset[str]:
        return frozenset((self.expect, *self.also)) if self.expect else frozenset()


@dataclass(frozen=True)
class Ranked:
    item: Labelled
    reading: str  # the language the matcher read it in (its thresholds apply)
    ranked: tuple[Scored, ...]


@dataclass(frozen=True)
class Figures:
    lang: str
    in_scope: int
    out_of_scope: int
    top1: float
    miss: float
    wrong_confident: float
    oos_confident: float
    answered: float  # in-scope questions answered outright and rightly

    def line(self) -> str:
        return (
            f"{self.lang}: {self.in_scope} in-scope, {self.out_of_scope} out-of-scope | "
            f"top-1 {self.top1:.1%} | miss {self.miss:.1%} | confident wrong {self.wrong_confident:.1%} | "
            f"out-of-scope answered {self.oos_confident:.1%} | answered rightly {self.answered:.1%}"
        )


def load_labelled(path: Path) -> list[Labelled]:
    rows = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        Labelled(
            q=str(r["q"]),
            lang=str(r["lang"]),
            expect=r.get("expect"),
            also=tuple(r.get("also") or ()),
            split=str(r["split"]),
        )
        for r in rows
    ]


def rank_all(matcher: FaqMatcher, items: Iterable[Labelled]) -> list[Ranked]:
    out = []
    for item in items:
        reading, ranked = matcher.ranked(item.q, item.lang)
        out.append(Ranked(item, reading, tuple(ranked[:RANKED_KEPT])))
    return out


def figures(results: Sequence[Ranked], thresholds: dict[str, Thresholds], lang: str | None = None) -> Figures:
    """The figures for questions written in `lang`, or for all of them."""
    mine = [r for r in results if lang is None or r.item.lang == lang]
    inside = [r for r in mine if r.item.expect]
    outside = [r for r in mine if not r.item.expect]
    top1 = miss = wrong = oos = answered = 0
    for r in inside:
        match = decide(r.ranked, thresholds[r.reading])
        top1 += bool(r.ranked) and r.ranked[0].id in r.item.right
        hit = bool(set(match.offered) & r.item.right)
        miss += not hit
        if match.decision is Decision.answer:
            wrong += not hit
            answered += hit
    for r in outside:
        oos += decide(r.ranked, thresholds[r.reading]).decision is Decision.answer
    n, m = max(len(inside), 1), max(len(outside), 1)
    return Figures(
        lang or "all", len(inside), len(outside), top1 / n, miss / n, wrong / n, oos / m, answered / n
    )


def calibrate(results: Sequence[Ranked], reading: str) -> Thresholds:
    """The thresholds that serve learners best on these (tuning) results, read in `reading`.

    Every combination on a grid is scored with numpy. Safety comes first, with limits stricter
    than the targets so the test split has room: confident wrong ≤ 2%, out-of-scope answered ≤ 3%.
    Among what passes, a right answer is worth 1, a right entry among choices 0.6, a miss −0.5,
    a wrong answer −3, an out-of-scope answer −3, and choices shown to an out-of-scope question −0.2.
    """
    mine = [r for r in results if r.reading == reading]
    if not mine:
        return Thresholds(80, 8, 55)
    top = np.array([r.ranked[0].score if r.ranked else 0.0 for r in mine])
    second = np.array([r.ranked[1].score if len(r.ranked) > 1 else 0.0 for r in mine])
    inside = np.array([bool(r.item.expect) for r in mine])
    top_right = np.array([bool(r.ranked) and r.ranked[0].id in r.item.right for r in mine])
    # The lowest score a right entry has among the first three, or -1 when none of them is right.
    right_score = np.array(
        [max((s.score for s in r.ranked[:3] if s.id in r.item.right), default=-1.0) for r in mine]
    )
    n_in, n_out = max(int(inside.sum()), 1), max(int((~inside).sum()), 1)
    best: tuple[float, Thresholds] | None = None
    for answer in np.arange(50, 101, 1.0):
        for margin in np.arange(0, 31, 1.0):
            answers = (top >= answer) & (top - second >= margin)
            for floor in np.arange(30, answer + 1, 2.0):
                shown = (top >= floor) & ~answers
                right_answer = answers & top_right & inside
                wrong_answer = answers & ~top_right & inside
                oos_answer = answers & ~inside
                right_choice = shown & inside & (right_score >= floor)
                missed = inside & ~right_answer & ~right_choice
                if wrong_answer.sum() / n_in > 0.02 or oos_answer.sum() / n_out > 0.03:
                    continue
                value = (
                    right_answer.sum()
                    + 0.6 * right_choice.sum()
                    - 0.5 * missed.sum()
                    - 3 * wrong_answer.sum()
                    - 3 * oos_answer.sum()
                    - 0.2 * (shown & ~inside).sum()
                )
                if best is None or value > best[0]:
                    best = (float(value), Thresholds(float(answer), float(margin), float(floor)))
    return best[1] if best else Thresholds(101, 0, 50)  # nothing passes: never answer outright


def write_thresholds(path: Path, thresholds: dict[str, Thresholds], note: str) -> None:
    """Save calibrated thresholds beside the bank, keeping the matcher's other settings."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else {}
    data = data or {}
    data["thresholds"] = {
        lang: {"answer": th.answer, "margin": th.margin, "choices": th.choices}
        for lang, th in thresholds.items()
    }
    header = f"# FAQ matcher settings. Thresholds: {note}\n"
    path.write_text(header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
