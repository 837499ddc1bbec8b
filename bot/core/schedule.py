"""When the bot may speak first: follow-up questions and reminders, in the learner's local time.

Pure functions of a moment and a time zone. Nothing is ever sent between 21:00 and 07:00 local.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

QUIET_FROM = time(21, 0)
QUIET_UNTIL = time(7, 0)
FOLLOW_UP_AT = time(10, 0)  # mid-morning: after the morning work, before the midday heat


def is_quiet(moment: datetime, tz: str) -> bool:
    local = moment.astimezone(ZoneInfo(tz)).time()
    return local >= QUIET_FROM or local < QUIET_UNTIL


def follow_up_time(done_at: datetime, days: int, tz: str) -> datetime:
    """`days` after the task was done, at mid-morning local time (returned in UTC)."""
    zone = ZoneInfo(tz)
    local_day = (done_at.astimezone(zone) + timedelta(days=days)).date()
    return datetime.combine(local_day, FOLLOW_UP_AT, tzinfo=zone).astimezone(UTC)
