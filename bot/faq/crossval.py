"""Cross-validation inside the tune split: how well would the calibration hold on new questions?

Thresholds calibrated on the tune split look perfect on it (they were chosen to), and the test
split must stay unseen while the calibration is being chosen. So the tune questions are cut into
`k` folds; the thresholds are calibrated on all folds but one and measured on the one left out,
and the held-out figures are pooled over the folds. A change to the calibration is judged by these
figures (and by its worst fold: the safety limits should hold on each), never by the test split.

Folds are stratified: the questions are sorted by language, in or out of scope, style and entry,
and dealt out in turn, so every fold holds each kind of question and an entry's phrasings are
spread across folds rather than kept together.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.faq.decision import Thresholds
from bot.faq.evaluation import Figures, Ranked, calibrate, figures

Calibrate = Callable[[Sequence[Ranked], str], Thresholds]


def folds(results: Sequence[Ranked], k: int) -> list[int]:
    """The fold (0..k-1) of each question, in the order given."""
    order = sorted(
        range(len(results)),
        key=lambda i: (
            results[i].item.lang,
            results[i].item.expect is None,
            results[i].item.style,
            results[i].item.expect or "",
            results[i].item.q,
        ),
    )
    fold = [0] * len(results)
    for turn, i in enumerate(order):
        fold[i] = turn % k
    return fold


@dataclass(frozen=True)
class CvFigures:
    """Held-out figures for one language: pooled over the folds, and the worst fold's safety."""

    pooled: Figures
    worst_wrong: float  # the highest confident-wrong rate on any one held-out fold
    worst_oos: float  # the highest out-of-scope-answered rate on any one held-out fold

    def line(self) -> str:
        return (
            f"{self.pooled.line()} | worst fold: wrong {self.worst_wrong:4.1%}, "
            f"out-of-scope answered {self.worst_oos:4.1%}"
        )


def _pool(lang: str, parts: Sequence[Figures]) -> Figures:
    """One set of figures from several (each rate weighted by its question count)."""
    n_in = sum(p.in_scope for p in parts)
    n_out = sum(p.out_of_scope for p in parts)

    def inside(rate: Callable[[Figures], float]) -> float:
        return sum(rate(p) * p.in_scope for p in parts) / max(n_in, 1)

    def outside(rate: Callable[[Figures], float]) -> float:
        return sum(rate(p) * p.out_of_scope for p in parts) / max(n_out, 1)

    return Figures(
        lang,
        n_in,
        n_out,
        top1=inside(lambda p: p.top1),
        miss=inside(lambda p: p.miss),
        wrong_confident=inside(lambda p: p.wrong_confident),
        oos_confident=outside(lambda p: p.oos_confident),
        answered=inside(lambda p: p.answered),
        oos_choices=outside(lambda p: p.oos_choices),
    )


def cross_validate(
    tune: Sequence[Ranked], k: int = 5, calibrate_with: Calibrate = calibrate
) -> dict[str, CvFigures]:
    """Held-out figures per language: calibrate on k-1 folds of `tune`, measure on the last."""
    fold = folds(tune, k)
    langs = sorted({r.item.lang for r in tune})
    readings = sorted({r.reading for r in tune})
    parts: dict[str, list[Figures]] = {lang: [] for lang in langs}
    for held in range(k):
        train = [r for r, f in zip(tune, fold, strict=True) if f != held]
        test = [r for r, f in zip(tune, fold, strict=True) if f == held]
        thresholds = {reading: calibrate_with(train, reading) for reading in readings}
        for lang in langs:
            parts[lang].append(figures(test, thresholds, lang))
    return {
        lang: CvFigures(
            _pool(lang, got),
            worst_wrong=max(p.wrong_confident for p in got),
            worst_oos=max(p.oos_confident for p in got),
        )
        for lang, got in parts.items()
    }
