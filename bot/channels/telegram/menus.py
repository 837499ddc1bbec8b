"""The bot's command menus: the commands a learner sees in Telegram's menu, in their app's
language, and the staff commands shown only in trainers' and admins' own chats."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from telegram import BotCommand, BotCommandScopeChat
from telegram.error import TelegramError
from telegram.ext import Application

log = logging.getLogger(__name__)

COMMANDS = ("start", "menu", "progress", "income", "reminders", "help", "lang", "mydata", "forget")
STAFF_COMMANDS = ("report", "attach")  # shown only in trainers' and admins' own chats
COMMAND_HELP = {
    "zh": {
        "start": "开始",
        "menu": "回主页",
        "progress": "我的进度",
        "income": "报告收入",
        "reminders": "学习提醒",
        "help": "怎么用",
        "lang": "换语言",
        "mydata": "看我存了什么",
        "forget": "删除我的数据",
        "report": "学习报告（老师用）",
        "attach": "给课程配照片或语音（老师用）",
    },
    "en": {
        "start": "Start",
        "menu": "Home",
        "progress": "My progress",
        "income": "Report income",
        "reminders": "Reminders",
        "help": "How to use me",
        "lang": "Language",
        "mydata": "What is stored about me",
        "forget": "Delete my data",
        "report": "Learning report (staff)",
        "attach": "Add a photo or voice to a step (staff)",
    },
}


async def register_commands(app: Application, staff: Sequence[tuple[str, str]] = ()) -> None:
    """Commands in the learner's language: Telegram shows the list matching their app language.
    Trainers and admins (`staff`: user id and language) also find /report in their own chat."""
    for lang, described in COMMAND_HELP.items():
        commands = [BotCommand(name, described[name]) for name in COMMANDS]
        await app.bot.set_my_commands(commands, language_code=lang)
    await app.bot.set_my_commands([BotCommand(n, COMMAND_HELP["zh"][n]) for n in COMMANDS])
    for user_id, lang in staff:
        described = COMMAND_HELP.get(lang, COMMAND_HELP["zh"])
        commands = [BotCommand(n, described[n]) for n in (*COMMANDS, *STAFF_COMMANDS)]
        try:
            await app.bot.set_my_commands(commands, scope=BotCommandScopeChat(int(user_id)))
        except TelegramError as exc:  # e.g. someone granted a role who never opened the bot
            log.info("no staff menu for %s: %s", user_id, exc)
