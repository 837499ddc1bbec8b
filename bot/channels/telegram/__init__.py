"""The Telegram channel: python-telegram-bot 22 over the same core as the console.

Importing this package only registers the channel (no Telegram library is loaded): Telegram is
where trainers and administrators are reached, by their Telegram user ids.
"""

import os

from bot.app.channels import ChannelSpec, register

# Opt in to PTB 22's timedelta durations everywhere (RetryAfter.retry_after and friends).
os.environ.setdefault("PTB_TIMEDELTA", "1")

SPEC = register(ChannelSpec("telegram", reaches_staff=True))
CHANNEL = SPEC.name
