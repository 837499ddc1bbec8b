"""The bank asked its own phrasings, held out in turn: what is held out, and the rule it scores by."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from bot.content.loader import Curriculum
from bot.content.models import LANGS
from bot.faq import evaluation
from bot.faq.decision import Scored
from bot.faq.evaluation import Labelled, Ranked, calibrate_rules
from bot.faq.heldout import MAX_WRONG, MIN_KEPT, HeldOutRows, _without, best_rule, held_out_phrasings


def test_each_phrasing_is_held_out_once_and_every_entry_keeps_some(curriculum: Curriculum) -> None:
    entry = max(curriculum.faq.entries, key=lambda e: len(e.questions.get("zh")))
    held = [h for fold in range(3) for h in _without(entry, fold, 3)[1]]
    for lang in LANGS:
        phrasings = entry.questions.get(lang)
        expected = sorted(phrasings) if len(phrasings) > MIN_KEPT else []
        assert sorted(text for got, text in held if got == lang) == expected
    for fold in range(3):
        kept, gone = _without(entry, fold, 3)
        for lang in LANGS:
            assert kept.questions.get(lang)
            assert not {text for got, text in gone if got == lang} & set(kept.questions.get(lang))


def test_the_rule_answers_the_most_rightly_without_passing_the_wrong_limit() -> None:
    # 100 questions: right ones score high with a clear lead, 3 wrong ones score high too
    top = np.array([80.0] * 60 + [50.0] * 37 + [85.0, 85.0, 85.0])
    lead = np.array([20.0] * 60 + [5.0] * 37 + [4.0, 4.0, 4.0])
    right = np.array([True] * 97 + [False] * 3)
    answered, answer, margin = best_rule(top, lead, right)
    assert answered == 0.60
    chosen = (top >= answer) & (lead >= margin)
    assert (chosen & ~right).sum() / len(top) <= MAX_WRONG


def test_the_small_bank_held_out_reports_each_language(curriculum: Curriculum) -> None:
    figures = held_out_phrasings(curriculum.faq, folds=2)
    assert figures  # the small bank has entries with phrasings to spare
    for got in figures.values():
        assert got.asked > 0
        assert 0.0 <= got.top1 <= got.top3 <= 1.0
        assert got.answered <= got.top1


def test_with_a_limit_the_calibration_keeps_to_it_on_the_held_out_phrasings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Tune questions all right, 8 ahead of the runner-up: the tune split alone asks a margin of 8.
    tune = []
    for n in range(30):
        item = Labelled(q=f"question {n}", lang="zh", expect=f"entry-{n}", also=(), split="tune")
        tune.append(Ranked(item, "zh", (Scored(f"entry-{n}", 90.0), Scored("runner-up", 82.0))))
    # Held-out phrasings: the wrong ones lead by 10 or less, the right ones by 20.
    held = HeldOutRows(
        top=np.full(100, 90.0),
        lead=np.array([20.0] * 90 + [10.0] * 10),
        right=np.array([True] * 90 + [False] * 10),
        shown=np.ones(100, dtype=bool),
        one_word=np.zeros(100, dtype=bool),
    )
    assert held.wrong_rate(80, 12) == 0.0 and held.wrong_rate(80, 10) == 0.10
    monkeypatch.setattr(evaluation, "MAX_HELD_WRONG", {})
    assert calibrate_rules(tune, "zh", held).margin <= 8
    monkeypatch.setattr(evaluation, "MAX_HELD_WRONG", {"zh": 0.05})
    assert calibrate_rules(tune, "zh", held).margin > 10
    # a limit for one language only: the same questions read in English keep the tune split's margin
    english = [Ranked(replace(r.item, lang="en"), "en", r.ranked) for r in tune]
    assert calibrate_rules(english, "en", held).margin <= 8
