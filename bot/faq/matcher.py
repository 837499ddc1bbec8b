"""FaqMatcher: a farmer's question in, a decision out — answer, offer choices, or admit it doesn't know.

The index is built once from the bank (`lang_index.py`). A question is scored against every
phrasing of every entry in one vectorised rapidfuzz call per channel, and each entry keeps its best
phrasing:

- the word channel compares content words (template words dropped, see `text.py`);
- the pinyin channel compares the same words as toneless pinyin, for homophone typos and pinyin;
- keyword hits (domain words, synonyms, typos the trainers listed) add a bonus, weighted down
  when a keyword points at several entries or is a word many entries use (无人机).

Before scoring, the spoken-language table (`spoken.py`) drops fillers, replaces dialect words and
cuts greetings; a long message is cut into the clauses that ask something (`clauses.py`) and each
entry keeps its best score over the whole and those clauses, so two questions in one message
bring up both entries (and, being close, both are offered as choices). A question word an entry
does not answer (what it costs, how long it takes …) counts against it, and one common word alone
is never enough for an outright answer, nor is an entry that shares only one of the question's
words while the question says a specific word it doesn't. In a message of several clauses the
whole keeps a share of the score, and a clause scores an entry at most a margin above the whole
does, so the asking clause alone cannot outweigh the clause that says what it is about.

The decision needs a clear winner to answer: a high score and a margin over the runner-up; for
the rest, a confidence model over signals about the best entry (`confidence.py`, reported with
each reading) decides whether choices are worth offering. Thresholds are per language and were
calibrated on the tuning split of the evaluation set (`tests/faq_eval/`); they live in
`content/faq/_matcher.yaml` beside the bank (`settings.py`), and the decision itself is
`decision.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from rapidfuzz import fuzz, process

from bot.content.faq_bank import FaqBank
from bot.content.loader import Curriculum
from bot.content.models import LANGS
from bot.faq.clauses import Parts, split_message
from bot.faq.confidence import FEATURES, Evidence, gather, signals
from bot.faq.coverage import han_for_pinyin, read_as_han, units
from bot.faq.decision import MAX_CHOICES, Decision, Match, Scored, Thresholds, decide
from bot.faq.lang_index import SORTED_WORDS, LangIndex, build_index, joined
from bot.faq.settings import MatcherSettings
from bot.faq.spoken import Spoken
from bot.faq.text import Segmenter, has_han, normalise, pinyin_words
from bot.faq.typed_pinyin import written_back

# The decision and the settings live in their own modules; named here too, where callers import them.
__all__ = [
    "MAX_CHOICES",
    "Decision",
    "FaqMatcher",
    "Match",
    "MatcherSettings",
    "Reading",
    "Scored",
    "Thresholds",
    "decide",
]

LONG_WORDS = 8  # a message with this many content words or more is also read phrasing-side (recall)
FUZZY_CANDIDATES = 400  # entries compared phrasing by phrasing; a bank this small is compared whole
SOUND_CANDIDATES = 60  # entries whose phrasings' pinyin is compared too (see `_closest_phrasing`)
MIN_CANDIDATES = 100  # ...shared among the pieces of a long message, never fewer than this
# An entry sharing only one of a question's words answers it all the same when it leads every
# other entry by this much (chosen on the tune split: no out-of-scope question came within 5).
TOPIC_LEAD = 40.0
# Kinds of question word that also tell what happened, not only what is asked (这几天, 好几天,
# 啥时候发货 as the subject of a quick reply): they weigh an entry down but never rule it out.
LOOSE_KINDS = frozenset({"time"})


class FaqMatcher:
    """Scores questions against a bank; pure and thread-safe once built."""

    @classmethod
    def for_curriculum(cls, curriculum: Curriculum) -> FaqMatcher:
        """The matcher for a curriculum's bank, with the thresholds shipped beside it."""
        return cls(curriculum.faq, MatcherSettings.load(curriculum.faq_settings_path()))

    def __init__(self, bank: FaqBank, settings: MatcherSettings | None = None) -> None:
        self.bank = bank
        self.settings = settings or MatcherSettings()
        self.spoken = Spoken(bank.spoken)
        domain = [self._standard(kw, "zh") for e in bank.entries for kw in e.keywords.zh]
        self.segmenter = Segmenter(domain)
        self.ids = [e.id for e in bank.entries]
        self._index = {
            lang: build_index(bank, self.settings, self.spoken, self.segmenter, lang) for lang in LANGS
        }
        self._han_for_pinyin = han_for_pinyin(self._index["zh"].coverage)
        # pinyin and sound-alike slips written as the bank writes them (typed_pinyin.py)
        self._typed_pinyin, self._slips = written_back(
            bank, self.segmenter, domain, self._index["zh"].coverage, self._han_for_pinyin
        )

    def _standard(self, text: str, lang: str) -> str:
        """Normalised, with the spoken-language table applied: how both sides are compared."""
        return self.spoken.standard(normalise(text), lang)

    def content_words(self, text: str, lang: str) -> list[str]:
        """What a question is about, as the matcher reads it (for grouping unanswered questions)."""
        return self.segmenter.words(self._prepare(text, lang), lang)

    def _prepare(self, text: str, lang: str) -> str:
        """A piece of a learner's message, standardised and with greetings cut; in Chinese, pinyin
        typed for characters and sound-alike slips of key words are written as the bank writes
        them first (`typed_pinyin.py`)."""
        norm = normalise(text)
        if lang == "zh":
            norm = self._slips.read(self._typed_pinyin.read(norm))
        return self.spoken.without_greetings(self.spoken.standard(norm, lang), lang)

    # ----- scoring -----------------------------------------------------------------------------

    def entry_scores(self, text: str, lang: str) -> np.ndarray:
        """One score (0–100) per entry, in bank order, for `text` read as `lang`."""
        return self._scores(text, lang)[0]

    def _scores(self, text: str, lang: str) -> tuple[np.ndarray, bool, list[str], Evidence | None]:
        """Scores per entry, whether the message comes down to one word (保证金, weather), its
        content words, and what else scoring found (for the confidence model)."""
        index = self._index[lang]
        parts = split_message(text, lambda piece: self._prepare(piece, lang))
        if not parts.pieces or not index.words:
            return np.zeros(len(self.ids)), False, [], None
        scores, one_word, words, evidence = self._score_pieces(index, parts, lang)
        asked = self.spoken.kinds(" ".join(parts.clauses[i] for i in parts.asking), lang)
        if asked:
            # A question word the entry doesn't answer (what it costs, how long, lost …) is a near miss.
            none = np.zeros(len(self.ids), dtype=bool)
            unanswered = {kind: ~index.kinds.get(kind, none) for kind in asked}
            lacking = np.logical_or.reduce(list(unanswered.values()))
            scores = np.where(lacking, scores * (1 - self.settings.kind_penalty), scores)
            # a kind no entry answers (where to buy something) asks what the bank cannot tell:
            # at best a near miss, never answered outright whatever it shares with an entry
            one_word = one_word or bool(lacking.all())
            # the best entry does not answer what is asked (商标注册多少钱 to an entry on how
            # to register one): a near question, shown as a choice at most, never answered
            best = int(np.argmax(scores))
            one_word = one_word or any(unanswered[kind][best] for kind in asked if kind not in LOOSE_KINDS)
            if evidence is not None:
                evidence = replace(evidence, lacking=lacking)
        return scores, one_word, words, evidence

    def _score_pieces(
        self, index: LangIndex, parts: Parts, lang: str
    ) -> tuple[np.ndarray, bool, list[str], Evidence | None]:
        """Each entry's best score over the pieces of a message (the whole first, then clauses).

        Words, units and keyword hits are worked out once per clause and pieced together.
        """
        settings = self.settings
        zh = lang == "zh"
        words = [self.segmenter.words(clause, lang) for clause in parts.clauses]
        if lang == "en":
            words = [[s for w in ws for s in index.speller.words(w)] for ws in words]
        else:
            # pinyin typed for a word the bank uses is read as that word (kuaidi → 快递), so a
            # question typed in pinyin meets the bank as the same question in characters would;
            # unless the bank knows the pinyin itself as a keyword that tells a homophone apart
            # (jiaoshui: 交税 not 浇水); a keyword that only spells its word (chaping: 差评) is read as it
            han, bank_units = self._han_for_pinyin, index.coverage
            words = [[read_as_han(w, han, bank_units) for w in ws] for ws in words]
        clause_units = [units(ws, zh, clause) for ws, clause in zip(words, parts.clauses, strict=True)]
        covered = [index.coverage.parts(u) for u in clause_units]  # once per clause, summed per piece
        hits = [index.keywords.hits(clause, lang) for clause in parts.clauses]
        read: list[tuple[list[str], tuple[int, ...], np.ndarray, np.ndarray, float]] = []
        for n, piece in enumerate(parts.pieces):
            content = [w for i in piece for w in words[i]]
            if not content:
                continue
            total = sum(covered[i][1] for i in piece)
            coverage = np.sum([covered[i][0] for i in piece], axis=0) * (100.0 / total)
            found: dict[tuple[str, int], float] = {}
            for i in piece:
                found.update(hits[i])
            strength = np.zeros(len(self.ids))
            if found:
                np.add.at(strength, [entry for _, entry in found], list(found.values()))
            bonus = settings.keyword_bonus * np.minimum(strength, settings.keyword_cap)
            weight = 1.0 if n == 0 else settings.clause_weight
            if len(content) == 1 and n > 0:
                weight *= settings.single_word_factor  # one word of a long message is not its point
            read.append((content, piece, coverage, bonus, weight))
        every_word = [w for ws in words for w in ws]
        if not read:
            return np.zeros(len(self.ids)), False, every_word, None
        # One word that several entries share (快递, weather, 几点) names a topic, not a question.
        whole = read[0][0] if len(parts.pieces[0]) >= len(parts.clauses) - len(parts.context) else []
        one_word = len(whole) == 1 and _names_a_topic(index.coverage.holders("w:" + whole[0]), read[0][3])
        # In a big bank, compare phrasings only for the entries that share something with the
        # question (words, sounds, keywords); the rest could not come near the top anyway.
        # A long message has many pieces to compare, so fewer candidates each (its many words
        # already single out the entries it is about).
        entries = np.arange(len(self.ids))
        keep = max(FUZZY_CANDIDATES // len(read), MIN_CANDIDATES)
        reach = np.max([coverage + bonus for _, _, coverage, bonus, _ in read], axis=0)
        if len(entries) > keep:
            entries = np.sort(np.argpartition(-reach, keep)[:keep])
        share = settings.coverage_weight
        best = whole_score = np.zeros(len(self.ids))
        agree, alike = np.zeros(len(self.ids)), np.zeros(len(self.ids))
        closest = self._closest_phrasing(index, [content for content, *_ in read], lang, entries, reach)
        for row, (content, piece, coverage, bonus, weight) in enumerate(read):
            similar = np.zeros(len(self.ids))
            similar[entries] = closest[row]
            alike = np.maximum(alike, similar)
            score = (1 - share) * similar + share * coverage
            if len(content) >= LONG_WORDS and len(index.starts):
                # Most of a long message is context: also ask how much of a phrasing it holds.
                # each word once, even when two clauses both say it (往里补 / 为啥要补)
                said = [u for i in piece for u in clause_units[i]]
                held = index.recall.best_by_owner(said, index.owners, len(self.ids))
                mix = settings.recall_weight
                score = np.maximum(score, mix * held + (1 - mix) * coverage)
            piece_score = np.minimum(100.0, score + bonus) * weight
            if row == 0:  # the whole message is always the first piece
                whole_score = piece_score
            elif settings.piece_margin is not None:
                # a clause of generic asking words (咋办, is there a way) may fit an entry the rest
                # of the message says nothing of: it lifts that entry only so far above the whole
                piece_score = np.minimum(piece_score, whole_score + settings.piece_margin)
            agree[int(np.argmax(piece_score))] += 1 / len(read)
            best = np.maximum(best, piece_score)
        if len(read) > 1:
            # The whole message still counts: an asking clause alone (还能飞无人机打药不) must
            # not outweigh the clause that says what it is about (今天风有点大).
            kept = settings.whole_weight
            best = (1 - kept) * best + kept * whole_score
        content, piece, coverage, bonus, _ = read[0]
        said = list(dict.fromkeys(u for i in piece for u in clause_units[i]))
        evidence = gather(index.coverage, index.recall, said, len(content), coverage, bonus, agree, alike)
        return best, one_word, every_word, evidence

    def _closest_phrasing(
        self, index: LangIndex, contents: list[list[str]], lang: str, entries: np.ndarray, reach: np.ndarray
    ) -> np.ndarray:
        """For each piece's words and each of `entries`, the rapidfuzz score of the entry's
        closest phrasing (words or pinyin): one vectorised call for all pieces of a message.

        Pinyin (three times as long as the characters, so most of the cost) is compared only for
        the `SOUND_CANDIDATES` entries of `entries` the message reaches most (`reach`: word and
        sound coverage plus keywords); a homophone slip reaches its entry through the syllables
        the coverage counts too."""
        sizes = index.ends[entries] - index.starts[entries]
        starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
        whole = len(entries) == len(self.ids)
        rows = np.repeat(index.starts[entries] - starts, sizes) + np.arange(int(sizes.sum()))
        words = index.words if whole else index.word_array[rows].tolist()
        order = SORTED_WORDS[lang]
        queries = [joined(content, order) for content in contents]
        per_phrase = process.cdist(queries, words, scorer=fuzz.ratio, workers=1)
        if lang == "zh":
            spelled = [joined(pinyin_words(content), order) for content in contents]
            near = np.arange(len(entries))
            if len(entries) > SOUND_CANDIDATES:
                near = np.sort(np.argpartition(-reach[entries], SOUND_CANDIDATES)[:SOUND_CANDIDATES])
            cols = np.repeat(starts[near] - np.concatenate(([0], np.cumsum(sizes[near])[:-1])), sizes[near])
            cols = cols + np.arange(int(sizes[near].sum()))
            sounds = index.pinyin_array[cols if whole else rows[cols]].tolist()
            by_sound = process.cdist(spelled, sounds, scorer=fuzz.ratio, workers=1)
            per_phrase[:, cols] = np.maximum(per_phrase[:, cols], by_sound * self.settings.pinyin_weight)
        return np.maximum.reduceat(per_phrase, starts, axis=1)

    def _read_as(self, text: str, lang: str) -> list[str]:
        """Chinese characters are read as Chinese; Latin letters from a Chinese learner may be
        pinyin or English, so both are tried."""
        if has_han(text):
            return ["zh"]
        if lang == "zh":
            return ["zh", "en"]
        return [lang if lang in LANGS else "en"]

    def read(self, text: str, lang: str, top: int = 4) -> Reading:
        """The language the question was read in, the `top` entries with their scores (best
        first), and whether it came down to one word."""
        best_lang, best_scores, one_word = lang, np.zeros(len(self.ids)), False
        words: list[str] = []
        evidence: Evidence | None = None
        for reading in self._read_as(text, lang):
            scores, single, said, found = self._scores(text, reading)
            if scores.max(initial=0) > best_scores.max(initial=0):
                best_lang, best_scores, one_word, words, evidence = reading, scores, single, said, found
        keep = min(top, len(best_scores))
        if keep == 0:
            return Reading(best_lang, (), one_word)
        best = np.argpartition(-best_scores, keep - 1)[:keep]
        best = best[np.lexsort((best, -best_scores[best]))]  # by score, then bank order
        ranked = tuple(Scored(self.ids[i], round(float(best_scores[i]), 1)) for i in best)
        # The best entry shares one word with the question, and the question says a word the bank
        # has never seen: it names the topic and asks what no entry answers (化肥 + 涨价).
        # Unless that entry stands far ahead of every other: then the word it shares is one only
        # it knows (水温表到红线了, 宝贝名字咋取), and the other word is how the question says it.
        coverage = self._index[best_lang].coverage
        lead = ranked[0].score - (ranked[1].score if len(ranked) > 1 else 0.0)
        zh = best_lang == "zh"
        topic_only = coverage.names_only_the_topic(int(best[0]), words, zh)
        one_word = one_word or (lead < TOPIC_LEAD and topic_only)
        features: tuple[float, ...] = ()
        if evidence is not None:
            index = self._index[best_lang]
            first = int(best[0])
            features = signals(
                evidence,
                [s.score for s in ranked],
                first,
                int(best[1]) if len(best) > 1 else None,
                slice(int(index.starts[first]), int(index.ends[first])),
                topic_only,
                zh,
            )
        if zh and features and _covers_too_little(features):
            one_word = True
        return Reading(best_lang, ranked, one_word, features)

    def ranked(self, text: str, lang: str, top: int = 4) -> tuple[str, list[Scored]]:
        """The language the question was read in, and the `top` entries with their scores, best first."""
        reading = self.read(text, lang, top)
        return reading.lang, list(reading.ranked)

    def match(self, text: str, lang: str) -> Match:
        reading = self.read(text, lang)
        return decide(
            reading.ranked, self.settings.thresholds[reading.lang], reading.one_word, reading.features
        )


def _names_a_topic(holders: np.ndarray, bonus: np.ndarray) -> bool:
    """Whether a question of one content word names a topic rather than asks: the word is shared
    by several entries (快递, weather), or the one entry holding it does not list it among its
    keywords (吃饭 in a phrasing on eating after spraying: 你吃饭了没 asks nothing of it)."""
    return len(holders) > 1 or (len(holders) == 1 and not bonus[int(holders[0])] > 0)


# The best entry covers under this share of a Chinese question's (weighted) words ...
THIN_COVER = 0.35


def _covers_too_little(features: tuple[float, ...]) -> bool:
    """Whether the best entry holds under a third of the question's words while the runner-up
    holds more: its phrasing shares the asking part (能找回来不) but not what is asked about
    (手机丢了), so it is not answered outright. No right answer of the tune split was like this."""
    covered, lead = features[FEATURES.index("covered")], features[FEATURES.index("covered_lead")]
    return covered < THIN_COVER and lead < 0


@dataclass(frozen=True)
class Reading:
    lang: str  # the language the question was read in (its thresholds apply)
    ranked: tuple[Scored, ...]
    # never answered outright: the whole question came down to one content word several entries
    # share, or its best entry only names the question's topic (see `names_only_the_topic`)
    one_word: bool
    features: tuple[float, ...] = ()  # the best entry's signals for the confidence model
