"""Channels found by name in the registry: Telegram is where staff are reached unless set otherwise,
and the application layer sends staff messages to whichever channel that is."""

from __future__ import annotations

import pytest

from bot.app import channels as registry
from bot.app.channels import ChannelSpec, UnknownChannel
from bot.app.service import build_service
from bot.content.loader import Curriculum
from bot.faq.matcher import FaqMatcher
from tests.conftest import Clock
from tests.dialog import Learner

TRAINER = "900"


def test_telegram_registers_itself_and_is_where_staff_are_reached() -> None:
    assert registry.channel("telegram") == ChannelSpec("telegram", reaches_staff=True)
    assert registry.staff_channel() == "telegram"
    assert registry.staff_channel("telegram") == "telegram"


def test_an_unknown_staff_channel_is_named_with_the_known_ones() -> None:
    with pytest.raises(UnknownChannel, match=r"'sms'.*telegram"):
        registry.staff_channel("sms")


def test_the_same_name_cannot_mean_two_channels() -> None:
    with pytest.raises(ValueError, match="registered already"):
        registry.register(ChannelSpec("telegram", reaches_staff=False))


def test_a_question_handed_off_goes_to_the_staff_channel_chosen(
    monkeypatch: pytest.MonkeyPatch, curriculum: Curriculum, db_url: str, clock: Clock
) -> None:
    monkeypatch.setitem(registry._registered, "sms", ChannelSpec("sms", reaches_staff=True))
    faq = FaqMatcher.for_curriculum(curriculum)
    service = build_service(curriculum, db_url, faq=faq, clock=clock, staff_channel="sms")
    service.staff.add_cohort("lijia", "李家村", TRAINER, service.clock())
    farmer = Learner(service, "501", channel="telegram")
    farmer.onboard("老李")
    farmer.command("start", "lijia")
    farmer.say("合作社分红怎么算")
    farmer.tap("发给老师")
    assert [(d.channel, d.user_id) for d in farmer.last.deliveries] == [("sms", TRAINER)]
