"""Near questions: a farmer names a topic an entry touches and asks something its answer doesn't say.

Such a question must reach a person or, at most, be offered as a choice — never answered outright
with an entry that answers something else. Hand-made banks keep each story to the rule it tells.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from bot.content.faq_bank import FaqBank, FaqEntry
from bot.content.faq_spoken import SpokenTable
from bot.content.problems import Problem
from bot.faq.coverage import PhraseRecall
from bot.faq.decision import Decision, Thresholds
from bot.faq.matcher import FaqMatcher, MatcherSettings
from tests.content_builder import faq_entry

TABLE = {
    "question_words": {
        "zh": {"cost": ["多少钱", "要钱"], "duration": ["多久", "多长时间"], "time": ["什么时候"]},
        "en": {"cost": ["how much", "cost"], "law": ["allowed", "illegal"]},
    },
}
# Low enough that a plain question about what an entry does say is answered outright.
EASY = Thresholds(answer=40.0, margin=5.0, choices=20.0)


def entry(entry_id: str, answer: tuple[str, str], zh: list[str], en: list[str]) -> FaqEntry:
    return FaqEntry.model_validate(faq_entry(entry_id, answer, zh, en))


def matcher_for(entries: list[FaqEntry]) -> FaqMatcher:
    problems: list[Problem] = []
    table = SpokenTable.from_data(TABLE, "content/faq/_normalise.yaml", problems)
    assert problems == []
    settings = replace(MatcherSettings(), thresholds={"zh": EASY, "en": EASY})
    return FaqMatcher(FaqBank(entries, table), settings)


TRADEMARK = entry(
    "trademark-register",
    ("在国家知识产权局网上申请注册商标。", "Apply online at the national IP office to register a trademark."),
    ["怎么注册商标", "商标在哪申请", "给小米注册个商标"],
    [
        "how do i register a trademark",
        "where to apply for a trademark",
        "register a brand name",
        "is it illegal to copy another brand name",
    ],
)
# Each entry asks one kind of question the other doesn't (the tractor test's cost; whether copying a
# brand is illegal), so neither kind is one no entry answers: what decides is the best entry's own.
TRACTOR = entry(
    "tractor-licence",
    ("拖拉机驾驶证去县农机监理站考。", "Take the tractor licence test at the county machinery station."),
    ["拖拉机驾驶证怎么考", "开拖拉机要考证吗", "去哪考拖拉机本", "考拖拉机驾驶证要多少钱"],
    [
        "how do i get a tractor licence",
        "do i need a licence to drive a tractor",
        "tractor driving test",
        "how much does the tractor test cost",
    ],
)


def test_a_question_about_what_an_entry_does_say_is_answered() -> None:
    matcher = matcher_for([TRADEMARK, TRACTOR])
    for question, lang in [("我想注册商标 怎么弄", "zh"), ("how can i register a trademark", "en")]:
        match = matcher.match(question, lang)
        assert match.decision is Decision.answer
        assert match.offered == ("trademark-register",)


def test_asking_what_registering_a_trademark_costs_is_offered_at_most_never_answered() -> None:
    matcher = matcher_for([TRADEMARK, TRACTOR])
    for question, lang in [
        ("注册商标要多少钱", "zh"),
        ("how much does it cost to register a trademark", "en"),
    ]:
        match = matcher.match(question, lang)
        assert match.best is not None and match.best.id == "trademark-register"
        assert match.decision is not Decision.answer


def test_asking_whether_something_is_allowed_of_an_entry_on_getting_a_licence_is_not_answered() -> None:
    matcher = matcher_for([TRADEMARK, TRACTOR])
    match = matcher.match("with my tractor licence am i allowed to drive on the highway", "en")
    assert match.best is not None and match.best.id == "tractor-licence"
    assert match.decision is not Decision.answer


def test_an_entry_whose_own_phrasings_ask_the_cost_may_answer_it() -> None:
    priced = entry(
        "trademark-fee",
        (
            "官方收费几百元，在知识产权局网站查当前标准。",
            "The official fee is listed on the IP office's website.",
        ),
        ["注册商标要多少钱", "商标注册费用", "办商标要钱吗"],
        ["how much does a trademark cost", "trademark fee", "what does registering a brand cost"],
    )
    matcher = matcher_for([priced, TRACTOR])
    match = matcher.match("我注册个商标大概要多少钱", "zh")
    assert match.decision is Decision.answer and match.offered == ("trademark-fee",)


def test_a_long_message_does_not_hold_a_phrasing_made_only_of_everyday_words() -> None:
    # 卖, 钱 and 说 are words most entries use; 商标 is one few do (IDF here as the bank works it out)
    idf = {"w:卖": 0.4, "w:钱": 0.5, "w:说": 0.3, "w:商标": 2.5, "w:注册": 2.0}
    everyday, specific = ["w:卖", "w:钱", "w:说"], ["w:商标", "w:注册"]
    recall = PhraseRecall(idf, [everyday, specific], specific=1.0)
    held = recall.scores(["w:卖", "w:钱", "w:说", "w:商标", "w:注册"])
    assert held[0] == 0.0  # holding every everyday word says nothing of what is asked
    assert held[1] == pytest.approx(100.0)
    # without the rule the everyday phrasing counts in full, as it did before
    assert PhraseRecall(idf, [everyday, specific]).scores(everyday)[0] == pytest.approx(100.0)


def test_how_much_of_each_entrys_best_phrasing_a_message_holds_comes_from_the_phrasings_it_touches() -> None:
    idf = {"w:快递": 1.0, "w:丢": 2.0, "w:赔": 2.5, "w:保证金": 3.0, "w:退": 1.5}
    phrasings = [["w:快递", "w:丢"], ["w:快递", "w:赔"], ["w:保证金", "w:退"], ["w:快递", "w:退"]]
    owners = np.array([0, 0, 1, 2])  # entry 0 has two phrasings, entry 1 one, entry 2 one
    recall = PhraseRecall(idf, phrasings)
    said = ["w:快递", "w:丢", "w:赔"]
    best = recall.best_by_owner(said, owners, 4)
    # the same as every phrasing's share, at its best per entry; an entry with no phrasing touched has 0
    assert best.tolist() == pytest.approx([100.0, 0.0, 40.0, 0.0])
    assert best[:3].tolist() == pytest.approx(np.maximum.reduceat(recall.scores(said), [0, 2, 3]).tolist())


def test_a_homophone_slip_finds_its_entry_in_a_bank_too_big_to_compare_every_pinyin() -> None:
    crops = ["小麦", "玉米", "水稻", "大豆", "花生", "棉花", "土豆", "红薯", "苹果", "梨", "桃", "葡萄"]
    jobs = ["怎么施肥", "什么时候浇水", "怎么除草", "几月播种", "怎么打药", "怎么储存", "怎么卖"]
    fillers = [
        entry(
            f"crop-{i}",
            ("看农技站的建议。", "Ask the farm-tech station."),
            [crop + job, f"{crop}{job}呢", f"请问{crop}{job}"],
            [f"crop care {i}", f"crop job {i}", f"field work {i}"],
        )
        for i, (crop, job) in enumerate((c, j) for c in crops for j in jobs)
    ]
    deposit = entry(
        "shop-deposit",
        ("保证金按平台规则可以退。", "The deposit is refundable under the app's rules."),
        ["保证金能退吗", "开店保证金", "保证金交了能拿回来不"],
        ["can i get the deposit back", "shop deposit", "deposit refund"],
    )
    matcher = matcher_for([*fillers, deposit])
    assert len(fillers) > 60  # more entries than the pinyin shortlist (SOUND_CANDIDATES)
    # 保证进 is how voice typing often writes 保证金
    assert matcher.read("保证进能退吗", "zh").ranked[0].id == "shop-deposit"
    scores = matcher.entry_scores("保证进能退吗", "zh")
    assert int(np.argmax(scores)) == len(fillers)


SOIL = entry(
    "soil-test",
    ("取土样送到县农技站化验，按结果配肥。", "Send soil to the county station; fertilise by the result."),
    ["土壤怎么化验", "土样送到哪化验", "测土配方施肥是啥", "土样什么时候取"],
    ["how do i test my soil", "where do i send a soil sample", "what is soil testing"],
)


def test_asking_how_long_something_takes_of_an_entry_that_never_asks_it_is_not_answered() -> None:
    # "when" (什么时候) only tells a time, as in 土样什么时候取; "how long" (多久) asks a duration
    # the entry on soil testing does not give: a near question, offered at most
    matcher = matcher_for([SOIL, TRADEMARK])
    match = matcher.match("土样送去化验 结果多久能出来", "zh")
    assert match.best is not None and match.best.id == "soil-test"
    assert match.decision is not Decision.answer
    # what the entry does say is still answered
    assert matcher.match("土样送到哪里化验", "zh").decision is Decision.answer


AUTOSTEER = entry(
    "autosteer-safety",
    ("开着自动导航也要坐在驾驶座上看着前面。", "Stay in the seat and watch ahead even with auto-steer on."),
    ["开导航能玩手机吗", "开着自动导航能下车吗", "导航开着人能离开驾驶座吗"],
    ["can i use my phone on autosteer", "can i leave the seat with autosteer on", "is autosteer safe"],
)


def phone_bank(size: int) -> list[FaqEntry]:
    """`size` entries that all speak of the phone (手机), as most of a real bank does."""
    jobs = ["拍照", "开店", "直播", "收款", "发货", "看课", "改字体", "查订单", "退款", "提现", "充值"]
    return [
        entry(
            f"phone-{i}",
            ("按课里的步骤做。", "Follow the lesson's steps."),
            [f"手机上怎么{job}{i}", f"手机{job}第{i}步", f"用手机{job}{i}"],
            [f"phone task {i}", f"phone step {i}", f"phone job {i}"],
        )
        for i, job in ((i, jobs[i % len(jobs)]) for i in range(size))
    ]


def test_a_word_most_entries_use_does_not_make_a_question_about_something_else_an_entrys() -> None:
    # 孙子光玩手机咋管 shares 玩 and 手机 with the entry on auto-steer, and 手机 is a word most
    # entries use: one word of substance shared, and the question says others no entry knows
    # (孙子, 管): it names the topic and asks something else. A threshold low enough that its
    # score alone would answer it shows the rule decides.
    lenient = Thresholds(answer=30.0, margin=5.0, choices=20.0)
    matcher = matcher_for([*phone_bank(24), AUTOSTEER])
    matcher.settings = replace(matcher.settings, thresholds={"zh": lenient, "en": lenient})
    match = matcher.match("孙子光玩手机咋管", "zh")
    assert match.best is not None and match.best.id == "autosteer-safety"
    assert match.best.score >= lenient.answer
    assert match.decision is not Decision.answer
    # two words of substance shared (导航, 玩): it is the entry's own question
    assert matcher.match("开着导航的时候能玩手机吗", "zh").offered == ("autosteer-safety",)
