"""Which clauses of a long Chinese message ask something, and which only tell."""

from __future__ import annotations

from bot.faq.clauses import split_message
from bot.faq.text import normalise


def test_a_clause_saying_what_did_not_happen_tells_and_the_question_after_it_asks() -> None:
    # 没有 and 不 in the middle of a statement say what went wrong; they are context, not a question
    parts = split_message("我在网上开了个店，一个多月了一单都没有，是不是哪里弄错了", normalise)
    assert [parts.clauses[i] for i in parts.asking] == ["是不是哪里弄错了"]
    told = split_message("我家孩子不在身边，手机上的字看不清，字能调大点吗", normalise)
    assert [told.clauses[i] for i in told.asking] == ["字能调大点吗"]


def test_a_question_asked_with_bu_or_mei_at_the_end_or_doubled_still_asks() -> None:
    for asked in ("保证金退回来了没", "这个能退不", "明天发货好不好", "有没有便宜的快递"):
        parts = split_message(f"我是老张，{asked}", normalise)
        assert [parts.clauses[i] for i in parts.asking] == [asked], asked


def test_quantities_with_ji_and_degree_words_ask_nothing() -> None:
    # 十几亩, 好几年, 这么多 hold a question character but tell how much, not what is asked
    parts = split_message("我们村种了几十亩桃树，好几年都这么卖，枣子网上怎么卖", normalise)
    assert [parts.clauses[i] for i in parts.asking] == ["枣子网上怎么卖"]


def test_who_the_farmer_is_is_left_out_of_the_message_read_whole() -> None:
    parts = split_message("我是山东的老王，我家养了三百只鸭子，鸭蛋寄出去老是破，有啥好办法", normalise)
    assert [parts.clauses[i] for i in parts.context] == ["我是山东的老王", "我家养了三百只鸭子"]
    assert parts.pieces[0] == (2, 3)
    # a context clause that asks is a question all the same
    asked = split_message("我家的猪能在网上卖吗", normalise)
    assert asked.context == ()


def test_a_message_that_is_all_context_is_still_read_whole() -> None:
    parts = split_message("我是老刘，今年七十了", normalise)
    assert parts.pieces[0] == (0, 1)


def test_a_clause_that_only_calls_the_teacher_is_dropped() -> None:
    parts = split_message("老师，鸡蛋寄出去碎了，能赔不", normalise)
    assert parts.clauses == ("鸡蛋寄出去碎了", "能赔不")


def test_the_surname_a_cut_greeting_leaves_is_dropped() -> None:
    parts = split_message("赵，鸡蛋寄出去碎了，能赔不", normalise)
    assert parts.clauses == ("鸡蛋寄出去碎了", "能赔不")
    assert split_message("咋，快递丢了", normalise).clauses[0] == "咋"


def test_an_entry_sharing_only_the_asking_part_is_not_answered_outright() -> None:
    from bot.faq.confidence import FEATURES
    from bot.faq.matcher import _covers_too_little

    features = [0.0] * len(FEATURES)
    features[FEATURES.index("covered")], features[FEATURES.index("covered_lead")] = 0.3, -0.05
    assert _covers_too_little(tuple(features))
    features[FEATURES.index("covered_lead")] = 0.1  # it covers more than the runner-up: fine
    assert not _covers_too_little(tuple(features))


def test_what_a_family_member_said_is_not_context() -> None:
    parts = split_message("我闺女说网店提现要扣手续费，扣多少", normalise)
    assert parts.context == ()


def test_an_english_story_is_cut_where_it_turns_to_now() -> None:
    # what happened before ("and now", "so then") is told apart from what the farmer faces now
    parts = split_message("my old driver left last month and now i drive the tractor myself", normalise)
    assert parts.clauses == ("my old driver left last month", "i drive the tractor myself")
