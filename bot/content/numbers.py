"""The numbers a text states, so the Chinese and English of one field can be compared.

A farmer reads one language; if the Chinese says 5 米 and the English 10 m, one of them teaches a
wrong distance. This module finds the Arabic numbers in a text (after removing `{{ ... }}`), with
the values they may honestly become in the other language:

- 3万, 1.5万, 2亿, 3千 and 30,000, 2 billion are the same numbers written two ways;
- N 斤 may be N jin or N/2 kg in English (and N kg may be 2N 斤, never N 斤); N 亩 may be N mu or
  N/15 hectares. A number with a unit matches the same number with no unit, or with that unit;
- N 折 (a discount) may be "N0% of the price" or "(100 − N0)% off".

A number is matched when the other language states it, in figures or in words (三, 两三, 十来,
"three", "first", a month's name next to a day or a year), so that "七天无理由退货" and "7-day
returns" agree. Only figures must be matched: words are free to appear on one side only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TEMPLATE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
_FIGURE = re.compile(
    # Not glued to a Latin word (MP3, H5): those are names and codes, not amounts.
    r"(?<![\d.,A-Za-z_])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?"  # 1,000 or 1000 or 2.5
    r"(?:\s*(万|亿|千(?![米克瓦帕])|thousand|million|billion|bn)(?![a-z]))?",  # 千米/千克 are units
    re.I,
)
_SCALE = {"万": 1e4, "亿": 1e8, "千": 1e3, "thousand": 1e3, "million": 1e6, "billion": 1e9, "bn": 1e9}

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7}
_CN_DIGITS |= {"八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10**4, "亿": 10**8}
_CN_RUN = re.compile(r"[零〇一二两三四五六七八九十百千万亿]+")
_CIRCLED = {chr(0x2460 + i): i + 1 for i in range(20)}  # ① … ⑳

_UNITS_EN = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen"
_WORDS: dict[str, float] = {
    w: i for i, w in enumerate(f"{_UNITS_EN} fifteen sixteen seventeen eighteen nineteen twenty".split())
}
_WORDS |= {"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80}
_WORDS |= {"ninety": 90, "hundred": 100, "thousand": 1000, "dozen": 12, "half": 0.5}
_WORDS |= {"once": 1, "twice": 2, "single": 1, "double": 2, "both": 2, "pair": 2, "couple": 2}
_ORDINALS = "first second third fourth fifth sixth seventh eighth ninth tenth"
_WORDS |= {w: i + 1 for i, w in enumerate(_ORDINALS.split())}
_MONTHS = "january february march april may june july august september october november december"
_MONTH = {m: i + 1 for i, m in enumerate(_MONTHS.split())} | {
    m[:3]: i + 1 for i, m in enumerate(_MONTHS.split())
}
_MONTH_NAMES = "|".join(_MONTH)
_MONTH_BY_FIGURE = re.compile(rf"\d\s*({_MONTH_NAMES})\b|\b({_MONTH_NAMES})\.?\s*\d", re.I)
_EN_WORD = re.compile(r"[a-z]+", re.I)


Value = tuple[str, float]  # (unit, amount); the unit is "" for a bare number


@dataclass(frozen=True)
class Figure:
    """A number as written (`shown`) and the values it may stand for in the other language."""

    shown: str
    values: frozenset[Value]


_ZH_UNITS = (("公斤", "kg"), ("千克", "kg"), ("kg", "kg"), ("斤", "jin"), ("亩", "mu"), ("公顷", "ha"))
_EN_UNITS = re.compile(r"(kg|kilo)|(jin)\b|(mu)\b|(ha\b|hectare)", re.I)


def _unit(after: str, lang: str) -> str:
    """The weight or area unit written right after a number, or ""."""
    if lang == "zh":
        return next((unit for word, unit in _ZH_UNITS if after.startswith(word)), "")
    match = _EN_UNITS.match(after)
    return ("kg", "jin", "mu", "ha")[match.lastindex - 1] if match and match.lastindex else ""


def _equivalents(value: float, after: str, lang: str) -> set[Value]:
    """What a number, with the unit written after it, may honestly read in the other language."""
    unit = _unit(after, lang)
    out = {(unit, value)}
    if unit == "jin":
        out.add(("kg", value / 2))  # 1 斤 = 0.5 kg
    elif unit == "kg":
        out.add(("jin", value * 2))
    elif unit == "mu":
        out.add(("ha", value / 15))  # 15 亩 = 1 hectare
    elif unit == "ha":
        out.add(("mu", value * 15))
    elif lang == "zh" and after.startswith("折") and value < 10:
        out |= {("", value * 10), ("", 100 - value * 10)}  # 8折 = 80% of the price = 20% off
    return out


def figures(text: str, lang: str) -> list[Figure]:
    """Every Arabic number in the text, in order, with its honest equivalents."""
    text = _TEMPLATE.sub(" ", text)
    found: list[Figure] = []
    for match in _FIGURE.finditer(text):
        whole, fraction, scale = match.groups()
        value = float(whole.replace(",", "") + (fraction or "")) * _SCALE.get((scale or "").lower(), 1)
        values = _equivalents(value, text[match.end() :].lstrip()[:7], lang)
        found.append(Figure(match.group(0).strip(), frozenset(values)))
    return found


def _cn_value(run: str) -> int | None:
    """The value of a run of Chinese numerals (三, 十五, 二十, 一百二十, 3 万 is handled as figures)."""
    total, section, digit = 0, 0, None
    for ch in run:
        if ch in _CN_DIGITS:
            if digit is not None:
                return None  # 两三: two numbers, not one
            digit = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            section += (1 if digit is None else digit) * _CN_UNITS[ch]
            digit = None
        else:
            total = (total + section + (digit or 0)) * _CN_BIG[ch]
            section, digit = 0, None
    return total + section + (digit or 0)


def _word_values(text: str, lang: str) -> set[float]:
    """Numbers written in words, which may match a figure in the other language."""
    out: set[float] = set()
    if lang == "zh":
        for match in _CN_RUN.finditer(text):
            run = match.group(0)
            whole = _cn_value(run)
            if whole is not None:
                out.add(float(whole))
            out |= {float(_CN_DIGITS[ch]) for ch in run if ch in _CN_DIGITS}
            if "十" in run:
                out.add(10.0)  # 十来, 十几
            if whole is not None and text[match.end() : match.end() + 1] in ("折", "成"):
                out |= {whole * 10.0, 100.0 - whole * 10.0}  # 八折 = 20% off; 两成 = 20%
        out |= {float(v) for ch, v in _CIRCLED.items() if ch in text}
    else:
        out |= {float(_WORDS[w.lower()]) for w in _EN_WORD.findall(text) if w.lower() in _WORDS}
        for match in _MONTH_BY_FIGURE.finditer(text):
            out.add(float(_MONTH[(match.group(1) or match.group(2)).lower()]))
    return out


def _covers(values: frozenset[Value], available: set[Value]) -> bool:
    """True when one of the values is stated on the other side: the same amount (within rounding),
    in the same unit or with no unit on one side."""
    return any(
        abs(v - a) <= 0.02 * max(abs(v), abs(a), 1e-9) and (unit == other or not unit or not other)
        for unit, v in values
        for other, a in available
    )


def unmatched(zh: str, en: str) -> tuple[list[str], list[str]]:
    """The figures only the Chinese states, and those only the English states (each once, in order)."""
    sides = {"zh": zh, "en": en}
    found = {lang: figures(text, lang) for lang, text in sides.items()}
    available = {
        lang: {v for f in found[lang] for v in f.values}
        | {("", w) for w in _word_values(_TEMPLATE.sub(" ", text), lang)}
        for lang, text in sides.items()
    }
    missing: dict[str, list[str]] = {"zh": [], "en": []}
    for lang, other in (("zh", "en"), ("en", "zh")):
        for figure in found[lang]:
            if not _covers(figure.values, available[other]) and figure.shown not in missing[lang]:
                missing[lang].append(figure.shown)
    return missing["zh"], missing["en"]
