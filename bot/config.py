"""Settings read from the environment, with the defaults a newcomer needs (no token, local SQLite)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from bot.content.loader import default_content_root
from bot.store.database import database_url


def _ids(raw: str) -> frozenset[int]:
    return frozenset(int(p) for p in raw.replace(" ", "").split(",") if p.strip().lstrip("-").isdecimal())


@dataclass(frozen=True)
class Settings:
    database_url: str = field(default_factory=database_url)
    content_root: Path = field(default_factory=default_content_root)
    telegram_token: str | None = field(default_factory=lambda: os.environ.get("TELEGRAM_BOT_TOKEN") or None)
    telegram_base_url: str | None = field(default_factory=lambda: os.environ.get("TELEGRAM_BASE_URL") or None)
    telegram_base_file_url: str | None = field(
        default_factory=lambda: os.environ.get("TELEGRAM_BASE_FILE_URL") or None
    )
    admins: frozenset[int] = field(default_factory=lambda: _ids(os.environ.get("FARMSKILLS_ADMINS", "")))
    timezone: str = field(default_factory=lambda: os.environ.get("FARMSKILLS_TIMEZONE", "Asia/Shanghai"))
    # The registered channel trainers and admins are reached in (bot.app.channels); unset: Telegram.
    staff_channel: str | None = field(
        default_factory=lambda: os.environ.get("FARMSKILLS_STAFF_CHANNEL") or None
    )
    # Telegram's paid broadcasts (Stars per message above the free 30/s) for very large deployments.
    paid_broadcast: bool = field(default_factory=lambda: os.environ.get("FARMSKILLS_PAID_BROADCAST") == "1")
    # How long the sending worker's lease lasts: when it dies, another worker sends after at most this.
    lease_seconds: float = field(
        default_factory=lambda: float(os.environ.get("FARMSKILLS_LEASE_SECONDS", "10"))
    )
