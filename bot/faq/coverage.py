"""WordCoverage: how much of a question's meaning an entry covers, word by word.

The fuzzy channel compares a question with one phrasing at a time; a farmer's question often
shares its words with an entry's answer or with several phrasings at once instead. This channel
treats each entry as one bag of units (words, their pinyin, Chinese character pairs) from its
phrasings, keywords and answer, weights each unit by how rare it is across the bank (IDF), and
scores an entry by the share of the question's weight it covers. Rare words the bank has never
seen count against every entry, which keeps out-of-scope questions low.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence

import numpy as np

from bot.faq.text import has_han, syllables


def units(words: Sequence[str], zh: bool = False, text: str = "") -> list[str]:
    """The comparable pieces of a question's content words.

    Read as Chinese (`zh`), a Latin word is also taken as pinyin (kuaidi meets 快递), and pairs of
    syllables across the words are added, so a homophone typo that jieba cuts differently
    (保证进 → 保证 / 进) still meets the right word (保证金) by sound.
    """
    out: list[str] = []
    sounds: list[str] = []
    for word in words:
        out.append("w:" + word)
        if has_han(word):
            spelled = syllables(word)
            out.append("p:" + "".join(spelled))
            out.extend("b:" + word[i : i + 2] for i in range(len(word) - 1))
            out.extend("c:" + ch for ch in word)  # 退回来 meets 退, however jieba cut them
            sounds.extend(spelled)
        elif zh:
            out.append("p:" + word)
            sounds.append(word)
    if zh:
        if text:
            sounds = [s for piece in text.split() for s in syllables(piece)]
        out.extend(f"y:{a}{b}" for a, b in itertools.pairwise(sounds))
    return out


class PackedPostings:
    """For each unit, the entries (or phrasings) that hold it and a weight each, in three arrays.

    A numpy array per unit would cost about 100 bytes of header for a handful of numbers; with
    some 26,000 units in the Chinese index that was 8 MB of the bot's memory. Here one dict finds a
    unit's slot and a lookup returns views into the shared arrays.
    """

    def __init__(self, held: dict[str, dict[int, float]]) -> None:
        units = list(held)
        self.slot = {unit: i for i, unit in enumerate(units)}
        self.offsets = np.zeros(len(units) + 1, dtype=np.intp)
        np.cumsum([len(held[u]) for u in units], out=self.offsets[1:])
        size = int(self.offsets[-1])
        chain = itertools.chain.from_iterable
        self.items = np.fromiter(chain(held[u].keys() for u in units), dtype=np.intp, count=size)
        self.weights = np.fromiter(chain(held[u].values() for u in units), dtype=float, count=size)

    def get(self, unit: str) -> tuple[np.ndarray, np.ndarray] | None:
        """The (items, weights) of `unit`, or None when nothing holds it."""
        i = self.slot.get(unit)
        if i is None:
            return None
        lo, hi = self.offsets[i], self.offsets[i + 1]
        return self.items[lo:hi], self.weights[lo:hi]

    def items_of(self, unit: str) -> np.ndarray | None:
        """Only the items of `unit` (None when nothing holds it)."""
        posting = self.get(unit)
        return posting[0] if posting is not None else None

    def __len__(self) -> int:
        return len(self.slot)


class PostingsIdf(Mapping[str, float]):
    """Each unit's IDF, worked out from how many entries hold it (its posting's length) when asked:
    the same numbers a dict of them held, without a second dict of every unit beside the
    postings' own (about 2 MB for the two languages)."""

    def __init__(self, n_entries: int, postings: PackedPostings) -> None:
        self.n = n_entries
        self.slot = postings.slot
        self.offsets = postings.offsets

    def _idf(self, i: int) -> float:
        return math.log(1 + self.n / int(self.offsets[i + 1] - self.offsets[i]))

    def __getitem__(self, unit: str) -> float:
        return self._idf(self.slot[unit])

    def __contains__(self, unit: object) -> bool:
        return unit in self.slot

    def __iter__(self) -> Iterator[str]:
        return iter(self.slot)

    def __len__(self) -> int:
        return len(self.slot)


RARE_HOLDERS = 3  # a word at most this many entries use says something specific
# A phrasing counts in `PhraseRecall` when one of its words is used by at most this many entries.
COMMON_HOLDERS = 20


def specific_idf(n_entries: int) -> float:
    """The IDF of a word `COMMON_HOLDERS` entries use, in a bank of `n_entries`."""
    return math.log(1 + n_entries / COMMON_HOLDERS)


class WordCoverage:
    def __init__(self, n_entries: int, documents: Iterable[tuple[int, Iterable[str], float]]) -> None:
        """`documents`: (entry index, units, weight of that field) for every phrasing, keyword, answer."""
        best: dict[str, dict[int, float]] = defaultdict(dict)
        for entry, pieces, weight in documents:
            for unit in pieces:
                held = best[unit]
                held[entry] = max(held.get(entry, 0.0), weight)
        self.n = n_entries
        self.unseen_idf = math.log(1 + max(n_entries, 1))
        self.postings = PackedPostings(best)
        self.idf = PostingsIdf(n_entries, self.postings)

    def holders(self, unit: str) -> np.ndarray:
        """The entries that hold `unit` (empty when none does)."""
        posting = self.postings.items_of(unit)
        return posting if posting is not None else np.zeros(0, dtype=np.intp)

    def names_only_the_topic(self, entry: int, words: Sequence[str], zh: bool = False) -> bool:
        """Whether `entry` shares at most one of a question's content words while the question
        also says a specific word the entry doesn't (one the bank never uses, or few entries do):
        it names the entry's topic and asks something else (化肥是不是又涨价了 shares only 化肥
        with the entry on fertilising). A shared word most entries use (手机) does not count:
        孙子光玩手机咋管 shares only 玩 of substance with the entry on auto-steer."""
        held, elsewhere = 0, False
        for word in dict.fromkeys(words):
            forms = ["w:" + word]
            if zh:
                forms.append("p:" + ("".join(syllables(word)) if has_han(word) else word))
            holders = [self.holders(unit) for unit in forms]
            if any(entry in h for h in holders):
                # a word most entries use (手机, 卖) tells nothing of what is asked about
                held += min(len(h) for h in holders) <= COMMON_HOLDERS
            elif min(len(h) for h in holders) <= RARE_HOLDERS:
                elsewhere = True
        return elsewhere and held < min(2, len(set(words)))

    def scores(self, question_units: Sequence[str]) -> np.ndarray:
        """0–100 per entry: the IDF-weighted share of the question's units the entry holds."""
        covered, total = self.parts(question_units)
        return covered * (100.0 / total) if total else covered

    def parts(self, question_units: Sequence[str]) -> tuple[np.ndarray, float]:
        """What `scores` divides: the weight each entry covers, and the question's whole weight.
        Clauses of a long message are worked out once each and added up piece by piece."""
        total = 0.0
        postings, slot, offsets = self.postings, self.postings.slot, self.postings.offsets
        held: list[np.ndarray] = []
        weighed: list[np.ndarray] = []
        for unit in dict.fromkeys(question_units):  # each unit once, in order
            i = slot.get(unit)
            if i is None:  # a unit the bank never uses: it weighs as the rarest, and nothing holds it
                total += self.unseen_idf
                continue
            # one slot lookup for the IDF and the posting (this loop is most of a long message's cost)
            lo, hi = int(offsets[i]), int(offsets[i + 1])
            idf = math.log(1 + self.n / (hi - lo))
            total += idf
            held.append(postings.items[lo:hi])
            weighed.append(idf * postings.weights[lo:hi])
        if not held:
            return np.zeros(self.n), total
        # one pass adding them all up, in the units' order (the same sums as unit by unit)
        return np.bincount(np.concatenate(held), np.concatenate(weighed), minlength=self.n), total


def read_as_han(word: str, han: dict[str, str], coverage: WordCoverage) -> str:
    """A Latin word as the bank's Chinese word sounding so (kuaidi → 快递) when the bank doesn't
    know it as typed. A pinyin keyword of the bank (chaping, tixing) is read as that word too when
    every entry listing the keyword also uses the word (差评, 提醒): the keyword only spells it, and
    read as the word it meets the phrasings. One that tells a homophone apart (jiaoshui: 交税, not
    the 浇水 most entries mean) stays as typed."""
    if not word.isascii() or word not in han:
        return word
    if "w:" + word not in coverage.idf:
        return han[word]
    spelled, meant = coverage.holders("w:" + word), coverage.holders("w:" + han[word])
    return han[word] if len(spelled) and np.isin(spelled, meant).all() else word


def han_for_pinyin(coverage: WordCoverage) -> dict[str, str]:
    """The bank's Chinese word for each pinyin spelling of one (kuaidi → 快递): of words that sound
    alike (保证金, and the keyword typo 保正金), the one most entries use; none when that is a tie."""
    by_sound: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for unit in coverage.idf:
        if unit.startswith("w:") and has_han(unit):
            word = unit[2:]
            by_sound["".join(syllables(word))].append((len(coverage.holders(unit)), word))
    out: dict[str, str] = {}
    for sound, words in by_sound.items():
        words.sort(reverse=True)
        if len(words) == 1 or words[0][0] > words[1][0]:
            out[sound] = words[0][1]
    return out


class PhraseRecall:
    """How much of an entry's closest phrasing a (long) message holds, word by word.

    Coverage asks how much of the question an entry explains; in a long message most words are
    greeting and family context, so it also asks the other way round: which phrasing's words are
    all there ("someone is rude in my live" inside a message about last night's live). Only
    words and their pinyin count here, IDF-weighted as in `WordCoverage`; a phrasing needs two
    such words or more to count, so one shared word never carries a message, and one of them must
    be a word few entries use: a phrasing of everyday words (卖了钱要跟你说吗: 卖, 钱, 说) is held
    by any long message about selling, whatever it asks.
    """

    def __init__(
        self, idf: Mapping[str, float], phrases: Sequence[Sequence[str]], specific: float = 0.0
    ) -> None:
        """`specific`: the IDF one of a phrasing's words must reach for the phrasing to count."""
        held: dict[str, dict[int, float]] = defaultdict(dict)
        totals = np.zeros(len(phrases))
        for p, pieces in enumerate(phrases):
            # in the phrasing's order, not a set's: the totals are sums of floats, and a sum's
            # last bits follow its order, which for a set of strings changes with each process
            kept = list(dict.fromkeys(u for u in pieces if u[:2] in ("w:", "p:")))
            said = [u for u in kept if u.startswith("w:")]
            if len(said) < 2 or max(idf.get(u, 0.0) for u in said) < specific:
                continue
            for unit in kept:
                held[unit][p] = 1.0
                totals[p] += idf.get(unit, 0.0)
        self.n = len(phrases)
        self.totals = np.where(totals > 0, totals, np.inf)
        self.postings = PackedPostings(held)
        # each held unit's IDF by its slot: a question's lookups skip the Mapping's Python layers
        self._unit_idf = [idf.get(unit, 0.0) for unit in self.postings.slot]

    def _held(self, question_units: Sequence[str]) -> Iterator[tuple[np.ndarray, float]]:
        """Each of the question's units a phrasing holds, once: (its phrasings, its IDF)."""
        slot, offsets, items = self.postings.slot, self.postings.offsets, self.postings.items
        for unit in dict.fromkeys(question_units):
            i = slot.get(unit)
            if i is not None:
                yield items[int(offsets[i]) : int(offsets[i + 1])], self._unit_idf[i]

    def scores(self, question_units: Sequence[str]) -> np.ndarray:
        """0–100 per phrasing: the IDF-weighted share of its words the message holds."""
        return self.found(question_units) * (100.0 / self.totals)

    def best_by_owner(self, question_units: Sequence[str], owners: np.ndarray, n_owners: int) -> np.ndarray:
        """`scores` at their best per owner (the entry of each phrasing, `owners`): only the
        phrasings the message touches are looked at, not every phrasing of the bank."""
        found = self.found(question_units)
        touched = np.flatnonzero(found)
        best = np.zeros(n_owners)
        np.maximum.at(best, owners[touched], found[touched] * (100.0 / self.totals[touched]))
        return best

    def best_held(self, question_units: Sequence[str], start: int, end: int) -> float:
        """`scores` for phrasings start…end-1 only (one entry's), at their best: postings are in
        phrasing order, so each is cut to that range without touching the others."""
        found = np.zeros(end - start)
        for posting, idf in self._held(question_units):
            lo, hi = np.searchsorted(posting, (start, end))
            found[posting[lo:hi] - start] += idf
        return float((found * (100.0 / self.totals[start:end])).max(initial=0.0))

    def found(self, question_units: Sequence[str]) -> np.ndarray:
        """The weight of each phrasing's words the message holds (not yet divided)."""
        found = np.zeros(self.n)
        for posting, idf in self._held(question_units):
            found[posting] += idf
        return found
