"""What the bot keeps about a learner, as the learner is told it (welcome and /mydata).

Each kind of data the store holds — a table of LEARNER_TABLES, or a column of the learner's own
row — is tied here to the words that name it in the notice (`privacy_*` in content/ui/*.yaml).
tests/test_privacy.py fails when a table or column is added without a line here, so the notice
stays exactly true.
"""

from __future__ import annotations

from collections.abc import Callable

# "table" or "learner.column" -> the UI key of the words that name it in the notice.
STORED: dict[str, str] = {
    "learner.id": "privacy_account",
    "learner.channel": "privacy_account",
    "learner.external_id": "privacy_account",
    "learner.name": "privacy_name",
    "learner.lang": "privacy_language",
    "learner.cohort": "privacy_group",
    "learner.reminders_on": "privacy_settings",
    "learner.reminder_hour": "privacy_settings",
    "learner.timezone": "privacy_settings",
    "learner.created_at": "privacy_dates",
    "learner.last_active_at": "privacy_dates",
    "learner.active": "privacy_reach",
    "learner.place": "privacy_place",
    # The streak (latest day with a step learned, days in a row) is counted from the steps.
    "learner.streak_day": "privacy_progress",
    "learner.streak_days": "privacy_progress",
    "lesson_progress": "privacy_progress",
    "track_progress": "privacy_progress",
    "step_event": "privacy_progress",
    "check_answer": "privacy_progress",
    "placement_result": "privacy_placement",
    "practice_report": "privacy_practice",
    "outcome": "privacy_outcomes",
    "faq_question": "privacy_questions",
    "nudge": "privacy_nudges",
    "mentor": "privacy_mentor",
    "outbox": "privacy_outbox",
    "inbound_update": "privacy_outbox",  # held only until the update is handled
}


def notice_items() -> list[str]:
    """The notice's items (UI keys), each once, in the order the notice lists them."""
    return list(dict.fromkeys(STORED.values()))


def stored_list(t: Callable[[str, str], str], lang: str) -> str:
    """The notice's list in one line: 账号编号、称呼、… / your account number, the name you choose, …"""
    return t(lang, "privacy_sep").join(t(lang, key) for key in notice_items())
