"""When the bot may speak first: follow-up questions and reminders, in the learner's local time.

Pure functions of a moment and a time zone. Nothing is ever sent between 21:00 and 07:00 local.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

QUIET_FROM = time(21, 0)
QUIET_UNTIL = time(7, 0)
FOLLOW_UP_AT = time(10, 0)  # mid-morning: after the morning work, before the midday heat
SUMMARY_AT = time(10, 0)  # mentors' weekly summary: Monday mid-morning

# The time zones a learner can pick on the reminders screen (key → zone). China keeps one official
# time, but in Xinjiang daily life runs two hours behind it, so a 7 pm reminder must follow that.
LEARNER_ZONES = {"beijing": "Asia/Shanghai", "xinjiang": "Asia/Urumqi"}


def as_utc(moment: datetime) -> datetime:
    """SQLite hands datetimes back without a zone; the store writes them in UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def local(moment: datetime, tz: str) -> datetime:
    return as_utc(moment).astimezone(ZoneInfo(tz))


def is_quiet(moment: datetime, tz: str) -> bool:
    at = local(moment, tz).time()
    return at >= QUIET_FROM or at < QUIET_UNTIL


def follow_up_time(done_at: datetime, days: int, tz: str) -> datetime:
    """`days` after the task was done, at mid-morning local time (returned in UTC)."""
    zone = ZoneInfo(tz)
    local_day = (local(done_at, tz) + timedelta(days=days)).date()
    return datetime.combine(local_day, FOLLOW_UP_AT, tzinfo=zone).astimezone(UTC)


def week_key(moment: datetime, tz: str) -> str:
    """The local ISO week, e.g. "2026-W48": one mentor summary each."""
    year, week, _ = local(moment, tz).isocalendar()
    return f"{year}-W{week:02d}"


def summary_due(moment: datetime, tz: str) -> bool:
    """Mentor summaries go out from Monday mid-morning (any later time that week if the bot was down)."""
    at = local(moment, tz)
    return at.weekday() > 0 or at.time() >= SUMMARY_AT
