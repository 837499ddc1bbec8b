"""The Telegram channel: python-telegram-bot 22 over the same core as the console."""

import os

# Opt in to PTB 22's timedelta durations everywhere (RetryAfter.retry_after and friends).
os.environ.setdefault("PTB_TIMEDELTA", "1")
