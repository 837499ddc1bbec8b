"""Toneless pinyin of Chinese words from a small table shipped with FarmSkills, pypinyin's reading.

pypinyin holds its 41,000-character dictionary as Python objects (about 11 MB of the bot's
memory), though the FAQ only asks it for the toneless first reading of common characters. Without
its phrase dictionary (left out, see `bot/faq/text.py`) pypinyin reads each character on its own,
so a table of one syllable per character gives the same syllables: `pinyin_table.txt`, made from
pypinyin by `python -m bot.faq.pinyin`, one line per syllable with the characters read so, held in
memory as a 55 KB array. A word the table cannot read whole (a rare character, one without a
reading) goes to pypinyin itself, so the readings are pypinyin's in every case.
"""

from __future__ import annotations

import os
import re
from array import array
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

TABLE = Path(__file__).with_name("pinyin_table.txt")
FIRST, LAST = 0x3400, 0x9FFF  # CJK Extension A and the Unified Ideographs: what farmers type
_WORD = re.compile(r"[\u3400-\u9fff\x20-\x7e]+")  # these characters and printable ASCII
_RUNS = re.compile(r"[\u3400-\u9fff]+|[\x20-\x7e]+")  # pypinyin keeps a run of non-Chinese whole


@lru_cache(maxsize=1)
def _pypinyin() -> Callable[[str], list[str]]:
    """pypinyin's reader, without its phrase dictionary (as the table was made), imported on first use."""
    os.environ.setdefault("PYPINYIN_NO_PHRASES", "true")
    from pypinyin import lazy_pinyin

    return lazy_pinyin


@lru_cache(maxsize=1)
def _table() -> tuple[tuple[str, ...], array[int]]:
    """The syllables, and for each character from FIRST to LAST the number of its syllable (0: none)."""
    lines = TABLE.read_text(encoding="utf-8").splitlines()
    sounds = ("", *(line.split(" ", 1)[0] for line in lines))
    index = array("H", bytes(2 * (LAST - FIRST + 1)))
    for number, line in enumerate(lines, 1):
        for char in line.split(" ", 1)[1]:
            index[ord(char) - FIRST] = number
    return sounds, index


def read(word: str) -> list[str]:
    """The toneless syllables of `word`, as pypinyin's `lazy_pinyin` gives them."""
    if _WORD.fullmatch(word):
        sounds, index = _table()
        found: list[str] = []
        for run in _RUNS.findall(word):
            if run[0] < "\x7f":
                found.append(run)  # Latin letters and digits (sc证, 7天): as they are, in one piece
            else:
                found.extend(sounds[index[ord(char) - FIRST]] for char in run)
        if all(found):
            return found
    return _pypinyin()(word)


def make_table() -> str:
    """The table's text, from pypinyin: each syllable, then every character it reads so."""
    lazy_pinyin = _pypinyin()
    chars: dict[str, list[str]] = {}
    for code in range(FIRST, LAST + 1):
        (sound,) = lazy_pinyin(chr(code))
        if sound != chr(code):  # a character pypinyin has no reading for is left to pypinyin
            chars.setdefault(sound, []).append(chr(code))
    return "".join(f"{sound} {''.join(read_so)}\n" for sound, read_so in sorted(chars.items()))


if __name__ == "__main__":
    TABLE.write_text(make_table(), encoding="utf-8")
    print(f"wrote {TABLE}")
