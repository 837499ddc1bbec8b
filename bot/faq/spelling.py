"""English typos read as the words the bank uses: recieve → receive, adress → address, pakage → parcel.

Farmers type on phone keyboards and through voice typing; a word the bank has never seen is
often one of its own words slightly misspelled. Each unknown word (already stemmed, see
`text.stem`) is compared with the bank's vocabulary by edit distance, counting a swap of two
neighbouring letters as one slip (optimal string alignment):

- a word of 4–6 letters may be one slip away, a longer one two (tracker → tractor, as voice
  typing hears it) if no more than one letter longer or shorter: a near-spelling of a different
  word must not score (tiller is not tier, dead is not demand, adjust is not dust); in a word
  under 6 letters a changed letter is no slip (dead is not deal), only one left out, added or
  swapped with its neighbour (mony, moeny);
- the first letter must agree: people rarely mistype it, and many short real words differ there;
- among equally close words the one most entries use wins (the likelier word).

The words of the spoken-language table's `replace` section are candidates too, standing for
what they are replaced by, so a typo of a word the bank never uses itself (pakage, for package,
which the table reads as parcel) still finds its way. Real words the bank happens not to use
are listed in the table's `spelled_right` and left as typed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from rapidfuzz import process
from rapidfuzz.distance import OSA

MIN_LETTERS = 4  # shorter words are too often another real word one slip away
SHORT_WORD = 6  # below this length a changed letter is more often another word (dead/deal, mini/mind)
LONG_WORD = 7  # from this length two slips are allowed
MIN_FAMILY = 5  # a bank word inside an unknown one: at least this long (not farm in farmhouse)
# ...and the rest an ending that keeps the word's meaning (punishment, arrival); not -er, which
# makes another thing of it (tracker is no track, sticker no stick)
ENDINGS = ("ments", "ment", "ness", "ations", "ation", "ions", "ion", "ally", "al", "ly", "ity")
CACHE_LIMIT = 50_000  # a bound on memory in a long-running bot


class Speller:
    """Corrects one English content word at a time; pure once built apart from its cache."""

    def __init__(
        self,
        vocabulary: Iterable[str],
        common: Mapping[str, float],
        spelled_right: Iterable[str] = (),
        aliases: Mapping[str, tuple[str, ...]] | None = None,
    ) -> None:
        """`vocabulary`: the bank's (stemmed) words; `common`: how many entries use each (ties);
        `aliases`: other stemmed words → the bank's words they stand for (the replace table)."""
        self.known = frozenset(vocabulary)
        self.spelled_right = frozenset(spelled_right)
        self._reads: dict[str, tuple[str, ...]] = {w: (w,) for w in self.known}
        for alias, words in (aliases or {}).items():
            if alias not in self.known and words:
                self._reads[alias] = tuple(words)
        self._choices = sorted(self._reads)
        self._common = common
        self._cache: dict[str, tuple[str, ...]] = {}

    def words(self, word: str) -> tuple[str, ...]:
        """The bank's word(s) an unknown word most likely stands for; a known word, a short one,
        a real word listed as spelled right or one too far from any stays as it is."""
        if word in self.known or word in self.spelled_right or len(word) < MIN_LETTERS or not self._choices:
            return (word,)
        found = self._cache.get(word)
        if found is None:
            found = self._closest(word)
            if len(self._cache) > CACHE_LIMIT:
                self._cache.clear()
            self._cache[word] = found
        return found

    def _closest(self, word: str) -> tuple[str, ...]:
        slips = 2 if len(word) >= LONG_WORD else 1
        found = process.extract(word, self._choices, scorer=OSA.distance, score_cutoff=slips, limit=None)
        near = [
            (int(d), choice)
            for choice, d, _ in found
            if choice[0] == word[0]
            and _slip(word, choice)
            # a short word one slip from a table word is as often a real word (steam, not stream)
            and (choice in self.known or len(word) >= SHORT_WORD)
        ]
        if not near:
            return self._family(word)
        # closest first; among equals the word most entries use
        _, best = min(near, key=lambda n: (n[0], -self._common.get(n[1], 0.0), n[1]))
        return self._reads[best]

    def _family(self, word: str) -> tuple[str, ...]:
        """An unknown word made of a bank word and an ending the light stemmer leaves on
        (punishment → punish, arrival → arriv): read as that word."""
        for ending in ENDINGS:
            stem = word.removesuffix(ending)
            if stem != word and len(stem) >= MIN_FAMILY and stem in self._reads:
                return self._reads[stem]
        return (word,)


def _slip(typed: str, known: str) -> bool:
    """Whether a short word's difference from a known word looks like a slip: a letter left out,
    one too many or two swapped (mony, moeny). A changed letter in a short word is as often
    another real word (dead/deal, chili/child), so only longer words may differ by one."""
    if len(typed) >= SHORT_WORD:
        # two slips, as voice typing makes (tracker for tractor), but not a word cut short
        # (lantern is not later, sticker not stick)
        return abs(len(typed) - len(known)) <= 1
    return len(typed) != len(known) or sorted(typed) == sorted(known)
