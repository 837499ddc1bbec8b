"""Drawing the core's keyboards as Telegram inline keyboards: as the Bot API's JSON for a text
message (the commonest send: no objects built only to be turned back into JSON), as
python-telegram-bot's objects for its typed media methods."""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core.messages import Keyboard

CALLBACK_DATA_LIMIT = 64  # bytes, set by Telegram


def _checked(keyboard: Keyboard) -> Keyboard:
    for row in keyboard:
        for button in row:
            if len(button.action.encode()) > CALLBACK_DATA_LIMIT:
                raise ValueError(f"callback data over {CALLBACK_DATA_LIMIT} bytes: {button.action!r}")
    return keyboard


def inline_keyboard_json(keyboard: Keyboard) -> dict[str, Any] | None:
    """The `reply_markup` parameter as the Bot API reads it."""
    if not keyboard:
        return None
    rows = [[{"text": b.label, "callback_data": b.action} for b in row] for row in _checked(keyboard)]
    return {"inline_keyboard": rows}


def inline_keyboard(keyboard: Keyboard) -> InlineKeyboardMarkup | None:
    if not keyboard:
        return None
    rows = [
        [InlineKeyboardButton(b.label, callback_data=b.action) for b in row] for row in _checked(keyboard)
    ]
    return InlineKeyboardMarkup(rows)
