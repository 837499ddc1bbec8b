"""The matcher measured on farmers' questions it has never seen (tests/faq_eval/*.yaml).

Thresholds are calibrated on the tune split (`farmskills faq eval --calibrate --write`); the
targets are checked on the test split, for each language separately, and the figures are printed
per language and per style (`python -m pytest tests/test_faq_eval.py -q -s`, or
`python -m bot faq eval`). A target not reached yet is an xfail naming the measured figure.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.content.loader import Curriculum, load_curriculum
from bot.faq.evaluation import (
    MAX_HELD_WRONG,
    Labelled,
    Ranked,
    calibrate,
    figures,
    load_labelled,
    rank_all,
    report_lines,
    why_not,
)
from bot.faq.heldout import held_out_rows
from bot.faq.matcher import Decision, FaqMatcher, Scored, Thresholds
from bot.faq.text import normalise
from tests.cli_runner import farmskills

REPO = Path(__file__).resolve().parents[1]
EVAL_SET = REPO / "tests" / "faq_eval"
STYLES = {"short", "long", "pinyin", "dialect", "voice", "near", "out-of-scope", "chit-chat"}
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


def test_the_bank_holds_200_entries_over_the_themes_farmers_ask_each_tied_to_a_real_lesson(
    shipped: Curriculum,
) -> None:
    entries = shipped.faq.entries
    assert len(entries) >= 200
    # issue 14, point 5: fees, deposits, subsidies, traffic, shop rules, shipping, live income,
    # after-sales and paid promotion each have a file of their own
    themes = {Path(e.source).stem for e in entries}
    wanted = {"fees", "deposits", "subsidies", "traffic", "shop-rules", "shipping", "live-income"}
    assert wanted | {"after-sales", "promotion"} <= themes
    for entry in entries:
        assert entry.lesson is None or entry.lesson in shipped.lessons, entry.id


def test_the_labelled_set_is_large_varied_and_split(shipped: Curriculum) -> None:
    in_scope = [i for i in ITEMS if i.expect]
    assert len(ITEMS) >= 800 and len(ITEMS) - len(in_scope) >= 200
    assert {i.style for i in ITEMS} == STYLES
    for lang in ("zh", "en"):
        written = {i.style for i in ITEMS if i.lang == lang and i.style != "short"}
        assert {"long", "voice", "near", "out-of-scope", "chit-chat"} <= written, lang
    for item in ITEMS:
        assert (item.expect is None) == (item.style in {"near", "out-of-scope", "chit-chat"}) or (
            item.style == "short"
        ), item
    assert {i.lang for i in ITEMS} == {"zh", "en"} and {i.split for i in ITEMS} == {"tune", "test"}
    for item in in_scope:
        assert item.right <= set(shipped.faq.by_id), item
    covered = {i.expect for i in in_scope}
    assert covered == set(shipped.faq.by_id), "every entry is asked about at least once"


def squeeze(text: str) -> str:
    """A question as compared for copying: normalised, without spaces."""
    return normalise(text).replace(" ", "")


def bank_phrasings(shipped: Curriculum) -> set[str]:
    return {squeeze(q) for e in shipped.faq.entries for lang in ("zh", "en") for q in e.questions.get(lang)}


def test_no_labelled_question_is_copied_from_the_bank(shipped: Curriculum) -> None:
    phrasings = bank_phrasings(shipped)
    copied = [i.q for i in ITEMS if squeeze(i.q) in phrasings]
    assert copied == []
    # nor as a keyword, where a missed question is most tempting to paste; a one- or two-word
    # question (差评, no viewers) may be a keyword, being the plain name of a topic
    keywords = {
        squeeze(k) for e in shipped.faq.entries for lang in ("zh", "en") for k in e.keywords.get(lang)
    }
    longer = [i for i in ITEMS if len(i.q.split()) >= 3 or (len(squeeze(i.q)) >= 5 and not i.q.isascii())]
    assert [i.q for i in longer if squeeze(i.q) in keywords] == []


def test_the_blind_check_set_stays_blind_and_names_entries_that_exist(shipped: Curriculum) -> None:
    """tests/faq_eval/blind: five questions per entry and language written from the answers only.
    It measures wording the bank has never seen, so none of it may be pasted into the bank."""
    blind = load_labelled(EVAL_SET / "blind")
    ids = {e.id for e in shipped.faq.entries}
    assert len(blind) >= 5 * 2 * 200
    assert {i.lang for i in blind} == {"zh", "en"} and {i.split for i in blind} == {"blind"}
    assert [i.expect for i in blind if i.expect not in ids] == []
    phrasings = bank_phrasings(shipped)
    assert [i.q for i in blind if squeeze(i.q) in phrasings] == []
    # and it is not read as part of the eval's tune and test splits
    assert not {i.q for i in blind} & {i.q for i in ITEMS}


def test_the_shipped_thresholds_are_the_ones_calibrated_on_the_tune_split(
    matcher: FaqMatcher, results: list[Ranked]
) -> None:
    tune = [r for r in results if r.item.split == "tune"]
    # the bank's phrasings held out in turn, when the calibration checks its rules on them
    held = held_out_rows(matcher.bank, matcher.settings) if MAX_HELD_WRONG else None
    for lang, shipped_thresholds in matcher.settings.thresholds.items():
        assert calibrate(tune, lang, held) == shipped_thresholds, (
            f"re-run: farmskills faq eval --calibrate --write ({lang})"
        )


@pytest.fixture(scope="module")
def test_split(matcher: FaqMatcher, results: list[Ranked]) -> list[Ranked]:
    test = [r for r in results if r.item.split == "test"]
    print("\nFAQ matcher on the test split:")
    for line in report_lines(test, matcher.settings.thresholds):
        print("  " + line)
    return test


# The targets, for each language on the test split: (figure, at least / at most, bound).
TARGETS = {
    "answered right": ("answered", ">=", 0.75),
    "right entry not shown": ("miss", "<=", 0.05),
    "confident wrong": ("wrong_confident", "<=", 0.02),
    "out-of-scope answered": ("oos_confident", "<=", 0.03),
    "out-of-scope given choices": ("oos_choices", "<=", 0.25),
}
# Targets not reached yet, with the figure measured when this was written: an xfail, so the gap
# stays visible, and strict, so reaching the target turns it into a failure to remove from here.
NOT_YET: dict[tuple[str, str], str] = {
    # Measured after faq25, the test split grown by 80 messages written blind (faq25-fresh in
    # tests/faq_eval/farmers.yaml) and 7 near questions relabelled in scope by the faq22-near rule.
    # In brackets: the code this round started from, calibrated on the same grown tune split.
    ("zh", "answered right"): "67.7% measured (275 of 406; 68.0% before faq25)",
    ("zh", "right entry not shown"): "6.7% measured (27 of 406; 6.7% before faq25)",
    ("zh", "out-of-scope answered"): "4.7% measured (6 of 128, near questions 4 of 56; 4.7% before faq25)",
    ("en", "answered right"): "64.3% measured (153 of 238; 64.3% before faq25)",
    ("en", "right entry not shown"): "10.1% measured (24 of 238; 11.3% before faq25)",
    ("en", "confident wrong"): "2.1% measured (5 of 238; 2.1% before faq25)",
    ("en", "long messages answered right"): "46.2% measured (24 of 52; 46.2% before faq25)",
    ("en", "out-of-scope answered"): "6.8% measured (8 of 117, near questions 6 of 55; 7.7% before faq25)",
}


def _cases() -> list[Any]:
    cases = []
    for lang in ("zh", "en"):
        for name in [*TARGETS, "long messages answered right"]:
            reason = NOT_YET.get((lang, name))
            marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
            cases.append(pytest.param(lang, name, marks=marks, id=f"{lang}-{name}"))
    return cases


@pytest.mark.parametrize(("lang", "target"), _cases())
def test_on_the_test_split_each_language_meets_its_targets(
    matcher: FaqMatcher, test_split: list[Ranked], lang: str, target: str
) -> None:
    thresholds = matcher.settings.thresholds
    if target == "long messages answered right":
        measured = figures(test_split, thresholds, lang, "long").answered
        assert measured >= 0.60, f"{lang} long messages answered right: {measured:.1%}"
        return
    field, sense, bound = TARGETS[target]
    measured = getattr(figures(test_split, thresholds, lang), field)
    met = measured >= bound if sense == ">=" else measured <= bound
    assert met, f"{lang} {target}: {measured:.1%} (target {sense} {bound:.0%})"


def test_misses_name_the_rule_that_decided() -> None:
    limits = {"zh": Thresholds(answer=70, margin=10, choices=50, gap=20)}
    asked = Labelled(q="开店要押金吗", lang="zh", expect="a", also=(), split="tune")
    oos = Labelled(q="明天下雨不", lang="zh", expect=None, also=(), split="tune")

    def ranked(item: Labelled, *scores: tuple[str, float], one_word: bool = False) -> Ranked:
        return Ranked(item, "zh", tuple(Scored(i, s) for i, s in scores), one_word)

    assert why_not(ranked(asked, ("a", 90), ("b", 40)), limits) is None
    assert why_not(ranked(oos, ("a", 30), ("b", 20)), limits) is None
    assert "choices floor" in str(why_not(ranked(asked, ("a", 45), ("b", 20)), limits))
    assert "margin" in str(why_not(ranked(asked, ("a", 90), ("b", 85)), limits))
    assert "one word" in str(why_not(ranked(asked, ("a", 90), ("b", 40), one_word=True), limits))
    assert "ranked lower" in str(why_not(ranked(asked, ("b", 90), ("a", 85)), limits))
    assert "answered a question" in str(why_not(ranked(oos, ("a", 90), ("b", 40)), limits))


def test_every_question_not_handled_right_gets_a_reason(
    matcher: FaqMatcher, test_split: list[Ranked]
) -> None:
    thresholds = matcher.settings.thresholds
    for r in test_split:
        match = r.decided(thresholds)
        right = (
            match.decision is Decision.answer and bool(set(match.offered) & r.item.right)
            if r.item.expect
            else match.decision is Decision.none
        )
        assert (why_not(r, thresholds) is None) == right, r.item.q


def test_a_trainer_reading_misses_reads_the_tune_split_and_never_the_test_split(tmp_path: Path) -> None:
    """`faq eval --misses` (and `--calibrate`) are for improving the bank: without --split they
    read the tune split, so the test split stays unseen; plain `faq eval` still measures the test."""
    labelled = tmp_path / "set.yaml"
    labelled.write_text(
        "- {q: 'zebra tune question about nothing', lang: en, expect: ecom-returns, split: tune}\n"
        "- {q: 'zebra test question about nothing', lang: en, expect: ecom-returns, split: test}\n",
        encoding="utf-8",
    )
    misses = farmskills("faq", "eval", "--set", str(labelled), "--misses")
    assert misses.returncode == 0, misses.stderr
    assert "zebra tune question" in misses.stdout
    assert "zebra test question" not in misses.stdout
    measured = farmskills("faq", "eval", "--set", str(labelled))
    assert measured.returncode == 0, measured.stderr
    assert "1 in" in measured.stdout  # one question: the test split's
