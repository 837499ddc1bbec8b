"""Deploying like a service: `farmskills db upgrade` is the release step, and a worker on a
database server never migrates it itself — it refuses to start, saying what to run, when the schema
is not the one its version needs."""

from __future__ import annotations

from pathlib import Path

from bot.store.database import current_revision, head_revision, upgrade
from tests.cli_runner import farmskills
from tests.databases import database_for

A_TOKEN = {"TELEGRAM_BOT_TOKEN": "123:never-used", "TELEGRAM_BASE_URL": "http://127.0.0.1:9/bot"}


def test_a_worker_on_a_database_one_release_behind_refuses_to_start_and_names_the_release_step(
    tmp_path: Path,
) -> None:
    url = database_for(tmp_path / "behind.db")
    upgrade(url, "0010")
    result = farmskills("run", "--no-migrate", env={**A_TOKEN, "DATABASE_URL": url})
    assert result.returncode == 2, result.stderr
    assert "revision 0010" in result.stderr and f"needs {head_revision()}" in result.stderr
    assert "farmskills db upgrade" in result.stderr
    assert current_revision(url) == "0010"  # the worker left the schema alone


def test_a_worker_on_an_empty_database_refuses_too(tmp_path: Path) -> None:
    url = database_for(tmp_path / "empty.db")
    result = farmskills("run", "--no-migrate", env={**A_TOKEN, "DATABASE_URL": url})
    assert result.returncode == 2
    assert "no FarmSkills schema yet" in result.stderr and "farmskills db upgrade" in result.stderr
    assert current_revision(url) is None


def test_the_release_step_brings_the_schema_to_what_the_workers_need(tmp_path: Path) -> None:
    url = database_for(tmp_path / "release.db")
    upgrade(url, "0010")
    result = farmskills("db", "upgrade", "--db", url)
    assert result.returncode == 0, result.stderr
    assert current_revision(url) == head_revision()
