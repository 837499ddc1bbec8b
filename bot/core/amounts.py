"""Reading the numbers farmers type when they report what a lesson earned them.

"300", "300元", "三百块", "约300", "about 300 yuan", "1.5万", "一万五", "两百多单", "0", "没有":
each gives a number and, where the words say one, a unit. Pure functions, no I/O; anything that
cannot be read gives None so the bot can ask again kindly.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.content.models import Unit

_DIGITS = {"零": 0, "〇": 0, "一": 1, "幺": 1, "二": 2, "两": 2, "俩": 2, "三": 3, "仨": 3, "四": 4,
           "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}  # fmt: skip
_SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_BIG_UNITS = {"万": 10_000, "萬": 10_000, "亿": 100_000_000}
_CN_NUMBER = re.compile(r"[零〇一幺二两俩三仨四五六七八九十拾百佰千仟万萬亿]+")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")

# Words for "nothing yet" — the answer is a real zero, worth recording.
_NOTHING = re.compile(
    r"^(还|暂时|目前|现在)?(没|无|一个都没|一单都没|一个也没|啥也没|啥都没|零$)"
    r"|^(nothing|none|no|zero|not yet|nope|nil|nobody)\b"
)

# The words that name each unit. Longer words are tried first, so 块钱 wins over 块.
_UNIT_NAMES: dict[Unit, str] = {
    Unit.yuan: "块钱 元钱 人民币 yuan rmb cny 元 块 ¥ ￥",
    Unit.orders: "订单 orders order 单",
    Unit.viewers: "观众 viewers viewer people 人看 人",
    Unit.followers: "粉丝 followers fans 粉",
    Unit.mu: "亩地 亩 mu",
    Unit.kg: "公斤 千克 kg kilos 斤",
    Unit.hours: "个小时 小时 钟头 hours hour hrs",
    Unit.times: "次 times",
    Unit.items: "件 箱 items boxes",
}
_CONVERT = {"斤": 0.5}  # a jin is half a kilogram
_UNIT_WORDS = sorted(
    ((word, unit, _CONVERT.get(word, 1.0)) for unit, names in _UNIT_NAMES.items() for word in names.split()),
    key=lambda item: -len(item[0]),
)
_RANGE = re.compile(r"(\d+(?:\.\d+)?)\s*(?:-|~|到|至|to)\s*(\d+(?:\.\d+)?)")


@dataclass(frozen=True)
class Amount:
    value: float
    unit: Unit | None  # None when the words name no unit: the question's unit applies


def chinese_number(text: str) -> float | None:
    """三百五 → 350, 一万五 → 15000, 两千零八 → 2008, 十五 → 15; None if it isn't one."""
    if not text or not _CN_NUMBER.fullmatch(text):
        return None
    total = 0.0
    section = 0.0  # the part below the current 万
    digit: float | None = None
    last_unit = 1
    for ch in text:
        if ch in _DIGITS:
            digit = float(_DIGITS[ch])
        elif ch in _SMALL_UNITS:
            unit = _SMALL_UNITS[ch]
            section += (1 if digit is None else digit) * unit
            digit, last_unit = None, unit
        else:
            big = _BIG_UNITS[ch]
            total = (total + section + (digit or 0)) * big
            section, digit, last_unit = 0.0, None, big
    if digit is not None:
        # A digit after a unit is the next place down, as people say it: 三百五 is 350, 一万五 15000.
        follows_zero = "零" in text[-2:] or "〇" in text[-2:]
        section += digit if follows_zero or last_unit == 1 else digit * last_unit / 10
    return total + section


def _with_big_unit(number: str, suffix: str) -> tuple[float, str]:
    """1.5万 → 15000; 2k → 2000; the rest of the text after the number."""
    value = float(number)
    for mark, factor in (("万", 10_000), ("w", 10_000), ("k", 1000), ("千", 1000)):
        if suffix.startswith(mark):
            return value * factor, suffix[len(mark) :]
    return value, suffix


def _unit_in(text: str) -> tuple[Unit | None, float]:
    for word, unit, factor in _UNIT_WORDS:
        if word.isascii() and word.isalpha():
            if re.search(rf"(?<![a-z]){re.escape(word)}(?![a-z])", text):
                return unit, factor
        elif word in text:
            return unit, factor
    return None, 1.0


def parse_amount(raw: str) -> Amount | None:
    """The number (and unit, if named) in a farmer's answer, or None when there is none to read."""
    text = unicodedata.normalize("NFKC", raw).casefold().strip()
    text = re.sub(r"(?<=\d),(?=\d{3})", "", text)  # 1,200 → 1200
    text = re.sub(r"[。.!！?？~～\s]+$", "", text)
    if not text:
        return None
    if _NOTHING.match(text) and not re.search(r"\d", text):
        return Amount(0.0, None)
    unit, factor = _unit_in(text)
    span = _RANGE.search(text)
    if span:  # "200-300": the middle is the fairest single figure
        value = (float(span.group(1)) + float(span.group(2))) / 2
        return Amount(value * factor, unit)
    found = _NUMBER.search(text)
    if found:
        value, _rest = _with_big_unit(found.group(), text[found.end() :].lstrip())
        return Amount(value * factor, unit)
    for words in _CN_NUMBER.findall(text):
        spoken = chinese_number(words)
        if spoken is not None and words not in ("万", "千", "百", "十"):
            return Amount(spoken * factor, unit)
    return None
