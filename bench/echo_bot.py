"""A bare python-telegram-bot 22 echo bot: the yardstick the handler benchmark measures FarmSkills
against. Long polling; every message and every button press gets one reply with a two-button
keyboard, and each button press is answered. No database, no content, no rate limiter.

    TELEGRAM_BOT_TOKEN=... TELEGRAM_BASE_URL=http://127.0.0.1:PORT/bot python -m bench.echo_bot
"""

from __future__ import annotations

import os

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, ContextTypes, MessageHandler, filters

KEYBOARD = InlineKeyboardMarkup(
    [[InlineKeyboardButton("👍 Yes", callback_data="yes"), InlineKeyboardButton("👎 No", callback_data="no")]]
)


async def on_message(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_message is not None:
        await update.effective_message.reply_text(update.effective_message.text or "?", reply_markup=KEYBOARD)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if query is None or update.effective_chat is None:
        return
    await query.answer()
    await context.bot.send_message(
        update.effective_chat.id, f"you pressed {query.data}", reply_markup=KEYBOARD
    )


def main() -> None:
    builder = Application.builder().token(os.environ["TELEGRAM_BOT_TOKEN"]).concurrent_updates(16)
    if os.environ.get("TELEGRAM_BASE_URL"):
        builder = builder.base_url(os.environ["TELEGRAM_BASE_URL"])
    app = builder.build()
    app.add_handler(MessageHandler(filters.ALL, on_message))
    app.add_handler(CallbackQueryHandler(on_button))
    app.run_polling(poll_interval=0, timeout=30)


if __name__ == "__main__":
    main()
