"""Cross-validation inside the tune split (`bot/faq/crossval.py`, `faq eval --cv`): a calibration
is judged on questions it did not see, so one that fits the tune split too closely shows it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

import pytest

from bot.faq.crossval import cross_validate, folds
from bot.faq.decision import Scored, Thresholds
from bot.faq.evaluation import HEADROOM, Labelled, Ranked, calibrate_rules


def _asked(q: str, expect: str | None, top: float, style: str = "short", lang: str = "en") -> Ranked:
    item = Labelled(q=q, lang=lang, expect=expect, also=(), split="tune", style=style)
    best = expect or "unrelated"
    return Ranked(item, lang, (Scored(best, top), Scored("runner-up", top - 40)))


def _tune() -> list[Ranked]:
    # Ten entries asked three ways each, clearly matched; twelve questions no entry answers,
    # scoring 50 to 72: the highest of them are the ones a tight threshold lets through.
    inside = [
        _asked(f"question {n} way {way}", f"entry-{n}", 85.0 + way) for n in range(10) for way in range(3)
    ]
    outside = [_asked(f"off-topic {n}", None, 50.0 + 2 * n, "out-of-scope") for n in range(12)]
    return inside + outside


def test_every_fold_holds_each_kind_of_question_and_an_entry_is_spread_across_folds() -> None:
    tune = _tune()
    fold = folds(tune, 3)
    assert Counter(fold) == {0: 14, 1: 14, 2: 14}
    for k in range(3):
        kinds = {bool(r.item.expect) for r, f in zip(tune, fold, strict=True) if f == k}
        assert kinds == {True, False}
    for n in range(10):  # the three ways of asking entry n land in three different folds
        assert len({f for r, f in zip(tune, fold, strict=True) if r.item.expect == f"entry-{n}"}) == 3
    assert folds(tune, 3) == fold  # the same folds every time: figures can be compared


def test_each_question_is_measured_once_by_thresholds_that_never_saw_it() -> None:
    tune = _tune()
    seen: list[set[str]] = []

    def calibrate(train: Sequence[Ranked], reading: str) -> Thresholds:
        seen.append({r.item.q for r in train})
        return Thresholds(answer=80, margin=10, choices=40)

    result = cross_validate(tune, 3, calibrate)["en"]
    assert len(seen) == 3  # one calibration per fold (one language)
    held_out = [{r.item.q for r in tune} - train for train in seen]
    assert sum(len(h) for h in held_out) == len(tune)  # every question held out exactly once
    assert result.pooled.in_scope == 30 and result.pooled.out_of_scope == 12
    assert result.pooled.answered == pytest.approx(1.0)
    assert result.pooled.oos_confident == 0.0 and result.worst_oos == 0.0


def test_a_threshold_set_just_above_the_highest_out_of_scope_score_shows_it_has_no_room() -> None:
    tune = _tune()

    def tight(train: Sequence[Ranked], reading: str) -> Thresholds:
        # answer anything scoring above every out-of-scope question seen: on the tune split
        # itself, no out-of-scope question is answered
        highest = max(r.ranked[0].score for r in train if not r.item.expect)
        return Thresholds(answer=highest + 0.5, margin=0, choices=40)

    def roomy(train: Sequence[Ranked], reading: str) -> Thresholds:
        return Thresholds(answer=tight(train, reading).answer + 10, margin=0, choices=40)

    held_tight = cross_validate(tune, 3, tight)["en"]
    held_roomy = cross_validate(tune, 3, roomy)["en"]
    # held out, the highest off-topic question is above the threshold calibrated without it
    assert held_tight.pooled.oos_confident == pytest.approx(1 / 12)
    assert held_tight.worst_oos == pytest.approx(1 / 4)
    assert held_roomy.pooled.oos_confident == 0.0
    assert held_roomy.pooled.answered == pytest.approx(1.0)  # the clear matches still answered
    assert "worst fold" in held_tight.line()


def _en_tune(highest_off_topic: float) -> list[Ranked]:
    # right answers spread from 60 to 89; off-topic questions up to `highest_off_topic`, one of
    # them a lone weak match far ahead of anything else (the lead must not make it sure)
    inside = [_asked(f"question {n}", f"entry-{n}", 60.0 + n) for n in range(30)]
    outside = [_asked(f"off-topic {n}", None, 40.0 + n) for n in range(20)]
    outside.append(_asked("which pesticide kills aphids", None, highest_off_topic))
    return inside + outside


def test_the_english_answer_threshold_keeps_room_above_the_highest_out_of_scope_question() -> None:
    th = calibrate_rules(_en_tune(66.5), "en")
    assert th.lead == 0.0  # the lead over the runner-up does not count towards answering
    assert th.answer >= 66.5 + HEADROOM["en"]
    # Chinese keeps none (cross-validation found it cost right answers and bought no safety):
    # its threshold sits just above the same question
    zh = [replace(r, reading="zh") for r in _en_tune(66.5)]
    assert 66.5 < calibrate_rules(zh, "zh").answer < 66.5 + HEADROOM["en"]
