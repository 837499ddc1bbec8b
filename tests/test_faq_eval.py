"""The matcher measured on farmers' questions it has never seen (tests/faq_eval/questions.yaml).

Thresholds are calibrated on the tune split (`farmskills faq eval --calibrate --write`); the
targets are checked on the test split. The figures are printed per language in the test output.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content.loader import Curriculum, load_curriculum
from bot.faq.evaluation import Figures, Ranked, calibrate, figures, load_labelled, rank_all
from bot.faq.matcher import FaqMatcher
from bot.faq.text import normalise

REPO = Path(__file__).resolve().parents[1]
EVAL_SET = REPO / "tests" / "faq_eval" / "questions.yaml"
ITEMS = load_labelled(EVAL_SET)


@pytest.fixture(scope="module")
def shipped() -> Curriculum:
    return load_curriculum(REPO)


@pytest.fixture(scope="module")
def matcher(shipped: Curriculum) -> FaqMatcher:
    return FaqMatcher.for_curriculum(shipped)


@pytest.fixture(scope="module")
def results(matcher: FaqMatcher) -> list[Ranked]:
    return rank_all(matcher, ITEMS)


def test_the_labelled_set_is_large_varied_and_split(shipped: Curriculum) -> None:
    in_scope = [i for i in ITEMS if i.expect]
    assert len(ITEMS) >= 300 and len(ITEMS) - len(in_scope) >= 60
    assert {i.lang for i in ITEMS} == {"zh", "en"} and {i.split for i in ITEMS} == {"tune", "test"}
    for item in in_scope:
        assert item.right <= set(shipped.faq.by_id), item
    covered = {i.expect for i in in_scope}
    assert covered == set(shipped.faq.by_id), "every entry is asked about at least once"


def test_no_labelled_question_is_copied_from_the_bank(shipped: Curriculum) -> None:
    def squeeze(text: str) -> str:
        return normalise(text).replace(" ", "")

    phrasings = {
        squeeze(q) for e in shipped.faq.entries for lang in ("zh", "en") for q in e.questions.get(lang)
    }
    copied = [i.q for i in ITEMS if squeeze(i.q) in phrasings]
    assert copied == []


def test_the_shipped_thresholds_are_the_ones_calibrated_on_the_tune_split(
    matcher: FaqMatcher, results: list[Ranked]
) -> None:
    tune = [r for r in results if r.item.split == "tune"]
    for lang, shipped_thresholds in matcher.settings.thresholds.items():
        assert calibrate(tune, lang) == shipped_thresholds, (
            f"re-run: farmskills faq eval --calibrate --write ({lang})"
        )


def report(split: str, rows: list[Figures], capsys: pytest.CaptureFixture[str]) -> None:
    with capsys.disabled():
        print(f"\nFAQ matcher on the {split} split:")
        for row in rows:
            print("  " + row.line())


def test_on_the_test_split_the_matcher_meets_its_targets(
    matcher: FaqMatcher, results: list[Ranked], capsys: pytest.CaptureFixture[str]
) -> None:
    test = [r for r in results if r.item.split == "test"]
    thresholds = matcher.settings.thresholds
    rows = [figures(test, thresholds, lang) for lang in ("zh", "en")]
    overall = figures(test, thresholds)
    report("test", [*rows, overall], capsys)
    assert overall.top1 >= 0.85
    assert overall.miss <= 0.08
    assert overall.oos_confident <= 0.05
    assert overall.wrong_confident <= 0.03
