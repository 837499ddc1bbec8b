"""Chinese questions that ask what no entry answers (where to buy something) are never answered."""

from __future__ import annotations

from bot.faq.matcher import Decision, FaqMatcher


def test_asking_where_to_buy_something_is_never_answered_outright(shipped_matcher: FaqMatcher) -> None:
    # the bank tells how to sell and what gear a live needs, never which shop sells it
    for question in ("直播的补光灯去哪买便宜", "打药无人机的电池哪里能买到"):
        assert shipped_matcher.match(question, "zh").decision is not Decision.answer, question
    # asking what gear a live needs is still answered
    assert shipped_matcher.match("直播都得买些啥设备", "zh").decision is Decision.answer
