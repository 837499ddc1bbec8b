"""Pinyin typed for Chinese is written back in the bank's characters, as a phone's input method
would; Latin words that are not pinyin, or that the bank writes as they are, stay as typed."""

from __future__ import annotations

from bot.faq.matcher import FaqMatcher
from bot.faq.text import Segmenter
from bot.faq.typed_pinyin import SoundSlips, TypedPinyin

BANK = [
    "快递丢了怎么办",
    "快递寄丢了找谁",
    "直播没人看怎么办",
    "提现要收手续费吗",
    "收钱以后多久到账",
    "手机号换了怎么办",
    "用ai配音要标出来吗",
    "银行卡怎么绑",
    "拼多多上怎么开店",
]


def test_a_run_of_pinyin_becomes_the_characters_the_bank_writes() -> None:
    typed = TypedPinyin(BANK)
    assert typed.read("kuaidi diule zenme ban") == "快递丢了怎么办"
    assert typed.read("zhibomeirenkan") == "直播没人看"  # run together
    assert typed.read("kuai4di4 diu2le") == "快递丢了"  # tone numbers only part syllables
    assert typed.read("yinhangka") == "银行卡"  # 银行 as people say it, not yin xing
    # the characters around the sound choose among homophones: 收钱, not 手钱
    assert typed.read("tixian yao shou qian") == "提现要收钱"


def test_pinyin_inside_chinese_is_written_in_and_the_rest_stays() -> None:
    typed = TypedPinyin(BANK)
    assert typed.read("我的kuaidi丢了") == "我的快递丢了"
    # English words, shorthand and a Latin word the bank writes among characters are no pinyin
    assert typed.read("app wifi 直播") == "app wifi 直播"
    assert typed.read("在pdd上开店") == "在pdd上开店"
    assert typed.read("用ai配音") == "用ai配音"
    assert typed.read("pdd shang kuaidi") == "pdd上快递"  # a space only parted the syllables
    # a word to keep as typed (a homophone the bank tells apart) stays, and one letter is no pinyin
    assert TypedPinyin(BANK, frozenset({"kuaidi"})).read("kuaidi diule") == "kuaidi丢了"
    assert typed.read("a点b点") == "a点b点"
    # a stretch mostly of English words is English, whatever word of it sounds like pinyin
    assert typed.read("can i sell honey online") == "can i sell honey online"
    # a sound the bank never writes leaves its word as typed
    assert typed.read("kuaidi diule tai gui") == "快递丢了tai gui"


def test_a_question_in_pinyin_is_matched_as_the_same_question_in_characters(
    shipped_matcher: FaqMatcher,
) -> None:
    for typed, written in [
        ("zhibo mei ren kan", "直播没人看"),
        ("chaping zenme chuli", "差评怎么处理"),
        ("kuaidi diule zenme ban", "快递丢了怎么办"),
    ]:
        assert shipped_matcher.read(typed, "zh").ranked == shipped_matcher.read(written, "zh").ranked
    # the bank's own pinyin keyword that tells 交税 from 浇水 is still read as typed
    assert shipped_matcher.read("jiaoshui", "zh").ranked[0].id == "tax-own-produce"


def test_a_key_word_written_with_the_wrong_characters_of_its_sound_is_written_right(
    shipped_matcher: FaqMatcher,
) -> None:
    slips = shipped_matcher._slips
    assert slips.read("防冻夜怎么看") == "防冻液怎么看"
    assert slips.read("五人机摔了") == "无人机摔了"
    # what the bank itself writes, and stretches a word reaches into, are no slips
    assert slips.read("买农机有补贴吗") == "买农机有补贴吗"  # not 卖农机
    assert slips.read("个人开网店要登记吗") == "个人开网店要登记吗"  # not 登记码
    for sentence in ("这是件好事", "不贴标签行不行", "账户冻结了", "买家签收后"):
        assert slips.read(sentence) == sentence


def test_a_stretch_is_no_slip_when_its_other_characters_make_pairs_the_bank_writes() -> None:
    key_words = {"mainongji": "卖农机", "fangdongye": "防冻液"}
    slips = SoundSlips(key_words, ["买农具有补贴吗", "卖农机要交税吗", "防冻液多久换"], Segmenter())
    assert slips.read("想买农机") == "想买农机"  # 买农 is how the bank says buying: no slip for 卖农机
    assert slips.read("防冻夜咋加") == "防冻液咋加"  # 冻夜 is written nowhere
