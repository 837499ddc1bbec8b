"""Chinese questions that ask what no entry answers (where to buy something) are never answered."""

from __future__ import annotations

from bot.faq.matcher import Decision, FaqMatcher


def test_asking_where_to_buy_something_is_never_answered_outright(shipped_matcher: FaqMatcher) -> None:
    # the bank tells how to sell and what gear a live needs, never which shop sells it
    for question in ("直播的补光灯去哪买便宜", "打药无人机的电池哪里能买到"):
        assert shipped_matcher.match(question, "zh").decision is not Decision.answer, question
    # asking what gear a live needs is still answered
    assert shipped_matcher.match("直播都得买些啥设备", "zh").decision is Decision.answer


def test_asking_for_a_phone_number_is_never_answered_outright(shipped_matcher: FaqMatcher) -> None:
    # no entry gives a phone number: a person (or choices) rather than a confident answer
    assert shipped_matcher.match("收割机厂家的售后电话是多少", "zh").decision is not Decision.answer


def test_voice_typing_particles_are_dropped(shipped_matcher: FaqMatcher) -> None:
    plain = shipped_matcher.match("直播没人看咋办", "zh")
    spoken = shipped_matcher.match("然后呀我跟你说 直播吧没人看 咋办啦", "zh")
    assert spoken.decision is Decision.answer and spoken.offered == plain.offered
