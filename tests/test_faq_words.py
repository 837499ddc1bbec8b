"""How the matcher reads words: numbers and context dropped, English stems, pinyin typed syllable
by syllable, and a one-word match that only one entry could mean."""

from __future__ import annotations

from bot.faq.matcher import Decision, FaqMatcher
from bot.faq.text import Segmenter, is_number, normalise, stem, syllables


def test_numbers_with_their_measure_words_and_context_words_say_nothing_of_what_is_asked() -> None:
    words = Segmenter().words("听说最近三千块的无人机有点贵", "zh")
    assert "无人机" in words
    assert not {"听说", "最近", "三千块", "有点"} & set(words)
    assert [is_number(w) for w in ("二十亩", "六十多", "300", "十分钟")] == [True] * 4
    # 一 and 几 alone do not make a number: these are words the bank uses
    assert [is_number(w) for w in ("一样", "一次", "几点", "双十一")] == [False] * 4
    # how long something has gone on is context too, 一 included (before a measure of time)
    assert [is_number(w) for w in ("一个多月", "半个月", "好几年", "一小时")] == [True] * 4
    assert [is_number(w) for w in ("几天", "一单", "月")] == [False] * 3
    assert Segmenter().words("i spent 300 yuan on ads", "en") == ["spent", "yuan", "ads"]
    # who in the family set it up is context, as 儿子 and 侄子 are
    assert Segmenter().words("my nephew set up the shop", "en") == ["set", "up", "shop"]


def test_a_word_typed_without_its_apostrophe_is_read_as_with_it() -> None:
    words = Segmenter().words
    assert words("my drone doesnt fly theres no signal", "en") == ["dron", "fly", "no", "signal"]
    assert words("my drone doesnt fly theres no signal", "en") == words(
        normalise("my drone doesn't fly, there's no signal"), "en"
    )


def test_english_stems_meet_and_a_stem_read_again_is_itself() -> None:
    assert {stem(w) for w in ("price", "priced", "pricing", "prices")} == {"pric"}
    assert stem("deliveries") == stem("delivery")
    for word in ("refused", "closes", "subsidised", "shipping", "bonuses", "glass"):
        assert stem(stem(word)) == stem(word), word


def test_pinyin_typed_syllable_by_syllable_is_read_as_the_banks_words(
    shipped_matcher: FaqMatcher,
) -> None:
    # written back in characters, as a phone's input method would (typed_pinyin.py)
    assert "新店" in shipped_matcher.content_words("xin dian meiyou liuliang", "zh")
    assert shipped_matcher.content_words("zenme kai dian", "zh") == ["开店"]
    assert shipped_matcher.match("zenme kai dian", "zh").matches[0].id == "ecom-open-shop"
    # English words in a Chinese message are not pinyin and stay as they are
    assert shipped_matcher.content_words("honey jar 开店", "zh")[:2] == ["honey", "jar"]


def test_a_word_only_one_entry_knows_is_answered_even_beside_a_word_it_does_not(
    shipped_matcher: FaqMatcher,
) -> None:
    # 水温表 is the overheating entry's word alone; 红线 is how the farmer says it (the entry far ahead)
    reading = shipped_matcher.read("水温表到红线了", "zh")
    assert reading.ranked[0].id == "mach-overheat" and not reading.one_word
    # ...while a topic word beside what no entry answers is still not answered outright
    assert shipped_matcher.match("化肥是不是又涨价了", "zh").decision is not Decision.answer


def test_words_pypinyin_misreads_without_its_phrases_are_read_as_people_type_them() -> None:
    assert "".join(syllables("银行卡")) == "yinhangka"
    assert "".join(syllables("便宜点")) == "pianyidian"
    assert "".join(syllables("快递")) == "kuaidi"  # the rest are read as before


def test_an_all_right_tag_at_the_end_of_a_question_is_no_content_word() -> None:
    # cut apart (行 / 不行) it matched every phrasing that ends the same way
    from bot.faq.text import Segmenter

    words = Segmenter().words
    for tag in ("行不行", "中不中", "好不好", "对不对"):
        assert words(f"给邻居收麦子挣点钱{tag}", "zh") == words("给邻居收麦子挣点钱", "zh"), tag
    assert "不行" in words("地里网络不行", "zh")  # what is wrong is still said
