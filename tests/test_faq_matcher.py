"""The matcher on its own: normalisation, the known traps, bad input, and the bank's checks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from bot.content.loader import Curriculum, load_curriculum
from bot.content.problems import ContentError
from bot.faq.bank import FaqBank, load_faq_bank
from bot.faq.matcher import Decision, FaqMatcher, Scored, Thresholds, decide
from bot.faq.text import Segmenter, normalise
from tests.content_builder import SMALL_FAQ, faq_entry, write_yaml
from tests.test_cli import farmskills as run_cli


@pytest.fixture
def matcher(curriculum: Curriculum) -> FaqMatcher:
    return FaqMatcher.for_curriculum(curriculum)


def test_full_width_letters_traditional_characters_and_case_are_folded() -> None:
    assert normalise("ＡＢ線 怎麼設？？") == "ab线 怎么设"
    assert normalise("  How   do I\tSHIP?! ") == "how do i ship"
    assert normalise("电池\x00鼓包\u200b🙂") == "电池 鼓包"


def test_question_template_words_are_dropped_so_different_questions_stay_different() -> None:
    words = Segmenter().words
    assert words("小麦什么时候施肥", "zh") != words("小麦什么时候浇水", "zh")
    assert "什么时候" not in words("小麦什么时候施肥", "zh")
    assert words("怎么开店吗", "zh") == words("开店", "zh")


def test_a_homophone_typo_and_a_traditional_spelling_find_the_entry(matcher: FaqMatcher) -> None:
    for question in ("开店保正金交多少", "開店押金能退嗎", "kaidian yajin"):
        assert matcher.match(question, "zh").matches[0].id == "shop-deposit", question


def test_a_question_that_only_shares_template_words_is_not_answered(matcher: FaqMatcher) -> None:
    assert matcher.match("什么时候能到", "zh").decision is not Decision.answer
    assert matcher.match("how do i do that", "en").decision is Decision.none


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "吗",
        "a",
        "🙂🙂🙂",
        "？？？",
        "\x00\x07\x1b[31m",
        "无人机" * 2000,
        "x" * 5000,
        "无人机 drone 電池 ＡＢ",
        "\u202e反转",
    ],
)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_bad_input_gets_a_decision_never_an_exception(matcher: FaqMatcher, text: str, lang: str) -> None:
    match = matcher.match(text, lang)
    assert match.decision in Decision
    assert len(match.matches) <= 3
    if not normalise(text).strip("吗a"):
        assert match.decision is Decision.none


def test_the_answer_needs_a_clear_winner() -> None:
    limits = Thresholds(answer=80, margin=10, choices=50)
    assert decide([Scored("a", 90), Scored("b", 70)], limits).decision is Decision.answer
    close = decide([Scored("a", 90), Scored("b", 85), Scored("c", 40)], limits)
    assert close.decision is Decision.choices and close.offered == ("a", "b")
    assert decide([Scored("a", 45)], limits).decision is Decision.none


def test_an_empty_bank_answers_nothing() -> None:
    assert FaqMatcher(FaqBank(())).match("开店押金", "zh").decision is Decision.none


def test_a_trainers_broken_faq_entry_is_reported_with_file_and_field(content_root: Path) -> None:
    broken = [
        faq_entry("ok-entry", ("好", "fine"), ["一", "二", "三"], ["one", "two"], lesson="no-such-lesson"),
        {"id": "Bad Id", "answer": {"zh": "好"}, "questions": {"zh": ["一"], "en": []}},
        faq_entry("ok-entry", ("重复", "again"), ["四", "五", "六"], ["four", "five"]),
    ]
    write_yaml(content_root / "content" / "faq" / "broken.yaml", broken)
    with pytest.raises(ContentError) as caught:
        load_curriculum(content_root)
    text = str(caught.value)
    assert "content/faq/broken.yaml: ok-entry.lesson: no lesson with id 'no-such-lesson'" in text
    assert "content/faq/broken.yaml: [2].id (Bad Id)" in text
    assert "content/faq/broken.yaml: [2].answer.en (Bad Id)" in text
    assert "content/faq/broken.yaml: ok-entry.id: already used in content/faq/broken.yaml" in text


def test_an_answer_longer_than_the_elder_friendly_limit_is_reported(content_root: Path) -> None:
    long = faq_entry("too-long", ("字" * 201, "short"), ["一", "二", "三"], ["one", "two"])
    write_yaml(content_root / "content" / "faq" / "long.yaml", [long])
    result = run_cli("validate", "--lang", "en", "--content", str(content_root))
    assert result.returncode == 1
    assert "content/faq/long.yaml · too-long, answer, Chinese: is 201 characters" in result.stderr


def test_faq_ask_prints_json_for_scripts(content_root: Path) -> None:
    result = run_cli("faq", "ask", "开店押金能退吗", "--json", "--content", str(content_root))
    data = json.loads(result.stdout)
    assert data["decision"] == "answer"
    assert data["matches"][0]["id"] == "shop-deposit"
    assert 0 <= data["matches"][-1]["score"] <= data["matches"][0]["score"] <= 100


def test_faq_ask_can_use_another_bank(content_root: Path, tmp_path: Path) -> None:
    other = write_yaml(
        tmp_path / "other.yaml",
        [
            faq_entry(
                "pig-fever",
                ("请兽医看。", "Call a vet."),
                ["猪发烧了", "猪不吃食", "猪瘟怎么防"],
                ["pig fever", "pig sick"],
            )
        ],
    )
    result = run_cli(
        "faq", "ask", "猪发烧不吃食", "--faq", str(other), "--json", "--content", str(content_root)
    )
    assert json.loads(result.stdout)["matches"][0]["id"] == "pig-fever"


def test_the_shipped_bank_is_big_enough_and_covers_every_track() -> None:
    bank = load_faq_bank(Path(__file__).resolve().parents[1] / "content" / "faq")
    prefixes = {e.id.split("-")[0] for e in bank.entries}
    assert len(bank) >= 80 and {"bot", "ecom", "live", "mach"} <= prefixes
    for entry in bank.entries:
        assert len(entry.questions.zh) >= 3 and len(entry.questions.en) >= 2, entry.id


def test_the_small_test_bank_is_what_the_builder_writes(content_root: Path) -> None:
    written = yaml.safe_load((content_root / "content" / "faq" / "small.yaml").read_text(encoding="utf-8"))
    assert [e["id"] for e in written] == [e["id"] for e in SMALL_FAQ]
