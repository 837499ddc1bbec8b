"""Drawing the core's keyboards as Telegram inline keyboards."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core.messages import Keyboard

CALLBACK_DATA_LIMIT = 64  # bytes, set by Telegram


def inline_keyboard(keyboard: Keyboard) -> InlineKeyboardMarkup | None:
    if not keyboard:
        return None
    rows = []
    for row in keyboard:
        buttons = []
        for button in row:
            if len(button.action.encode()) > CALLBACK_DATA_LIMIT:
                raise ValueError(f"callback data over {CALLBACK_DATA_LIMIT} bytes: {button.action!r}")
            buttons.append(InlineKeyboardButton(button.label, callback_data=button.action))
        rows.append(buttons)
    return InlineKeyboardMarkup(rows)
