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
