"""The brief's elder-friendly limits, measured the way a farmer meets them on a small phone.

One idea per message: at most 200 Chinese characters or 60 English words. Keyboards: at most 4
buttons, at most 2 a row, each label short (6 Chinese characters or 16 Latin characters) and
starting with an icon.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

MAX_ZH_CHARS = 200
MAX_EN_WORDS = 60
MAX_LABEL_ZH = 6
MAX_LABEL_LATIN = 16
MAX_BUTTONS = 4
MAX_PER_ROW = 2
MAX_IMAGE_BYTES = 150 * 1024  # a picture on weak signal
MAX_VOICE_SECONDS = 90  # one idea per step, said aloud
MAX_VOICE_BYTES = 600 * 1024

_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def has_han(text: str) -> bool:
    """True when the text holds a Chinese character."""
    return _HAN.search(text) is not None


def is_icon_char(ch: str) -> bool:
    """An emoji or pictograph (or the joiners and selectors that build one)."""
    if ch in "\u200d\ufe0f\u20e3":
        return True
    cat = unicodedata.category(ch)
    return cat == "So" or (cat == "Sk" and ord(ch) > 0x1F000)


def split_icon(label: str) -> tuple[str, str]:
    """Split a button label into its leading icon and the words after it."""
    i = 0
    while i < len(label) and (
        is_icon_char(label[i])
        or (label[i].isdigit() and i + 1 < len(label) and label[i + 1] in "\ufe0f\u20e3")
    ):
        i += 1
    return label[:i], label[i:].strip()


def message_size(text: str, lang: str) -> tuple[int, int]:
    """How big a message is, and the most it may be, in the unit that matters for the language."""
    if lang == "zh":
        return sum(1 for ch in text if not ch.isspace()), MAX_ZH_CHARS
    return len(re.findall(r"[A-Za-z0-9][\w'’.,-]*", text)), MAX_EN_WORDS


def message_problem(text: str, lang: str) -> str | None:
    size, limit = message_size(text, lang)
    if size > limit:
        unit = "characters" if lang == "zh" else "words"
        return f"is {size} {unit} as shown; the limit is {limit}"
    return None


def label_problem(label: str, needs_icon: bool = True) -> str | None:
    """Why a button label breaks the rules, or None if it is fine."""
    icon, words = split_icon(label)
    if needs_icon and not icon:
        return f'"{label}" should start with an icon'
    if not words:
        return f'"{label}" has no words after the icon'
    size, limit, unit = label_size(words)
    if size > limit:
        return f'"{words}" is {size} {unit}; at most {limit}'
    return None


def label_size(words: str) -> tuple[int, int, str]:
    """How long a label's words are, the most they may be, and the unit (Chinese or Latin)."""
    if _HAN.search(words):
        return len(words.replace(" ", "")), MAX_LABEL_ZH, "Chinese characters"
    return len(words), MAX_LABEL_LATIN, "characters"


def keyboard_problems(rows: Sequence[Sequence[str]]) -> list[str]:
    """Every way a keyboard (rows of labels) breaks the rules."""
    problems = []
    total = sum(len(row) for row in rows)
    if total > MAX_BUTTONS:
        problems.append(f"{total} buttons; at most {MAX_BUTTONS}")
    for row in rows:
        if len(row) > MAX_PER_ROW:
            problems.append(f"a row of {len(row)} buttons; at most {MAX_PER_ROW}")
        for label in row:
            problem = label_problem(label)
            if problem:
                problems.append(problem)
    return problems
