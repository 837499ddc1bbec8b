"""Measuring the matcher on labelled questions, and calibrating its thresholds on a tuning split.

A labelled question names the entry that answers it (or none: out of scope) and any other entry
that would do as well. The figures are the ones the FAQ issue holds us to:

- top-1: the best-scored entry is a right one (in-scope questions);
- miss: no right entry among what the learner is shown (the answer, or the choices);
- confident wrong: an outright answer with a wrong entry (in-scope questions);
- out-of-scope confident: an outright answer to a question the bank cannot answer (out of scope,
  near misses, chit-chat), and out-of-scope choices: such a question shown choices at all.

Each question has a `style` (short, long, pinyin, dialect, voice, near, out-of-scope, chit-chat)
and figures can be taken per language and per style.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import yaml

from bot.faq.calibration import TuneSet, fit_confidence
from bot.faq.confidence import FEATURES, Confidence, Logistic
from bot.faq.heldout import HeldOutRows
from bot.faq.matcher import Decision, FaqMatcher, Match, Scored, Thresholds, decide

HeldOut = dict[str, HeldOutRows]  # per reading: the bank's phrasings held out (`heldout.py`)

RANKED_KEPT = 4  # enough to judge choices (3) and the runner-up margin


@dataclass(frozen=True)
class Labelled:
    q: str
    lang: str
    expect: str | None
    also: tuple[str, ...]
    split: str
    style: str = "short"

    @property
    def right(self) -> frozenset[str]:
        return frozenset((self.expect, *self.also)) if self.expect else frozenset()


@dataclass(frozen=True)
class Ranked:
    item: Labelled
    reading: str  # the language the matcher read it in (its thresholds apply)
    ranked: tuple[Scored, ...]
    one_word: bool = False  # came down to one word: never answered outright
    features: tuple[float, ...] = ()  # the best entry's signals for the confidence model

    def decided(self, thresholds: dict[str, Thresholds]) -> Match:
        return decide(self.ranked, thresholds[self.reading], self.one_word, self.features)


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
    oos_choices: float = 0.0  # out-of-scope questions shown choices

    def line(self) -> str:
        inside = (
            f"answered right {self.answered:5.1%} | top-1 {self.top1:5.1%} | miss {self.miss:5.1%} | "
            f"confident wrong {self.wrong_confident:4.1%}"
            if self.in_scope
            else ""
        )
        outside = (
            f"out-of-scope answered {self.oos_confident:4.1%} | given choices {self.oos_choices:5.1%}"
            if self.out_of_scope
            else ""
        )
        counts = f"{self.lang:<16} {self.in_scope:>3} in, {self.out_of_scope:>3} out"
        return " | ".join(part for part in (counts, inside, outside) if part)


def load_labelled(path: Path) -> list[Labelled]:
    """Labelled questions from one YAML file, or from every YAML file in a folder."""
    files = sorted(path.glob("*.yaml")) if path.is_dir() else [path]
    return [
        Labelled(
            q=str(r["q"]),
            lang=str(r["lang"]),
            expect=r.get("expect"),
            also=tuple(r.get("also") or ()),
            split=str(r["split"]),
            style=str(r.get("style") or "short"),
        )
        for file in files
        for r in yaml.safe_load(file.read_text(encoding="utf-8")) or ()
    ]


def rank_all(matcher: FaqMatcher, items: Iterable[Labelled]) -> list[Ranked]:
    out = []
    for item in items:
        reading = matcher.read(item.q, item.lang, RANKED_KEPT)
        out.append(Ranked(item, reading.lang, reading.ranked, reading.one_word, reading.features))
    return out


def figures(
    results: Sequence[Ranked],
    thresholds: dict[str, Thresholds],
    lang: str | None = None,
    style: str | None = None,
) -> Figures:
    """The figures for questions written in `lang` (and `style`), or for all of them."""
    mine = [
        r
        for r in results
        if (lang is None or r.item.lang == lang) and (style is None or r.item.style == style)
    ]
    inside = [r for r in mine if r.item.expect]
    outside = [r for r in mine if not r.item.expect]
    top1 = miss = wrong = oos = oos_choices = answered = 0
    for r in inside:
        match = r.decided(thresholds)
        top1 += bool(r.ranked) and r.ranked[0].id in r.item.right
        hit = bool(set(match.offered) & r.item.right)
        miss += not hit
        if match.decision is Decision.answer:
            wrong += not hit
            answered += hit
    for r in outside:
        decision = r.decided(thresholds).decision
        oos += decision is Decision.answer
        oos_choices += decision is Decision.choices
    n, m = max(len(inside), 1), max(len(outside), 1)
    name = " ".join(part for part in (lang or "all", style or "") if part)
    return Figures(
        name, len(inside), len(outside), top1 / n, miss / n, wrong / n, oos / m, answered / n, oos_choices / m
    )


def report_lines(results: Sequence[Ranked], thresholds: dict[str, Thresholds]) -> list[str]:
    """Figures per language, then per language and style, then overall: what `faq eval` prints."""
    langs = sorted({r.item.lang for r in results})
    lines = [figures(results, thresholds, lang).line() for lang in langs]
    for lang in langs:
        styles = sorted({r.item.style for r in results if r.item.lang == lang})
        lines += ["  " + figures(results, thresholds, lang, style).line() for style in styles]
    lines.append(figures(results, thresholds).line())
    return lines


def why_not(r: Ranked, thresholds: dict[str, Thresholds]) -> str | None:
    """Why a question did not go as it should (None when it did): a line for a trainer to read.

    In scope, it should be answered with a right entry; out of scope, it should go to a person.
    The reason names the rule that decided: the choices floor, the answer threshold, the margin
    over the runner-up, one word alone, or a wrong entry ranked first.
    """
    limits = thresholds[r.reading]
    match = r.decided(thresholds)
    right = r.item.right
    if r.item.expect and match.decision is Decision.answer and set(match.offered) & right:
        return None
    if not r.item.expect and match.decision is Decision.none:
        return None
    top = r.ranked[0].score if r.ranked else 0.0
    lead = top - (r.ranked[1].score if len(r.ranked) > 1 else 0.0)
    if not r.item.expect:
        answered = match.decision is Decision.answer
        reason = "answered a question no entry answers" if answered else "shown choices"
    elif r.ranked and r.ranked[0].id not in right:
        shown = any(s.id in right for s in r.ranked[:3])
        reason = "right entry ranked lower" if shown else "right entry not in the top 3"
        reason += "; answered wrongly" if match.decision is Decision.answer else ""
    elif match.decision is Decision.none and limits.model is not None and r.features:
        sure = limits.model.shown.probability(r.features)
        reason = f"confidence {sure:.0%} under {limits.model.choices_at:.0%} for choices"
    elif match.decision is Decision.none:
        reason = f"best score {top:g} under the choices floor {limits.choices:g}"
    elif r.one_word:
        reason = "one word alone: never answered outright"
    elif lead < limits.margin:
        reason = f"lead {lead:.1f} under the margin {limits.margin:g}"
    else:
        reason = f"sureness under the answer threshold {limits.answer:g}"
    top3 = ", ".join(f"{s.id} {s.score:g}" for s in r.ranked[:3])
    expected = r.item.expect or "(none)"
    asked = f"{match.decision.value:<7} {r.item.lang} {r.item.style:<12} {r.item.q}"
    return f"{asked} | want {expected} | {top3} | {reason}"


# Limits the calibration keeps on the tuning split, stricter than the targets on the test split
# so the test split has room: confident wrong ≤ 2%, out-of-scope answered ≤ 3% and given choices ≤ 25%.
MAX_WRONG, MAX_OOS_ANSWERED, MAX_OOS_CHOICES = 0.015, 0.02, 0.20
GAPS = (3.0, 5.0, 8.0, 12.0, 16.0, 20.0, 25.0, 100.0)
# The lead over the runner-up does not count towards answering (it did, up to 1:1): a weak best
# entry alone far ahead of unrelated ones (a chit-chat or off-topic question matching one word)
# reached the answer threshold. Cross-validation inside the tune split: English out of scope
# answered 2.0% → 0.0% (worst fold 10% → 0%) with answered right unchanged at 72.6%.
LEADS = (0.0,)
# Room kept above out-of-scope questions, per reading: with it, out-of-scope tune questions
# scoring within `HEADROOM` under the answer threshold are held to MAX_OOS_ANSWERED as those above
# it are (once none at all: with the blind near questions in the tune split, one at 81.6 then kept
# English from answering anything), and wrong answers keep to MAX_WRONG with the threshold that
# much lower. English out-of-scope questions run up to just
# under the threshold (a near question at 66.5 set it at 67): held out, the next one was
# answered. 5- and 10-fold cross-validation inside the tune split: English out of scope answered
# 2.0% → 0.0% (worst fold 10 or 20% → 0%), answered right 72.6 → 68.2 / 68.8%. Chinese gained no
# safety from it (4.8% either way on 5 folds) and lost about 4 points of right answers: none.
HEADROOM = {"en": 3.0}
# The bank's own phrasings, held out of the matcher in turn (`heldout.py`), are questions worded
# as the bank has never seen, like a farmer's: with a limit here for a language, a rule may answer
# at most this share of them wrongly. The tune split's wording has come to be echoed by the bank,
# so it alone let the Chinese rule drift to margin 8 as phrasings were added (held-out phrasings
# of the bank before that round: 66.8% answered right, 2.8% wrongly); with 2%, it is answer 49,
# margin 14 (69.3% right, 1.6% wrong on them; 5-fold CV inside the tune split, answered right
# 81.8 → 78.5%, out of scope answered 0 → 1.6%). English has no limit: its rule (70, margin 6)
# answers 3.3% of them wrongly, and a limit of 2.5% (72, margin 10) cost 6 points of right answers
# there (73.5 → 67.7%) and 10 in CV (75.2 → 65.0%) for 0.8 fewer wrong: a trade not yet chosen.
MAX_HELD_WRONG: dict[str, float] = {"zh": 0.02}
CHOICE_LEADS = (0.0, 0.5, 1.0)


def _grid() -> Iterator[tuple[float, float, float]]:
    """(lead, answer, margin) to try; with the lead counted, sureness can reach past 100."""
    for lead in LEADS:
        for answer in np.arange(40, 101 + 60 * lead, 1.0):
            for margin in np.arange(0, 31, 2.0):
                yield lead, float(answer), float(margin)


def calibrate(results: Sequence[Ranked], reading: str, held: HeldOut | None = None) -> Thresholds:
    """The thresholds for questions read in `reading`, calibrated on these (tuning) results: the
    rules of `calibrate_rules` for answering, and the confidence model for offering choices
    (`calibration.py`; the rules' floor for choices when no model passes the safety limits)."""
    rules = calibrate_rules(results, reading, (held or {}).get(reading))
    mine = [r for r in results if r.features]  # both languages: one model serves both
    if not any(r.reading == reading for r in mine):
        return rules
    ruled = np.array([decide(r.ranked, rules, r.one_word).decision is Decision.answer for r in mine])
    own = np.array([r.reading == reading for r in mine])
    fitted = fit_confidence(
        TuneSet(
            features=np.array([r.features for r in mine]),
            inside=np.array([bool(r.item.expect) for r in mine]),
            top_right=np.array([bool(r.ranked) and r.ranked[0].id in r.item.right for r in mine]),
            shown_right=np.array([any(s.id in r.item.right for s in r.ranked[:3]) for r in mine]),
            may_answer=np.array([not r.one_word for r in mine]),
            top=np.array([r.ranked[0].score if r.ranked else 0.0 for r in mine]),
            right_score=np.array(
                [max((s.score for s in r.ranked[:3] if s.id in r.item.right), default=-1.0) for r in mine]
            ),
            own=own,
        ),
        ruled[own],
        reading,
    )
    if fitted is None:
        return rules
    model, gap = fitted
    return replace(rules, gap=gap, model=model)


def calibrate_rules(results: Sequence[Ranked], reading: str, held: HeldOutRows | None = None) -> Thresholds:
    """The thresholds that serve learners best on these (tuning) results, read in `reading`.

    Every combination on a grid (how much the lead counts towards an answer, answer, margin, how
    much it counts towards choices, gap to the best for a choice, and, vectorised, the floor for
    choices) is scored with numpy. Safety comes first:
    within the limits above.
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
    may_answer = np.array([not r.one_word for r in mine])
    # The best score a right entry has among the first three, or -1 when none of them is right.
    right_score = np.array(
        [max((s.score for s in r.ranked[:3] if s.id in r.item.right), default=-1.0) for r in mine]
    )
    n_in, n_out = max(int(inside.sum()), 1), max(int((~inside).sum()), 1)
    headroom = HEADROOM.get(reading, 0.0)
    floors = np.arange(30, 131, 2.0)[:, None]  # one row per floor for choices
    best: tuple[float, Thresholds] | None = None
    for lead, answer, margin in _grid():
        sureness = top + lead * (top - second)
        answers = (sureness >= answer) & (top - second >= margin) & may_answer
        right_answer = answers & top_right & inside
        wrong = int((answers & ~top_right & inside).sum())
        oos_answer = int((answers & ~inside).sum())
        if wrong / n_in > MAX_WRONG or oos_answer / n_out > MAX_OOS_ANSWERED:
            continue
        if (
            held is not None
            and reading in MAX_HELD_WRONG
            and held.wrong_rate(answer - headroom, margin) > MAX_HELD_WRONG[reading]
        ):
            continue
        if headroom:  # a question just under the threshold on the tune split, a new one can pass
            near = (sureness >= answer - headroom) & (top - second >= margin) & may_answer
            if (near & ~top_right & inside).sum() / n_in > MAX_WRONG or (
                near & ~inside
            ).sum() / n_out > MAX_OOS_ANSWERED:
                continue
        for choices_lead in CHOICE_LEADS:
            shown = (top + choices_lead * (top - second) >= floors) & ~answers  # [floor, question]
            oos_shown = (shown & ~inside).sum(axis=1)
            for gap in reversed(GAPS):  # the closest gap last, so it wins among equals
                close = np.maximum(floors, top - gap)
                right_choice = (shown & inside & (right_score >= close)).sum(axis=1)
                missed = inside.sum() - right_answer.sum() - right_choice
                value = (
                    right_answer.sum()
                    + 0.6 * right_choice
                    - 0.5 * missed
                    - 3 * (wrong + oos_answer)
                    - 0.2 * oos_shown
                )
                value = np.where(oos_shown / n_out <= MAX_OOS_CHOICES, value, -np.inf)
                k = len(value) - 1 - int(np.argmax(value[::-1]))  # the highest floor among equals
                # Among equals, the last in grid order: the higher answer threshold and margin
                # (and above, the higher floor and the closer gap for choices).
                # The tune split cannot tell them apart, and the stricter holds better on new
                # questions (two-fold cross-validation inside the tune split: English answered
                # wrongly 1.7% → 1.1% on the held-out halves, out of scope answered 3.1% → 1.9%).
                if np.isfinite(value[k]) and (best is None or value[k] >= best[0]):
                    found = Thresholds(answer, margin, float(floors[k, 0]), gap, lead, choices_lead)
                    best = (float(value[k]), found)
    return best[1] if best else Thresholds(101, 0, 50)  # nothing passes: never answer outright


def write_thresholds(path: Path, thresholds: dict[str, Thresholds], note: str) -> None:
    """Save calibrated thresholds beside the bank, keeping the matcher's other settings."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else {}
    data = data or {}
    data["thresholds"] = {lang: _written(th) for lang, th in thresholds.items()}
    header = f"# FAQ matcher settings. Thresholds: {note}\n"
    path.write_text(header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _written(th: Thresholds) -> dict[str, object]:
    out: dict[str, object] = {
        "answer": th.answer,
        "margin": th.margin,
        "choices": th.choices,
        "gap": th.gap,
        "lead": th.lead,
        "choices_lead": th.choices_lead,
    }
    if th.model is not None:
        out["confidence"] = confidence_yaml(th.model)
    return out


def confidence_yaml(model: Confidence) -> dict[str, object]:
    """The model as it is written in `_matcher.yaml`: one weight per named feature."""

    def weights(logistic: Logistic) -> dict[str, float]:
        return {"bias": logistic.bias, **dict(zip(FEATURES, logistic.weights, strict=True))}

    out: dict[str, object] = {"choices_at": model.choices_at, "shown": weights(model.shown)}
    if model.right is not None:
        out |= {"answer_at": model.answer_at, "right": weights(model.right)}
    return out
