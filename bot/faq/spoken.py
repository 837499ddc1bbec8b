"""How farmers really write, made comparable: the spoken-language table trainers maintain, applied.

The table (`content/faq/_normalise.yaml`, read and checked as content by `bot.content.faq_spoken`)
holds, per language:

- `fillers`: words voice typing leaves in (那个, 就是, 嗯; um, uh) — dropped;
- `replace`: dialect words, common slips and Latin shorthand → the standard word the bank uses
  (咋整 → 怎么办, 晓得 → 知道, pdd → 拼多多, live → 直播);
- `greetings`: openings and sign-offs that carry no question (王老师你好, 谢谢; hello teacher);
- `question_words`: what kind of thing a question asks (cost: 多少钱, 费用; time: 多久 …). An
  entry answers the kinds its own phrasings and keywords ask; a question asking another kind is
  a near miss (what a trademark costs, to an entry on how to register one).

The same table is applied to the bank's phrasings and to each question, so both sides meet.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from bot.content.faq_spoken import SpokenTable
from bot.content.limits import has_han
from bot.faq.text import normalise

# A word typed twice or more in a row by voice typing or a shaky thumb: 就是就是, 啊啊啊. One
# character said twice is usually a word of its own (谢谢, 天天, 看看, 慢慢): only three or more go.
# A Latin letter: the Latin greetings are only looked for in text that has one.
_LETTER = re.compile("[a-z]")
_REPEATED = re.compile(r"([\u3400-\u9fff])\1{2,}|([\u3400-\u9fff]{2,4})\2+")


@dataclass(frozen=True)
class _Lang:
    # Each word with whether it holds a Chinese character (found anywhere) or not (a whole word,
    # looked for with spaces around it): worked out once, not at every question.
    fillers: tuple[tuple[str, bool], ...] = ()  # longest first: 就是说 goes before 就是 could leave 说
    replace: dict[str, str] = field(default_factory=dict)
    kinds: dict[str, tuple[tuple[str, bool], ...]] = field(default_factory=dict)  # kind → words


def _with_script(words: Iterable[str]) -> tuple[tuple[str, bool], ...]:
    return tuple((word, has_han(word)) for word in words)


class Spoken:
    """The table normalised like questions are (built on first use), and applied to text."""

    def __init__(self, table: SpokenTable | None = None) -> None:
        self.table = table or SpokenTable()
        self._langs: dict[str, _Lang] | None = None
        self._han_replace: dict[str, re.Pattern[str]] = {}
        self._phrase_replace: dict[str, re.Pattern[str]] = {}
        # Greetings in Latin letters, one pattern per language (longest first), cut as whole words:
        # a pattern each cost a regex-cache lookup and a pass over the text per greeting.
        # Greetings in Chinese are cut wherever they appear, longest first.
        self._latin_greetings: dict[str, re.Pattern[str]] = {}
        self._han_greetings: dict[str, tuple[str, ...]] = {}
        self._letterless_greetings: set[str] = set()  # languages with a Latin greeting of no letter

    def _compiled(self) -> dict[str, _Lang]:
        """The table normalised like questions are, built on first use."""
        if self._langs is None:

            def words(values: Iterable[str]) -> list[str]:
                return [w for w in (normalise(v) for v in values) if w]

            langs = {}
            for lang, raw in (self.table.langs or {}).items():
                replace = {normalise(k): normalise(v) for k, v in raw.replace if normalise(k)}
                langs[lang] = _Lang(
                    fillers=_with_script(sorted(set(words(raw.fillers)), key=lambda w: (-len(w), w))),
                    replace=replace,
                    kinds={kind: _with_script(words(ws)) for kind, ws in raw.kinds},
                )
                # In Chinese text words are not spaced: replace anywhere, a Latin word (pdd, live)
                # wherever it is not part of a longer Latin word.
                keys = sorted(replace, key=len, reverse=True)
                if lang == "zh" and keys:
                    self._han_replace[lang] = re.compile(
                        "|".join(
                            re.escape(k) if has_han(k) else rf"(?<![a-z]){re.escape(k)}(?![a-z])"
                            for k in keys
                        )
                    )
                greetings = sorted(words(raw.greetings), key=len, reverse=True)  # 老师你好 before 你好
                self._han_greetings[lang] = tuple(g for g in greetings if has_han(g))
                latin = [g for g in greetings if not has_han(g)]
                if any(_LETTER.search(g) is None for g in latin):
                    self._letterless_greetings.add(lang)
                if latin:
                    self._latin_greetings[lang] = re.compile(
                        "|".join(rf"(?<![a-z]){re.escape(g)}(?![a-z])" for g in latin)
                    )
                # In spaced text, a key of several words (money back → refund) is replaced as a
                # phrase, before the word-by-word replacement (which only sees one word at a time).
                phrases = [k for k in keys if " " in k]
                if lang != "zh" and phrases:
                    self._phrase_replace[lang] = re.compile(
                        "|".join(rf"(?<![a-z0-9]){re.escape(k)}(?![a-z0-9])" for k in phrases)
                    )
            self._langs = langs
        return self._langs

    def _table(self, lang: str) -> _Lang:
        return self._compiled().get(lang) or _Lang()

    def standard(self, norm: str, lang: str) -> str:
        """Normalised text with repeats collapsed, fillers dropped and dialect words replaced."""
        table = self._table(lang)
        if lang == "zh":
            norm = _REPEATED.sub(lambda m: m.group(1) or m.group(2), norm)
            pattern = self._han_replace.get(lang)
            if pattern is not None:
                norm = pattern.sub(lambda m: table.replace[m.group(0)], norm)
        elif (phrases := self._phrase_replace.get(lang)) is not None:
            norm = phrases.sub(lambda m: table.replace[m.group(0)], norm)
        words = [table.replace.get(word, word) for word in norm.split()]
        text = f" {' '.join(words)} "
        for filler, han in table.fillers:  # Chinese fillers anywhere; others as whole words
            text = text.replace(filler, "") if han else text.replace(f" {filler} ", " ")
        return " ".join(text.split())

    def without_greetings(self, norm: str, lang: str) -> str:
        """The text with greetings and thanks cut out (王老师你好 …; hello teacher …)."""
        self._compiled()
        for greeting in self._han_greetings.get(lang, ()):
            norm = norm.replace(greeting, "")
        latin = self._latin_greetings.get(lang)
        # Chinese text without a Latin letter holds no Latin greeting (when each has a letter):
        # it is left alone, as the pattern's alternatives cost a pass each over the text
        if latin is not None and (_LETTER.search(norm) or lang in self._letterless_greetings):
            norm = latin.sub(" ", norm)
        return " ".join(norm.split())

    def kinds(self, norm: str, lang: str) -> frozenset[str]:
        """The kinds of question words in normalised text (cost, time, lost …)."""
        found = set()
        padded = f" {norm} "
        for kind, words in self._table(lang).kinds.items():
            for word, han in words:
                if (word in norm) if han else (f" {word} " in padded):
                    found.add(kind)
                    break
        return frozenset(found)

    def kinds_of(self, texts: Iterable[str], lang: str) -> frozenset[str]:
        """The kinds of question words in any of `texts` (raw): what an entry answers."""
        found: set[str] = set()
        for text in texts:
            found |= self.kinds(normalise(text), lang)
        return frozenset(found)
