"""The bank asked in words it has never seen: each entry's own phrasings, held out in turn.

Cross-validation (`crossval.py`) measures how well the *thresholds* hold on new questions, but
the scores it feeds them come from a bank whose phrasings may already echo the tune questions,
so it cannot tell whether a change to the scoring helps with wording the bank has never met
(what farmers' real questions mostly are). This check never reads the evaluation set: the bank's
phrasings are cut into `folds` parts; for each part, a matcher is built without it (every entry
keeps its other phrasings, its keywords and its answer) and the held-out phrasings are asked as
questions. It reports per language how often the entry is first and among the first three, and
how many would be answered rightly by the best score-and-margin rule that keeps wrong answers at
`MAX_WRONG` (a figure free of the shipped thresholds, so two scorings compare fairly).

Run it as `farmskills faq phrasings`; a scoring change that raises these figures and the
cross-validated ones is a change that generalises.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bot.content.faq_bank import FaqBank, FaqEntry
from bot.content.models import LANGS
from bot.faq.matcher import FaqMatcher
from bot.faq.settings import MatcherSettings

MIN_KEPT = 2  # an entry with fewer phrasings than this plus one keeps them all
MAX_WRONG = 0.015
ANSWERS = np.arange(30.0, 101.0, 1.0)
MARGINS = np.arange(0.0, 31.0, 2.0)


@dataclass(frozen=True)
class HeldOutFigures:
    lang: str
    asked: int
    top1: float
    top3: float
    answered: float  # answered rightly by the best rule keeping wrong answers at MAX_WRONG
    answer: float  # ...that rule's score threshold
    margin: float  # ...and its margin over the runner-up

    def line(self) -> str:
        return (
            f"{self.lang:<4} {self.asked:>5} phrasings held out | top-1 {self.top1:5.1%} | "
            f"top-3 {self.top3:5.1%} | answered right {self.answered:5.1%} at ≤{MAX_WRONG:.1%} wrong "
            f"(answer {self.answer:g}, margin {self.margin:g})"
        )


def _without(entry: FaqEntry, fold: int, folds: int) -> tuple[FaqEntry, list[tuple[str, str]]]:
    """The entry without its phrasings of this fold, and those phrasings (language, text)."""
    kept: dict[str, list[str]] = {}
    held: list[tuple[str, str]] = []
    for lang in LANGS:
        phrasings = entry.questions.get(lang)
        if len(phrasings) <= MIN_KEPT:
            kept[lang] = list(phrasings)
            continue
        kept[lang] = [p for i, p in enumerate(phrasings) if i % folds != fold]
        held += [(lang, p) for i, p in enumerate(phrasings) if i % folds == fold]
    return entry.model_copy(update={"questions": entry.questions.model_copy(update=kept)}), held


def best_rule(top: np.ndarray, lead: np.ndarray, right: np.ndarray) -> tuple[float, float, float]:
    """(answered right, answer, margin): the score-and-margin rule answering the most questions
    rightly while answering at most MAX_WRONG of them wrongly (the strictest among equals)."""
    best = (0.0, 101.0, 0.0)
    n = max(len(top), 1)
    for answer in ANSWERS:
        for margin in MARGINS:
            answered = (top >= answer) & (lead >= margin)
            if (answered & ~right).sum() / n > MAX_WRONG:
                continue
            rate = float((answered & right).sum() / n)
            if rate >= best[0]:
                best = (rate, float(answer), float(margin))
    return best


@dataclass(frozen=True)
class HeldOutRows:
    """One row per held-out phrasing of one language: what the calibration checks its rules on."""

    top: np.ndarray  # the best score
    lead: np.ndarray  # ...minus the runner-up's
    right: np.ndarray  # the best entry is the phrasing's own
    shown: np.ndarray  # the phrasing's entry is among the first three
    one_word: np.ndarray  # came down to one word: never answered outright

    def wrong_rate(self, answer: float, margin: float) -> float:
        """The share answered wrongly by a score-and-margin rule."""
        answered = (self.top >= answer) & (self.lead >= margin) & ~self.one_word
        return float((answered & ~self.right).sum() / max(len(self.top), 1))


def held_out_rows(
    bank: FaqBank, settings: MatcherSettings | None = None, folds: int = 4
) -> dict[str, HeldOutRows]:
    """Per language, each held-out phrasing as the matcher without it reads it."""
    rows: dict[str, list[tuple[float, float, bool, bool, bool]]] = {lang: [] for lang in LANGS}
    for fold in range(folds):
        entries: list[FaqEntry] = []
        asked: list[tuple[str, str, str]] = []
        for entry in bank.entries:
            kept, held = _without(entry, fold, folds)
            entries.append(kept)
            asked += [(lang, text, entry.id) for lang, text in held]
        matcher = FaqMatcher(FaqBank(entries, bank.spoken), settings)
        for lang, text, want in asked:
            reading = matcher.read(text, lang, top=3)
            ranked = reading.ranked
            if not ranked:
                rows[lang].append((0.0, 0.0, False, False, True))
                continue
            lead = ranked[0].score - (ranked[1].score if len(ranked) > 1 else 0.0)
            shown = any(s.id == want for s in ranked)
            rows[lang].append((ranked[0].score, lead, ranked[0].id == want, shown, reading.one_word))
    out: dict[str, HeldOutRows] = {}
    for lang, got in rows.items():
        if got:
            tops, leads, firsts, among, single = (np.array(column) for column in zip(*got, strict=True))
            out[lang] = HeldOutRows(tops, leads, firsts.astype(bool), among.astype(bool), single.astype(bool))
    return out


def held_out_phrasings(
    bank: FaqBank, settings: MatcherSettings | None = None, folds: int = 4
) -> dict[str, HeldOutFigures]:
    """Per language, how the bank's own phrasings fare when the matcher has not seen them."""
    out: dict[str, HeldOutFigures] = {}
    for lang, rows in held_out_rows(bank, settings, folds).items():
        answered, answer, margin = best_rule(rows.top, rows.lead, rows.right)
        out[lang] = HeldOutFigures(
            lang, len(rows.top), float(rows.right.mean()), float(rows.shown.mean()), answered, answer, margin
        )
    return out
