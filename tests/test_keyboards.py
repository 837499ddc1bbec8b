"""Keyboards as Telegram gets them: every shipped message fits Telegram's limits, and a button
Telegram would refuse is caught before it is sent."""

from __future__ import annotations

import pytest

from bot.channels.telegram.keyboards import inline_keyboard, inline_keyboard_json
from bot.content.loader import load_curriculum
from bot.core.audit import audit, sent_messages
from bot.core.messages import Button
from tests.content_builder import REPO


def test_no_shipped_message_breaks_the_limits_and_every_keyboard_fits_telegram() -> None:
    curriculum = load_curriculum(REPO)
    assert audit(curriculum) == []
    count = 0
    for _file, _field, _lang, message in sent_messages(curriculum):
        inline_keyboard_json(message.keyboard)  # raises if callback data is over 64 bytes
        count += 1
    assert count > 27 * 2 * 8


def test_a_button_whose_data_telegram_would_refuse_is_caught_before_sending_in_either_form() -> None:
    fits = ((Button("下一步", "x" * 64),),)
    assert inline_keyboard_json(fits) == {
        "inline_keyboard": [[{"text": "下一步", "callback_data": "x" * 64}]]
    }
    too_long = ((Button("下一步", "步" * 22),),)  # 66 bytes
    for draw in (inline_keyboard_json, inline_keyboard):
        with pytest.raises(ValueError, match="64 bytes"):
            draw(too_long)
