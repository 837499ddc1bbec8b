"""How a farmer's question becomes comparable words: normalisation, Chinese words, pinyin.

Everything the matcher compares goes through here, the bank's phrasings at build time and each
question at match time, so both sides are always treated alike:

- NFKC folds full-width letters and digits; traditional characters become simplified (OpenCC);
  case is folded; punctuation, emoji and control characters become spaces.
- Chinese is cut into words with jieba (its own tokenizer, with the bank's keywords added as
  words), and the words every question shares (怎么, 什么时候, 吗 …) are dropped so that what is
  left is what the question is about.
- Each Chinese word also gets its toneless pinyin, so homophone typos from pinyin keyboards
  (农要 → 农药) and questions typed in pinyin (zenme kaidian) still meet the right words.
"""

from __future__ import annotations

import io
import logging
import re
import sys
import unicodedata
from collections import ChainMap
from collections.abc import Callable, Iterable
from functools import lru_cache
from types import ModuleType
from typing import TYPE_CHECKING

import opencc

from bot.content.limits import has_han

if TYPE_CHECKING:
    import jieba


@lru_cache(maxsize=1)
def _jieba() -> ModuleType:
    """jieba, imported on first use (the bot's start does not wait for it), opening its dictionary
    by path rather than through pkg_resources.

    jieba 0.42 imports pkg_resources only to open its own dictionary file, and falls back to a
    plain open() when that import fails; pkg_resources scans every installed package on import
    (about 10 MB and 0.1 s), so the import is made to fail for jieba alone.
    """
    if "jieba" not in sys.modules and "pkg_resources" not in sys.modules:
        sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # `import` raises ImportError
        try:
            import jieba
        finally:
            del sys.modules["pkg_resources"]
    import jieba

    return jieba


@lru_cache(maxsize=1)
def _pinyin_reader() -> Callable[[str], list[str]]:
    """pypinyin's reading, from a shipped table (bot/faq/pinyin.py: 11 MB less in memory)."""
    # pypinyin's phrase dictionary (about 43 MB in memory) only decides polyphones inside known
    # phrases; the bank and the questions are read the same way without it, so it is left out.
    from bot.faq.pinyin import read

    return read


MAX_QUESTION_CHARS = 300  # a 5,000-character paste is cut; the start says what it is about

_T2S = opencc.OpenCC("t2s")
_SPACES = re.compile(r"\s+")
_EN_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[\u3400-\u9fff]+")

# Words that shape a question rather than say what it is about. Dropping them keeps
# 小麦什么时候施肥 and 小麦什么时候浇水 apart, and stops 怎么/吗 from making unrelated questions look alike.
ZH_TEMPLATE_WORDS = frozenset(
    """
    什么时候 时候 什么 啥时候 啥 咋 咋整 咋办 咋弄 咋样 怎么 怎么样 怎样 怎么办 怎么弄 怎么搞 怎么整
    如何 为什么 为啥 干啥 干嘛 是不是 是否 能不能 可不可以 可以 要不要 会不会 有没有 行不行 中不中
    好不好 对不对 能否 吗 呢 吧 啊 呀 嘛 哦 哈 啦 呗 嗯 哎 唉 了 的 得 地 着 过 么 我 我们
    你 你们 您 他 她 它 他们 俺 俺们 咱 咱们 自己 大家 人家 请问 请 问 问一下 一下 那个 这个 那
    这 就是 然后 还是 应该 需要 想 想要 要 能 会 该 得 是 在 和 跟 与 及 把 给 让 被 都 也
    就 还 又 很 太 挺 好 一个 个 些 一些 点 一点 下 老师 师傅 你好 您好 谢谢 知道 告诉 如果
    因为 所以 但是 可是 不过 或者 现在 刚才 已经 一直 到底 究竟 有 没 不 呐 哪 哪里 哪儿 哪个
    哪些 多少 靠谱 靠不靠谱 管用 管不管用 有用 有没有用 好使
    听说 最近 有点 有点儿 那么 这么 这种 那种 这样 那样 比较 肯定 当时 每次 几次 这里 那里 那些
    这些 里头 一阵子 其实 反正 总是 老是 特别 非常 真是
    老伴 老头子 老婆子 闺女 女儿 儿子 儿媳 女婿 村里 村上 打工 外地 城里 岁数 年纪 老两口
    """.split()  # noqa: SIM905 - a word list reads best as words
)
# Template words jieba's own dictionary would cut apart (靠谱不 → 靠 / 谱 / 不): taught to it, so
# a clause that only asks "is it any good" (靠谱不) is read as asking, not as being about 谱.
# So are the A-not-A tags a question ends with (行不行 → 行 / 不行, 能不能 → 不能): cut apart,
# a clause that only asks "all right?" shared 行 and 不行 with every phrasing ending so.
_TAUGHT_TEMPLATE_WORDS = (
    "靠谱", "靠不靠谱", "管不管用", "有没有用", "好使",
    "行不行", "中不中", "可不可以", "好不好", "对不对",
)  # fmt: skip

# A number, with any measure word after it (三千块, 二十亩, 六十多, 300): how much or how many is
# context, and words the bank never uses would count against every entry alike. 一 and 几 alone
# do not make a number here (一样, 一次, 几点 are words the bank uses).
_NUMBER = re.compile(
    r"(?:[0-9]+|[零一二两三四五六七八九十百千万]*[二两三四五六七八九十百千万][零一二两三四五六七八九十百千万]*)"
    r"(?:多|来|几)?(?:块钱|块|元|毛|斤|公斤|亩|天|个月|个|月|年|岁|次|分钟|小时|号|张|箱|单|件|回|遍|米|升|瓶|桶|倍|人|家|多)?"
)


# How long something has gone on (一个多月, 半个月, 好几年, 一小时): context, like a number. 一 does
# make one here, before a measure of time only (一次, 一样 stay words).
_DURATION = re.compile(r"(?:一|半|好几|两三)(?:个多|多个|个)?(?:月|年|星期|礼拜|钟头|小时)多?")


def is_number(word: str) -> bool:
    return _NUMBER.fullmatch(word) is not None or _DURATION.fullmatch(word) is not None


# Single syllables typed in pinyin that only shape a question (吗 ma, 呢 ne, 要 yao, 能 neng).
PARTICLE_PINYIN = frozenset({"ma", "ne", "ba", "le", "de", "a", "ya", "yao", "neng", "xiang", "zen"})

EN_STOP_WORDS = frozenset(
    """
    a an the i me my mine we us our you your u ur it its he she they them their is are am was were
    be been being do does did doing done how what whats when where which who whom why can could
    should would will shall may might must to of in on at for with by from about into onto and or
    but if so then than there this that these those please pls plz hi hello sir madam teacher any
    some get got have has had need want wanna gonna im i'm ive i've it's dont don't cant can't just
    yes ok okay tell know thanks thank one way make lot much many very really also still now here
    him her his hers himself herself myself yourself ourselves theirs
    put thing things something anything stuff kind sort bit guy guys even ever already maybe sure
    lots actually anyway yeah
    son sons daughter daughters wife husband retired city village
    nephew niece grandson granddaughter grandchildren grandkids cousin uncle aunt
    s t d m ll ve re don isn doesn didn won wasn weren aren haven hasn hadn shouldn couldn wouldn
    isnt doesnt didnt wasnt werent arent havent hasnt hadnt shouldnt couldnt wouldnt
    theres wheres hows thats whos youre
    """.split()  # noqa: SIM905 - a word list reads best as words
)


def normalise(text: str) -> str:
    """Fold width, script, case; punctuation, emoji and control characters become single spaces."""
    text = unicodedata.normalize("NFKC", text[: MAX_QUESTION_CHARS * 2])
    text = _T2S.convert(text).casefold()
    kept = [ch if unicodedata.category(ch)[0] in "LN" else " " for ch in text]
    return _SPACES.sub(" ", "".join(kept)).strip()[:MAX_QUESTION_CHARS]


def looks_like_words(text: str) -> bool:
    """At least two letters or Chinese characters: digits, emoji and punctuation alone are not a question."""
    return sum(ch.isalpha() for ch in normalise(text)) >= 2


# Words whose characters pypinyin reads wrongly without its phrase dictionary (left out, see
# `_pinyin_reader`): 银行 came out yinxing, so a farmer typing "yinhangka" never met 银行卡. The
# reading people type is the one kept here (both sides of the comparison use it).
_READINGS = {
    "银行": ("yin", "hang"),
    "行情": ("hang", "qing"),
    "行业": ("hang", "ye"),
    "还钱": ("huan", "qian"),
    "还款": ("huan", "kuan"),
    "退还": ("tui", "huan"),
    "归还": ("gui", "huan"),
    "便宜": ("pian", "yi"),
    "会计": ("kuai", "ji"),
    "重新": ("chong", "xin"),
    "重复": ("chong", "fu"),
    "空调": ("kong", "tiao"),
    "着急": ("zhao", "ji"),
    "睡着": ("shui", "zhao"),
    "长得": ("zhang", "de"),
    "调货": ("diao", "huo"),
}
_READING = re.compile("|".join(_READINGS))


@lru_cache(maxsize=65536)
def syllables(word: str) -> tuple[str, ...]:
    """Toneless pinyin syllables of a word's Chinese characters; a Latin word stays as it is."""
    if not has_han(word):
        return (word,)
    read = [s for s in _pinyin_reader()(word) if s.strip()]
    if len(read) == len(word):  # one syllable per character: the known misreadings can be put right
        for found in _READING.finditer(word):
            read[found.start() : found.end()] = _READINGS[found.group(0)]
    return tuple(read)


def stem(word: str) -> str:
    """A light English stem, the same on both sides: shipping/shipped/ships → ship, and
    price/priced/pricing → pric, deliveries/delivery → delivery. Stemming a stem changes nothing
    (close → clos → clo is taken to the end), so the words the matcher reads can be fed back to it."""
    for _ in range(4):
        shorter = _stem_once(word)
        if shorter == word:
            break
        word = shorter
    return word


_VOWEL = re.compile("[aeiouy]")


def _stem_once(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith("eed"):
        # agreed → agree, but speed, need, seed are words of their own (not sp-, n-, s-)
        return word[:-1] if len(word) > 5 else word
    if len(word) > 5 and word.endswith("ing") and _VOWEL.search(word[:-3]):
        word = word[:-3]  # spring, string: no vowel left, so no -ing to take off
    elif len(word) > 4 and word.endswith("ed"):
        word = word[:-2]
    elif len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiouls":
        word = word[:-1]  # shipp → ship, stopp → stop
    if len(word) > 4 and word.endswith("e") and not word.endswith("ee"):
        word = word[:-1]  # price → pric, the stem of priced and pricing
    return word


# jieba's dictionary holds 349,000 words; the 297,000 seen under 50 times in its corpus cost about
# 50 MB of the bot's memory and barely change how farmers' questions are cut: on the tune split
# zh answered right went 75.1 → 74.5% (recalibrated) when the cut moved from 11 to 50 (6 MB less).
# The bank's own words are added by each Segmenter.
MIN_WORD_FREQ = 50


@lru_cache(maxsize=1)
def _base_tokenizer() -> jieba.Tokenizer:
    logging.getLogger("jieba").setLevel(logging.WARNING)
    jieba = _jieba()
    base = jieba.Tokenizer()
    with jieba.get_dict_file() as source:
        common = b"".join(line for line in source if _frequency(line) >= MIN_WORD_FREQ)
    base.FREQ, base.total = base.gen_pfdict(io.BytesIO(common))
    base.initialized = True
    return base


def _frequency(line: bytes) -> int:
    parts = line.split()
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0


def _fresh_tokenizer() -> jieba.Tokenizer:
    """A tokenizer whose added words stay private: they go into a small layer over the shared
    dictionary (a copy of jieba's 580,000 words and prefixes would cost about 40 MB per bank)."""
    base = _base_tokenizer()
    tokenizer = _jieba().Tokenizer()
    tokenizer.FREQ, tokenizer.total = ChainMap({}, base.FREQ), base.total
    tokenizer.initialized = True
    return tokenizer


class Segmenter:
    """Cuts normalised text into content words, per language.

    One jieba tokenizer per segmenter, with the bank's domain words added, so the global jieba
    dictionary is never changed and two banks never disturb each other.
    """

    def __init__(self, domain_words: Iterable[str] = ()) -> None:
        self._jieba = _fresh_tokenizer()
        for word in sorted(set(domain_words)):
            word = normalise(word).replace(" ", "")
            if has_han(word) and len(word) >= 2:
                self._jieba.add_word(word, freq=20000)
        for word in _TAUGHT_TEMPLATE_WORDS:
            self._jieba.add_word(word, freq=20000)
        self._template_pinyin = frozenset("".join(syllables(w)) for w in ZH_TEMPLATE_WORDS if len(w) > 1)
        self._template_pinyin |= PARTICLE_PINYIN

    def word_frequency(self, word: str) -> int:
        """How often jieba's dictionary (with the bank's words) has seen `word`: 0 when it is no word."""
        return int(self._jieba.FREQ.get(word, 0))

    def words(self, text: str, lang: str) -> list[str]:
        """Content words of already-normalised text."""
        if lang == "zh" or has_han(text):
            return self._zh_words(text)
        return self._en_words(text)

    def _zh_words(self, text: str) -> list[str]:
        out: list[str] = []
        for piece in self._jieba.lcut(text, HMM=False):
            piece = piece.strip()
            if not piece or piece in ZH_TEMPLATE_WORDS or is_number(piece):
                continue
            if not has_han(piece) and (piece in self._template_pinyin or piece in EN_STOP_WORDS):
                continue
            out.append(piece)
        return out

    def _en_words(self, text: str) -> list[str]:
        return [stem(w) for w in _EN_WORD.findall(text) if w not in EN_STOP_WORDS and not w.isdigit()]


def pinyin_words(words: Iterable[str]) -> list[str]:
    """Each word as its joined pinyin: 农药 → nongyao, 农要 → nongyao, kaidian → kaidian."""
    return ["".join(syllables(w)) for w in words]
