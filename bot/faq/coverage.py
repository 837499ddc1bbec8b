"""WordCoverage: how much of a question's meaning an entry covers, word by word.

The fuzzy channel compares a question with one phrasing at a time; a farmer's question often
shares its words with an entry's answer or with several phrasings at once instead. This channel
treats each entry as one bag of units (words, their pinyin, Chinese character pairs) from its
phrasings, keywords and answer, weights each unit by how rare it is across the bank (IDF), and
scores an entry by the share of the question's weight it covers. Rare words the bank has never
seen count against every entry, which keeps out-of-scope questions low.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence

import numpy as np

from bot.faq.text import has_han, syllables


def units(words: Sequence[str]) -> list[str]:
    """The comparable pieces of a question's content words."""
    out: list[str] = []
    for word in words:
        out.append("w:" + word)
        if has_han(word):
            out.append("p:" + "".join(syllables(word)))
            out.extend("b:" + word[i : i + 2] for i in range(len(word) - 1))
            if len(word) > 1:
                out.extend("c:" + ch for ch in word)
    return out


class WordCoverage:
    def __init__(self, n_entries: int, documents: Iterable[tuple[int, Iterable[str], float]]) -> None:
        """`documents`: (entry index, units, weight of that field) for every phrasing, keyword, answer."""
        best: dict[str, dict[int, float]] = defaultdict(dict)
        for entry, pieces, weight in documents:
            for unit in pieces:
                held = best[unit]
                held[entry] = max(held.get(entry, 0.0), weight)
        self.n = n_entries
        self.idf = {u: math.log(1 + n_entries / len(held)) for u, held in best.items()}
        self.unseen_idf = math.log(1 + max(n_entries, 1))
        self.postings = {
            u: (np.fromiter(held.keys(), dtype=np.intp), np.fromiter(held.values(), dtype=float))
            for u, held in best.items()
        }

    def scores(self, question_units: Sequence[str]) -> np.ndarray:
        """0–100 per entry: the IDF-weighted share of the question's units the entry holds."""
        covered = np.zeros(self.n)
        total = 0.0
        for unit in dict.fromkeys(question_units):  # each unit once, in order
            idf = self.idf.get(unit, self.unseen_idf)
            total += idf
            posting = self.postings.get(unit)
            if posting is not None:
                entries, weights = posting
                covered[entries] += idf * weights
        return covered * (100.0 / total) if total else covered
