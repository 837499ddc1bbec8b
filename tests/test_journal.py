"""The update journal: what Telegram delivers is kept until handled, and handled once."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import event

from bot.store.database import make_engine, upgrade
from bot.store.journal import UpdateJournal
from tests.databases import database_for

NOW = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)


def journal(tmp_path: Path) -> UpdateJournal:
    url = database_for(tmp_path / "journal.db")
    upgrade(url)
    return UpdateJournal(make_engine(url))


def test_new_updates_are_all_to_handle_and_cost_one_statement(tmp_path: Path) -> None:
    j = journal(tmp_path)
    statements: list[str] = []
    event.listen(j.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    assert j.receive("telegram", [(1, "{}"), (2, "{}")], NOW) == {1, 2}
    assert len([s for s in statements if not s.lstrip().upper().startswith(("BEGIN", "COMMIT"))]) == 1


def test_an_update_delivered_again_before_it_was_handled_is_still_to_handle(tmp_path: Path) -> None:
    """A crash between journaling and handling: Telegram delivers it again, and it is handed out."""
    j = journal(tmp_path)
    j.receive("telegram", [(7, "{}")], NOW)
    assert j.receive("telegram", [(7, "{}"), (8, "{}")], NOW) == {7, 8}


def test_an_update_delivered_again_after_it_was_handled_is_not_handled_twice(tmp_path: Path) -> None:
    j = journal(tmp_path)
    j.receive("telegram", [(7, "{}"), (9, "{}")], NOW)
    assert j.claim("telegram", 7, NOW)
    assert not j.claim("telegram", 7, NOW)
    assert j.receive("telegram", [(7, "{}"), (8, "{}"), (9, "{}")], NOW) == {8, 9}


def test_channels_keep_their_own_update_numbers(tmp_path: Path) -> None:
    j = journal(tmp_path)
    j.receive("telegram", [(1, "{}")], NOW)
    j.claim("telegram", 1, NOW)
    assert j.receive("other", [(1, "{}")], NOW) == {1}
