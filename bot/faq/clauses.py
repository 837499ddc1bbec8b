"""Long messages cut into the parts that ask something.

Farmers write the way they talk on WeChat: a greeting, who they are, some family context, then
one or two questions. Scoring the whole message lets the context drown the question, so the
message is cut into clauses (at punctuation, spaces and joining words such as 还有/另外/and/also)
and the matcher scores the clauses that ask something, each alone and with the clause before it
and with up to two before it (俺那个包裹寄丢了 / 咋整嘛), as well as the whole. When no clause says
it asks (sensor not working right), the last one is taken as the question: people write it after
who they are and what happened.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from bot.faq.text import has_han

# Where a clause ends in the raw text, before normalising turns punctuation into spaces.
_STOPS = re.compile(r"[,.;:!?\n，。；：！？、…~～]+")
# Joining words that start a new question: 还有/另外/再问 …; and/also/another thing …
_ZH_JOINERS = re.compile(r"还有就是|还有|另外|再问一下|再问|再一个|第二个|一个是|二是|其次|顺便问")
_EN_JOINERS = re.compile(
    r"\b(?:and also|also|another thing|another question|one more thing|one more question|"
    r"second question|next question|other question|by the way|besides|secondly|but|plus|btw)\b"
)
# Words that make a clause a question rather than context (咋, 吗, 能不能; how, can, should …).
# 不 and 没 ask only at the end (退了没, 能退不) or doubled (好不好, 有没有): inside a clause they
# tell what went wrong (一单都没有, 字看不清), context that used to count as a question.
_ZH_ASKS = re.compile(
    r"[咋啥吗么呢哪几谁嘛]|怎|什么|能|可以|要不要|行不行|是不是|多少|多久|如何|为啥"
    r"|[不没]$|(.)不\1|有没有"
)
_EN_ASKS = re.compile(
    r"^(?:can|could|should|do|does|did|is|are|any|will|may|must|shall|would|have|has)\b"
    r"|\b(?:how|what|whats|when|where|why|which|who|help|tips?|advice|ok|okay|allowed)\b"
)
MAX_CLAUSES = 6  # the last questions of a very long message are what it asks


@dataclass(frozen=True)
class Parts:
    clauses: tuple[str, ...]  # the message without greetings, clause by clause
    asking: tuple[int, ...]  # the clauses that ask something (the last when none says it asks)
    pieces: tuple[tuple[int, ...], ...]  # what to score, as clause numbers: the whole first

    @property
    def whole(self) -> str:
        return " ".join(self.clauses)

    def text(self, piece: tuple[int, ...]) -> str:
        return " ".join(self.clauses[i] for i in piece)


def _clauses(raw: str, prepare: Callable[[str], str]) -> list[str]:
    """Clauses of a raw message, each prepared (normalised, standardised, greetings cut)."""
    out: list[str] = []
    for chunk in _STOPS.split(unicodedata.normalize("NFKC", raw)):
        text = prepare(chunk)
        if not text:
            continue
        if has_han(text):
            out += _ZH_JOINERS.sub(" ", text).split()
        else:
            out += [c.strip() for c in _EN_JOINERS.split(text) if c.strip()]
    return out


def _asks(clause: str) -> bool:
    return bool((_ZH_ASKS if has_han(clause) else _EN_ASKS).search(clause))


def split_message(raw: str, prepare: Callable[[str], str]) -> Parts:
    """The parts of a raw message; `prepare` normalises a piece of it. A short one is one piece."""
    clauses = tuple(_clauses(raw, prepare))
    whole = tuple(range(len(clauses)))
    asking = tuple(i for i, c in enumerate(clauses) if _asks(c))[-MAX_CLAUSES:]
    if len(clauses) <= 1:
        return Parts(clauses, whole, (whole,) if clauses else ())
    if not asking:
        # no clause says it asks (sensor not working right): the question comes last, as people
        # write it after who they are and what happened; scored alone and with the clause before
        # it, beside the whole (two pieces more, not four: long messages at 5,000 entries are at
        # the 5 ms edge)
        last = (len(clauses) - 1,)
        pieces: list[tuple[int, ...]] = [whole, last]
        if len(clauses) > 2:
            pieces.append((len(clauses) - 2, *last))
        return Parts(clauses, last, tuple(pieces))
    pieces = [whole]
    for i in asking:
        # the asking clause alone, and with up to two clauses before it (what it asks about)
        pieces += [tuple(range(i - before, i + 1)) for before in range(min(i, 2) + 1)]
    pieces.append(asking)
    return Parts(clauses, asking, tuple(dict.fromkeys(pieces)))
