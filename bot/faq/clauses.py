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
    r"second question|next question|other question|by the way|besides|secondly|but|plus|btw|"
    r"and now|so now|and then|so then)\b"
)
# Words that make a clause a question rather than context (咋, 吗, 能不能; how, can, should …).
# 不 and 没 ask only at the end (退了没, 能退不) or doubled (好不好, 有没有): inside a clause they
# tell what went wrong (一单都没有, 字看不清), context that used to count as a question.
_ZH_ASKS = re.compile(
    r"[咋啥吗么呢哪几谁嘛]|怎|什么|能|可以|要不要|行不行|是不是|多少|多久|多长|如何|为啥"
    r"|[不没]$|(.)不\1|有没有"
)
_EN_ASKS = re.compile(
    r"^(?:can|could|should|do|does|did|is|are|any|will|may|must|shall|would|have|has)\b"
    r"|\b(?:how|what|whats|when|where|why|which|who|help|tips?|advice|ok|okay|allowed)\b"
)
# Quantities and degree words that contain a question character but ask nothing: 十几亩, 好几天,
# 几十年, 这么多, 那么贵 (我们家养蜂十几年了 is who they are, not what they ask).
_ZH_NOT_ASKING = re.compile(r"十几|几十|几百|几千|几万|好几|这么|那么|怎么也|什么都|啥都|谁都|哪都")
# Clauses that say who the farmer is or what the farm is (我是老李, 我家种了十几亩猕猴桃,
# 今年六十了, 我儿子在外地): context, when they ask nothing. They are left out of the message read
# whole, so their nouns (猕猴桃, 鸡) do not pull it towards entries on those goods.
_ZH_CONTEXT = re.compile(
    r"^(?:我是|我们是|俺是|我家|我们家|俺家|咱家|家里|屋里|我今年|今年|去年|前年|我们村|村里|"
    r"我?(?:儿子|闺女|女儿|孙子|孙女|老伴|儿媳|媳妇)|我以前|以前|我平时|平时|我在家|在家)"
)
# A clause that only calls the teacher (老师, 师傅啊), or the surname a cut greeting leaves behind
# (李老师您好 → 李): it asks nothing and says nothing.
_ZH_VOCATIVE = re.compile(r"^(?:[\u3400-\u9fff]?(?:老师|师傅|同志)[啊呀吧哈]?|[^咋啥吗么呢哪几谁嘛怎]|)$")
MAX_CLAUSES = 6  # the last questions of a very long message are what it asks


@dataclass(frozen=True)
class Parts:
    clauses: tuple[str, ...]  # the message without greetings, clause by clause
    asking: tuple[int, ...]  # the clauses that ask something (the last when none says it asks)
    pieces: tuple[tuple[int, ...], ...]  # what to score, as clause numbers: the whole first
    context: tuple[int, ...] = ()  # clauses that only say who the farmer is (left out of the whole)

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
            out += [c for c in _ZH_JOINERS.sub(" ", text).split() if not _ZH_VOCATIVE.match(c)]
        else:
            out += [c.strip() for c in _EN_JOINERS.split(text) if c.strip()]
    return out


def _asks(clause: str) -> bool:
    if has_han(clause):
        return bool(_ZH_ASKS.search(_ZH_NOT_ASKING.sub(" ", clause)))
    return bool(_EN_ASKS.search(clause))


def is_context(clause: str) -> bool:
    """Whether a clause only says who the farmer is or what the farm is (我家种了十几亩猕猴桃)."""
    # what someone said (我儿子说提现要手续费) is what the question is about, not who they are
    told = "说" in clause or "讲" in clause
    return has_han(clause) and bool(_ZH_CONTEXT.match(clause)) and not told and not _asks(clause)


def split_message(raw: str, prepare: Callable[[str], str]) -> Parts:
    """The parts of a raw message; `prepare` normalises a piece of it. A short one is one piece."""
    clauses = tuple(_clauses(raw, prepare))
    context = tuple(i for i, c in enumerate(clauses) if is_context(c))
    # the message read whole, without the clauses that only say who the farmer is (when anything is left)
    whole = tuple(i for i in range(len(clauses)) if i not in context) or tuple(range(len(clauses)))
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
        return Parts(clauses, last, tuple(dict.fromkeys(pieces)), context)
    pieces = [whole]
    for i in asking:
        # the asking clause alone, and with up to two clauses before it (what it asks about)
        pieces += [tuple(range(i - before, i + 1)) for before in range(min(i, 2) + 1)]
    pieces.append(asking)
    return Parts(clauses, asking, tuple(dict.fromkeys(pieces)), context)
