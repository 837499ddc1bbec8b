"""Pinyin typed for Chinese, read back as the characters it stands for: a small input method.

Older farmers who cannot find a character write the sound instead: a whole message in pinyin
(kuaidi diule zenme ban), one word of it inside Chinese (kuaidi寄丢了咋整), syllables run together
(zhibomeirenkan) or with tone numbers (kuai4di4). Read word by word, pinyin meets the bank only
where a word's whole sound matches, and everything the bank says about Chinese text (question
kinds, keywords by characters, dialect words, the template words a question shares) stays blind
to it. So each run of pinyin is turned back into characters first, the way a phone's input
method would, and the message is then read like any other Chinese one.

The input method knows only the bank's own Chinese (phrasings, keywords, answers): for each
syllable, the characters the bank reads so, and for each pair of characters how often the bank
writes them together. A run of syllables becomes the characters most likely in that order
(Viterbi over a character bigram model, smoothed by how common each character is), so
"yao shou qian bu" is 要收钱不, not 要手钱不. A Latin word that is not all pinyin (pdd, app, wifi,
sku) is left as typed, and so is one the bank itself uses as typed to tell a homophone apart
(jiaoshui: 交税, not 浇水), which the caller says through `keep`.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable

from bot.content.faq_bank import FaqBank
from bot.faq.coverage import WordCoverage, read_as_han
from bot.faq.text import Segmenter, has_han, normalise, syllables

# The syllables a toneless pinyin word is cut into; consonants alone (m, n, hm, ng) are interjections
# that would let any English word read as pinyin.
_NOT_SYLLABLES = frozenset({"m", "n", "hm", "ng", "hng", "fiao"})
_LONGEST_SYLLABLE = 6  # zhuang, shuang
CANDIDATES = 10  # characters tried per syllable, the bank's most used first
BIGRAM_SHARE = 0.8  # how much a character's likelihood rests on the one before it
# A stretch of Latin words (with digits: tone numbers) between Chinese characters.
_LATIN_STRETCH = re.compile(r"[a-z0-9]+(?: [a-z0-9]+)*")
# A word of pinyin with tone numbers (kuai4di4): the numbers only mark where syllables end.
_TONED = re.compile(r"(?:[a-z]+[1-5])+[a-z]*")
_HAN_RUN = re.compile(r"[\u3400-\u9fff]+")


class TypedPinyin:
    """The bank's Chinese as an input method: pinyin in a normalised question → characters."""

    def __init__(self, texts: Iterable[str], keep: frozenset[str] = frozenset()) -> None:
        """`texts`: the bank's Chinese (raw); `keep`: Latin words to leave as typed."""
        self._keep = keep
        single: Counter[str] = Counter()
        pairs: Counter[str] = Counter()
        heard: dict[str, Counter[str]] = defaultdict(Counter)
        latin: set[str] = set()
        for text in texts:
            norm = normalise(text)
            if _HAN_RUN.search(norm):  # a Latin word written among characters is no pinyin (ai, app)
                latin.update(re.findall(r"[a-z]+", norm))
            for run in _HAN_RUN.findall(norm):
                sounds = syllables(run)  # read as a run, so 银行 is yin hang
                if len(sounds) != len(run):
                    continue
                for char, sound in zip(run, sounds, strict=True):
                    single[char] += 1
                    heard[sound][char] += 1
                pairs.update(a + b for a, b in itertools.pairwise(run))
        self._latin = frozenset(latin)
        self._total = max(sum(single.values()), 1)
        self._single = single
        self._pairs = pairs
        self._chars = {
            sound: tuple(c for c, _ in chars.most_common(CANDIDATES))
            for sound, chars in heard.items()
            if sound not in _NOT_SYLLABLES
        }

    def read(self, norm: str) -> str:
        """Normalised text with each run of pinyin written in characters; the rest as it was."""
        if not any("a" <= ch <= "z" for ch in norm):
            return norm
        return _LATIN_STRETCH.sub(lambda m: self._stretch(m.group(0)), norm)

    def _stretch(self, stretch: str) -> str:
        """Latin words between Chinese characters: runs of pinyin words become characters, joined
        to what is around them (spaces between pinyin words only part syllables); other words
        stay, a space apart. A stretch mostly of words that are no pinyin the bank can write is
        English (can i sell honey online: can is no 参) and stays as typed."""
        words = stretch.split()
        heard = [self._sounds(word) for word in words]
        if 2 * sum(sounds is not None for sounds in heard) < len(words):
            return stretch
        out: list[tuple[bool, str]] = []  # (is Latin, text)
        run: list[str] = []
        for word, sounds in [*zip(words, heard, strict=True), ("", None)]:
            if sounds:
                run += sounds
                continue
            if run:
                out.append((False, self._characters(run)))
                run = []
            if word:
                out.append((True, word))
        text = ""
        for (latin_before, _), (latin, piece) in zip([(False, ""), *out], out, strict=False):
            text += (" " if text and latin and latin_before else "") + piece
        return text

    def _sounds(self, word: str) -> list[str] | None:
        """The syllables of a word typed in pinyin (tone numbers allowed), or None when it is not
        all pinyin the bank can write, or is one to keep as typed."""
        if len(word) < 2 or word in self._latin or word in self._keep:
            return None
        if word.isalpha():
            return self._syllables(word)
        if not _TONED.fullmatch(word):
            return None
        sounds: list[str] = []
        for part in re.findall(r"[a-z]+", word):
            cut = self._syllables(part)
            if cut is None:
                return None
            sounds += cut
        return sounds

    def _syllables(self, word: str) -> list[str] | None:
        """A word cut into the fewest syllables the bank can write (xian: 先, not 西安), or None."""
        best: list[list[str] | None] = [[], *([None] * len(word))]
        for start in range(len(word)):
            before = best[start]
            if before is None:
                continue
            for end in range(start + 1, min(len(word), start + _LONGEST_SYLLABLE) + 1):
                now = best[end]
                if word[start:end] in self._chars and (now is None or len(before) + 1 < len(now)):
                    best[end] = [*before, word[start:end]]
        return best[-1]

    def _likelihood(self, before: str | None, char: str) -> float:
        """log P(char | the character before it), the bigram smoothed by the character's own share."""
        alone = self._single[char] / self._total
        if before is None:
            return math.log(alone)
        together = self._pairs[before + char] / self._single[before]
        return math.log(BIGRAM_SHARE * together + (1 - BIGRAM_SHARE) * alone)

    def _characters(self, sounds: list[str]) -> str:
        """The characters most likely meant by a run of syllables (Viterbi)."""
        paths = {c: (self._likelihood(None, c), c) for c in self._chars[sounds[0]]}
        for sound in sounds[1:]:
            paths = {char: self._best_before(paths, char) for char in self._chars[sound]}
        return max(paths.values())[1]

    def _best_before(self, paths: dict[str, tuple[float, str]], char: str) -> tuple[float, str]:
        """The likeliest path ending in `char`, over the paths ending one syllable before."""
        return max(
            (score + self._likelihood(last, char), path + char) for last, (score, path) in paths.items()
        )


class SoundSlips:
    """Words voice typing or a pinyin keyboard wrote with the wrong characters of the right sound
    (块递, 快地 for 快递; 退宽 for 退款; 用金 for 佣金; 防冻夜 for 防冻液), written as the bank writes them.

    jieba cuts such a slip into single characters, so the word is lost to everything but the
    pinyin channel. A stretch of three or four characters is taken for a slip of one of the bank's
    key words (its entries' keywords) that sounds the same when it is nothing the bank writes
    (买农机 is no slip for 卖农机) and no word of jieba's, none of its characters joins words in a
    sentence (登记吗 is no 登记码), no word reaches into it from either side, and any word inside it
    is the key word's own (运费现: 运费), and each wrong character makes a pair with a neighbour
    the bank never writes (冻夜; not 买农 in 买农机, a slip for 卖农机 only in sound). Two
    characters are too few: 家签 in 买家签收 sounds
    like 价钱, 户冻 in 账户冻结 like 互动; those slips are left to the pinyin channel.
    """

    SIZES = (4, 3)
    # characters that make a phrase of the words around them rather than a slip inside one word
    JOINING = frozenset("不没是的了在有和也都就还要会能吗呢吧啊呀嘛么")

    def __init__(self, by_sound: dict[str, str], bank: Iterable[str], segmenter: Segmenter) -> None:
        """`by_sound`: the bank's key word for each sound (kuaidi → 快递); `bank`: its Chinese text."""
        self._by_sound = {s: w for s, w in by_sound.items() if len(w) in self.SIZES}
        self._bank = "|".join(normalise(text) for text in bank)
        self._segmenter = segmenter

    def _known(self, text: str) -> bool:
        """Whether the bank writes `text` or jieba knows it as a word."""
        return text in self._bank or self._segmenter.word_frequency(text) > 0

    def read(self, norm: str) -> str:
        return _HAN_RUN.sub(lambda m: self._run(m.group(0)), norm) if self._by_sound else norm

    def _run(self, run: str) -> str:
        sounds = syllables(run)  # read once for the run (a rare character may read as two)
        if len(sounds) != len(run):
            return run
        out: list[str] = []
        start = 0
        while start < len(run):
            for size in self.SIZES:
                span, sound = run[start : start + size], "".join(sounds[start : start + size])
                meant = self._by_sound.get(sound) if len(span) == size else None
                around = (run[max(start - 1, 0) : start + 1], run[start + size - 1 : start + size + 1])
                if meant is not None and meant != span and self._slip(span, meant, around):
                    out.append(meant)
                    start += size
                    break
            else:
                out.append(run[start])
                start += 1
        return "".join(out)

    def _slip(self, span: str, meant: str, around: tuple[str, str]) -> bool:
        """Whether `span` is a slip for `meant`; `around`: its first and last character, each with
        the character outside it (a word there reaches into the span)."""
        if len(span) != len(meant) or self._known(span):
            return False
        joining = any(a != b and a in self.JOINING for a, b in zip(span, meant, strict=True))
        inside = any(
            span[i:j] != meant[i:j] and self._segmenter.word_frequency(span[i:j]) > 0
            for i in range(len(span))
            for j in range(i + 2, len(span) + 1)
        )
        beside = not any(len(p) == 2 and self._known(p) for p in around)
        return beside and not joining and not inside and self._unwritten(span, meant)

    def _unwritten(self, span: str, meant: str) -> bool:
        """Whether each wrong character of `span` makes a pair with a neighbour that the bank never
        writes (冻夜, 五人): 买 in 买农机 does not (买农 is how the bank says buying farm machines),
        nor 发 in 发错了, so neither is a slip for 卖农机 or 罚错了."""
        for i, (typed, right) in enumerate(zip(span, meant, strict=True)):
            pairs = [p for p in (span[max(i - 1, 0) : i + 1], span[i : i + 2]) if len(p) == 2]
            if typed != right and all(pair in self._bank for pair in pairs):
                return False
        return True


def written_back(
    bank: FaqBank, segmenter: Segmenter, key_words: Iterable[str], coverage: WordCoverage, han: dict[str, str]
) -> tuple[TypedPinyin, SoundSlips]:
    """The input method and the slip reader over a bank's Chinese. `key_words`: its entries'
    keywords (standardised); `coverage`, `han`: its Chinese index and the word of each sound
    (`han_for_pinyin`), to keep as typed the pinyin the bank uses to tell a homophone apart
    (jiaoshui: 交税, not the 浇水 most entries mean)."""
    texts = [t for e in bank.entries for t in (*e.questions.zh, *e.keywords.zh, e.answer.zh)]
    apart = {w for w in han if "w:" + w in coverage.idf and read_as_han(w, han, coverage) == w}
    keys = {w for kw in key_words for w in (kw.replace(" ", ""), *segmenter.words(kw, "zh"))}
    by_sound = {"".join(syllables(w)): w for w in sorted(keys) if has_han(w) and _HAN_RUN.fullmatch(w)}
    return TypedPinyin(texts, frozenset(apart)), SoundSlips(by_sound, texts, segmenter)
