"""Farmers' answers to "how much did it bring you?", read into a number and a unit."""

from __future__ import annotations

import pytest

from bot.content.models import Unit
from bot.core.amounts import Amount, chinese_number, parse_amount

ANSWERS: list[tuple[str, float | None, Unit | None]] = [
    ("300", 300, None),
    ("300元", 300, Unit.yuan),
    ("三百", 300, None),
    ("三百块", 300, Unit.yuan),
    ("约300", 300, None),
    ("about 300 yuan", 300, Unit.yuan),
    ("1.5万", 15000, None),
    ("0", 0, None),
    ("没有", 0, None),
    ("一个都没有", 0, None),
    ("还没卖出去", 0, None),
    ("暂时一单都没有", 0, None),
    ("卖了三百五十块钱", 350, Unit.yuan),
    ("三百五", 350, None),
    ("一万五", 15000, None),
    ("两万三", 23000, None),
    ("一百零五", 105, None),
    ("十五单", 15, Unit.orders),
    ("两百多单", 200, Unit.orders),
    ("20单", 20, Unit.orders),
    ("接了12个订单", 12, Unit.orders),
    ("大概五十个人看", 50, Unit.viewers),
    ("直播有80人", 80, Unit.viewers),
    ("涨了30个粉", 30, Unit.followers),
    ("打了120亩地", 120, Unit.mu),
    ("喷了八十亩", 80, Unit.mu),
    ("100斤", 50, Unit.kg),
    ("卖了25公斤", 25, Unit.kg),
    ("3个小时", 3, Unit.hours),
    ("播了两次", 2, Unit.times),
    ("发了6箱", 6, Unit.items),
    ("￥１２００", 1200, Unit.yuan),
    ("1,200 yuan", 1200, Unit.yuan),
    ("２千块", 2000, Unit.yuan),
    ("2k", 2000, None),
    ("200-300", 250, None),
    ("200到300块", 250, Unit.yuan),
    ("about 40 orders", 40, Unit.orders),
    ("around 1500 rmb", 1500, Unit.yuan),
    ("15 viewers", 15, Unit.viewers),
    ("we sprayed 60 mu", 60, Unit.mu),
    ("nothing", 0, None),
    ("none yet", 0, None),
    ("no orders yet", 0, None),
    ("zero", 0, None),
    ("sold 7 boxes", 7, Unit.items),
    ("made 2.5k", 2500, None),
    ("三千二百元", 3200, Unit.yuan),
    ("好几百", None, None),
    ("不知道", None, None),
    ("", None, None),
    ("🙂🙂", None, None),
]


@pytest.mark.parametrize(("answer", "value", "unit"), ANSWERS)
def test_a_typed_answer_gives_its_number_and_unit(
    answer: str, value: float | None, unit: Unit | None
) -> None:
    parsed = parse_amount(answer)
    if value is None:
        assert parsed is None, f"{answer!r} should be asked again, got {parsed}"
    else:
        assert parsed == Amount(value, unit), answer


def test_there_are_at_least_forty_readable_answers_in_both_languages() -> None:
    readable = [a for a, v, _ in ANSWERS if v is not None]
    assert len(readable) >= 40
    assert sum(a.isascii() for a in readable) >= 12 and sum(not a.isascii() for a in readable) >= 25


@pytest.mark.parametrize(
    ("words", "number"),
    [
        ("三百", 300),
        ("三百五", 350),
        ("一万五", 15000),
        ("两千零八", 2008),
        ("十五", 15),
        ("二十", 20),
        ("一万五千", 15000),
    ],
)
def test_chinese_numbers_as_people_say_them(words: str, number: float) -> None:
    assert chinese_number(words) == number
