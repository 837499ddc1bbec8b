"""Keyword hits: the domain words, synonyms and typos trainers list for an entry, found in a clause.

A keyword named by several entries is shared among them, and a keyword that is a word many
entries use (无人机) counts less (`weighted`). Chinese keywords are found as characters and by
sound, syllable by syllable (保正金, baozhengjin); English ones as stemmed word n-grams.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.faq.coverage import WordCoverage
from bot.faq.text import stem, syllables

Owners = dict[str, list[tuple[int, float]]]  # keyword → (entry, weight)


def weighted(raw: dict[str, set[int]], coverage: WordCoverage, prefix: str) -> Owners:
    """Keyword → (entry, weight): shared among the entries naming it and, when the keyword is a
    word the bank uses, weighted by how rare that word is across the bank (无人机 is said by
    many drone entries, though one lists it as a keyword)."""
    out = {}
    for kw, owners in raw.items():
        # a keyword of several words is not a unit of the bank: as rare as a word never seen
        rare = coverage.idf.get(prefix + kw, coverage.unseen_idf) / coverage.unseen_idf
        out[kw] = [(e, rare / len(owners)) for e in sorted(owners)]
    return out


@dataclass(frozen=True)
class KeywordIndex:
    han: Owners  # Chinese keywords as characters
    pinyin: Owners  # ...and as their syllables joined
    words: Owners  # English keywords as stemmed word n-grams
    longest: int  # a keyword's length in characters (Chinese) or words (English)
    longest_sounds: int  # a Chinese keyword's length in syllables

    def hits(self, norm: str, lang: str) -> dict[tuple[str, int], float]:
        """The keywords in a clause: (keyword as heard, entry) → weight. A homophone typo and its
        right spelling are heard alike, so they count once, not twice."""
        hits: dict[tuple[str, int], float] = {}
        if lang == "zh":
            compact = norm.replace(" ", "")
            for i in range(len(compact)):
                for j in range(i + 1, min(len(compact), i + self.longest) + 1):
                    for entry, weight in self.han.get(compact[i:j], ()):
                        hits["".join(syllables(compact[i:j])), entry] = weight
            # by sound, syllable by syllable (a Latin word counts as one): 保正金, baozhengjin
            sounds = [s for w in norm.split() for s in syllables(w)]
            for i in range(len(sounds)):
                for j in range(i + 1, min(len(sounds), i + self.longest_sounds) + 1):
                    heard = "".join(sounds[i:j])
                    for entry, weight in self.pinyin.get(heard, ()):
                        hits[heard, entry] = weight
        else:
            stems = [stem(w) for w in norm.split()]
            for i in range(len(stems)):
                for j in range(i + 1, min(len(stems), i + self.longest) + 1):
                    gram = " ".join(stems[i:j])
                    for entry, weight in self.words.get(gram, ()):
                        hits[gram, entry] = weight
        return hits
