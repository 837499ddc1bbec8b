"""The figures of a Chinese and an English text agree when they state the same amounts, however written."""

from __future__ import annotations

import pytest

from bot.content.numbers import unmatched

AGREE = [
    ("一箱 10 斤", "a 5 kg box"),
    ("1000 斤樱桃", "1,000 jin (500 kg) of cherries"),
    ("卖了 3万 元，又卖 1.5万", "sold 30,000 yuan, then 15 thousand"),
    ("2026 年 2 月 1 日起", "from 1 Feb 2026"),
    ("七天无理由退货", "7-day no-reason returns"),
    ("打八折", "20% off"),
    ("两三种规格", "2 or 3 sizes"),
    ("30 亩地", "2 hectares"),
    ("① 打招呼 ② 讲来历", "1. Hello 2. Story"),
    ("按{{ term('a1') }}做", "do the {{ term('b2') }}"),
    ("刑法第 287 条之二", "Criminal Law art. 287-2"),
]


@pytest.mark.parametrize(("zh", "en"), AGREE)
def test_the_same_amount_written_two_ways_agrees(zh: str, en: str) -> None:
    assert unmatched(zh, en) == ([], [])


DIFFER = [
    ("离电线 5 米", "5 m from power lines, 10 m from poles", [], ["10"]),
    ("安全间隔期 14 天", "a 7-day waiting period", ["14"], ["7"]),
    ("一箱 10 斤", "a 10 kg box", ["10"], ["10"]),  # 10 kg would be 20 斤, 10 斤 is 5 kg
    ("留存 6 个月", "keep it a year", ["6"], []),
]


@pytest.mark.parametrize(("zh", "en", "zh_only", "en_only"), DIFFER)
def test_a_figure_stated_on_one_side_only_is_named(
    zh: str, en: str, zh_only: list[str], en_only: list[str]
) -> None:
    assert unmatched(zh, en) == (zh_only, en_only)


def test_digits_inside_names_and_codes_are_not_amounts() -> None:
    assert unmatched("存成 MP3", "save as an MP3 file") == ([], [])
