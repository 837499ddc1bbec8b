"""The matcher's index for one language, built once from the bank.

Every phrasing of every entry as its content words and as their pinyin (laid out entry by entry,
so one vectorised rapidfuzz call compares a question with all of them), the keywords, the
IDF-weighted word coverage of phrasings, keywords and answers, phrasing recall for long messages,
the English speller and which entries answer which kinds of question. `matcher.py` scores
questions against it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from bot.content.faq_bank import FaqBank
from bot.faq.coverage import PhraseRecall, WordCoverage, specific_idf, units
from bot.faq.keywords import KeywordIndex, weighted
from bot.faq.settings import MatcherSettings
from bot.faq.spelling import Speller
from bot.faq.spoken import Spoken
from bot.faq.text import Segmenter, has_han, normalise, pinyin_words, stem, syllables

# Word order carries meaning in Chinese (卖不出去 vs 出去卖) but English questions are often in any
# order, so English phrasings are compared with their words sorted (token-sort, done once at build).
SORTED_WORDS = {"zh": False, "en": True}


@dataclass
class LangIndex:
    """Everything for one language, laid out for one vectorised call per channel."""

    words: list[str]  # each phrasing's content words, joined by spaces
    pinyin: list[str]  # the same as pinyin
    starts: np.ndarray  # where each entry's phrasings begin (phrasings are grouped by entry)
    ends: np.ndarray
    keywords: KeywordIndex
    coverage: WordCoverage
    recall: PhraseRecall
    speller: Speller  # typos in English questions read as the bank's words (spelling.py)
    kinds: dict[str, np.ndarray]  # kind of question (cost, time …) → which entries answer it

    @cached_property
    def owners(self) -> np.ndarray:
        """The entry of each phrasing."""
        return np.repeat(np.arange(len(self.starts)), self.ends - self.starts)

    @cached_property
    def word_array(self) -> np.ndarray:
        """`words` as an array, so the phrasings of some entries are picked out in one C call."""
        return _as_array(self.words)

    @cached_property
    def pinyin_array(self) -> np.ndarray:
        """`pinyin` as an array (see `word_array`)."""
        return _as_array(self.pinyin)


def _as_array(strings: list[str]) -> np.ndarray:
    out = np.empty(len(strings), dtype=object)
    out[:] = strings
    return out


def joined(words: list[str], sort: bool) -> str:
    """A phrasing's (or a question's) words as one string for rapidfuzz, sorted when `sort`."""
    return " ".join(sorted(words) if sort else words)


def build_index(
    bank: FaqBank, settings: MatcherSettings, spoken: Spoken, segmenter: Segmenter, lang: str
) -> LangIndex:
    """The index of `lang`: every phrasing's words and pinyin, keywords, coverage and recall."""

    def standardised(text: str) -> str:
        return spoken.standard(normalise(text), lang)

    words: list[str] = []
    pinyin: list[str] = []
    starts: list[int] = []
    han_kw: dict[str, set[int]] = defaultdict(set)
    py_kw: dict[str, set[int]] = defaultdict(set)
    word_kw: dict[str, set[int]] = defaultdict(set)
    documents: list[tuple[int, list[str], float]] = []
    phrase_units: list[list[str]] = []
    longest_sounds = 1
    for e_index, entry in enumerate(bank.entries):
        starts.append(len(words))
        zh = lang == "zh"
        for phrase in entry.questions.get(lang):
            standard = standardised(phrase)
            content = segmenter.words(standard, lang)
            words.append(joined(content, SORTED_WORDS[lang]))
            pinyin.append(joined(pinyin_words(content), SORTED_WORDS[lang]))
            phrase_units.append(units(content, zh, standard))
            documents.append((e_index, phrase_units[-1], 1.0))
        answer_words = segmenter.words(standardised(entry.answer.get(lang)), lang)
        documents.append((e_index, units(answer_words, zh), settings.answer_weight))
        for keyword in entry.keywords.get(lang):
            norm = standardised(keyword)
            if not norm:
                continue
            documents.append((e_index, units(segmenter.words(norm, lang), zh), 1.0))
            if lang == "zh":
                compact = norm.replace(" ", "")
                if has_han(compact):
                    han_kw[compact].add(e_index)
                sounds = [s for w in norm.split() for s in syllables(w)]
                if len("".join(sounds)) >= 5:
                    py_kw["".join(sounds)].add(e_index)
                    longest_sounds = max(longest_sounds, len(sounds))
            else:
                word_kw[" ".join(stem(w) for w in norm.split())].add(e_index)
    vocab = {u[2:] for _, pieces, _ in documents for u in pieces if u.startswith("w:")}
    longest = max((len(k.split()) if lang == "en" else len(k) for k in (*han_kw, *word_kw)), default=1)
    coverage = WordCoverage(len(bank.entries), documents)
    # a long message holds a phrasing only through a specific word of it: Chinese only, as in
    # English it moved the cross-validated answers the wrong way
    specific = specific_idf(len(bank.entries)) if lang == "zh" else 0.0
    return LangIndex(
        words=words,
        pinyin=pinyin,
        starts=np.array(starts, dtype=np.intp),
        ends=np.array([*starts[1:], len(words)], dtype=np.intp),
        keywords=KeywordIndex(
            han=weighted(han_kw, coverage, "w:"),
            pinyin=weighted(py_kw, coverage, "p:"),
            words=weighted(word_kw, coverage, "w:"),
            longest=longest,
            longest_sounds=longest_sounds,
        ),
        coverage=coverage,
        recall=PhraseRecall(coverage.idf, phrase_units, specific),
        speller=Speller(
            vocab,
            {w: float(len(coverage.holders("w:" + w))) for w in vocab},
            # real words the bank doesn't use (accept): left as typed, not "corrected" (accent)
            [
                w
                for word in bank.spoken.lang(lang).spelled_right
                for w in segmenter.words(normalise(word), lang)
            ],
            _aliases(bank, spoken, segmenter, lang),
        ),
        kinds=_kinds(bank, spoken, lang),
    )


def _aliases(bank: FaqBank, spoken: Spoken, segmenter: Segmenter, lang: str) -> dict[str, tuple[str, ...]]:
    """The replace table's one-word keys, as read, → the words they are replaced by: so a
    typo of a word the bank only knows through the table (pakage → package → parcel) is read."""
    out: dict[str, tuple[str, ...]] = {}
    for key, standard in bank.spoken.lang(lang).replace:
        read = segmenter.words(normalise(key), lang)
        if len(read) == 1 and not has_han(read[0]):
            out[read[0]] = tuple(segmenter.words(spoken.standard(normalise(standard), lang), lang))
    return out


def _kinds(bank: FaqBank, spoken: Spoken, lang: str) -> dict[str, np.ndarray]:
    """For each kind of question word, the entries whose phrasings or keywords ask it."""
    answers: dict[str, np.ndarray] = defaultdict(lambda: np.zeros(len(bank.entries), dtype=bool))
    for e_index, entry in enumerate(bank.entries):
        for kind in spoken.kinds_of([*entry.questions.get(lang), *entry.keywords.get(lang)], lang):
            answers[kind][e_index] = True
    return dict(answers)
