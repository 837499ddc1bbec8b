"""The FAQ reads pinyin from its own small table exactly as pypinyin reads it, and a built matcher
leaves pypinyin (11 MB) out of the bot."""

from __future__ import annotations

import random
from pathlib import Path

from bot.faq import pinyin
from tests.cli_runner import last_line_printed_by

lazy_pinyin = pinyin._pypinyin()  # pypinyin's own reader, without phrases as the FAQ reads


def test_the_shipped_table_is_what_pypinyin_reads_now() -> None:
    """After a pypinyin upgrade: `python -m bot.faq.pinyin` makes the table again."""
    assert pinyin.TABLE.read_text(encoding="utf-8") == pinyin.make_table()


def test_every_character_and_mixed_words_read_as_pypinyin_reads_them() -> None:
    for code in range(pinyin.FIRST, pinyin.LAST + 1):
        assert pinyin.read(chr(code)) == lazy_pinyin(chr(code)), hex(code)
    chance = random.Random(15)
    pool = [chr(c) for c in range(0x20, 0x7F)] + [chr(chance.randrange(0x3400, 0xA000)) for _ in range(200)]
    pool += ["〇", "\U00020000", "é"]  # read by pypinyin itself
    for _ in range(5000):
        word = "".join(chance.choice(pool) for _ in range(chance.randrange(1, 9)))
        assert pinyin.read(word) == lazy_pinyin(word), word
    assert pinyin.read("银行卡") == ["yin", "xing", "ka"]  # pypinyin's reading (text.py puts 银行 right)
    assert pinyin.read("sc证是啥") == ["sc", "zheng", "shi", "sha"]


def test_a_built_matcher_leaves_pypinyin_out(content_root: Path) -> None:
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from bot.app.faq_building import MatcherInTheBackground\n"
        "from bot.content.loader import load_curriculum\n"
        f"matcher = MatcherInTheBackground(load_curriculum(Path({str(content_root)!r}))).ready()\n"
        "print(bool(matcher.match('yinhangka zenme ban', 'zh').matches), 'pypinyin' in sys.modules)\n"
    )
    assert last_line_printed_by(script) == "True False"


def test_a_pinyin_keyword_that_only_spells_a_word_is_read_as_that_word() -> None:
    import numpy as np

    from bot.faq.coverage import WordCoverage, read_as_han

    coverage = WordCoverage(
        3,
        [
            (0, ["w:差评", "w:chaping"], 1.0),
            (1, ["w:差评"], 1.0),
            (2, ["w:浇水"], 1.0),
            (1, ["w:jiaoshui"], 1.0),
        ],
    )
    han = {"chaping": "差评", "jiaoshui": "浇水"}
    assert read_as_han("chaping", han, coverage) == "差评"  # entry 0 uses 差评 too
    assert read_as_han("jiaoshui", han, coverage) == "jiaoshui"  # 交税 there, not 浇水
    assert np.array_equal(coverage.holders("w:差评"), [0, 1])
