"""Deploying like a service: `farmskills db upgrade` is the release step, and a worker on a
database server never migrates it itself — it refuses to start, saying what to run, when the schema
is not the one its version needs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.store.database import current_revision, head_revision, upgrade
from tests.cli_runner import farmskills, last_line_printed_by
from tests.content_builder import REPO
from tests.databases import ON_POSTGRES, database_for

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


def test_a_bot_brings_its_sqlite_file_up_to_date_at_start_in_a_process_of_its_own(tmp_path: Path) -> None:
    """On one machine `farmskills run` migrates the file itself, in a short-lived child process:
    Alembic is not loaded into the bot, which only needed it once."""
    url = database_for(tmp_path / "behind.db")
    upgrade(url, "0010")
    script = (
        "import sys\n"
        "from bot.store.database import current_revision, upgrade_apart\n"
        f"upgrade_apart({url!r})\n"
        f"print('alembic' in sys.modules, current_revision({url!r}))\n"
    )
    assert last_line_printed_by(script) == f"False {head_revision()}"
    fresh = database_for(tmp_path / "fresh.db")
    farmskills("run", "--migrate", env={**A_TOKEN, "DATABASE_URL": fresh})  # Telegram unreachable
    assert current_revision(fresh) == head_revision()  # migrated before it tried to connect


@pytest.mark.parametrize("fork", [True, False], ids=["forked child", "farmskills db upgrade"])
def test_a_schema_upgrade_that_fails_apart_stops_the_start_and_says_so(
    tmp_path: Path, fork: bool, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    from bot.store.database import upgrade_apart

    if not fork:  # as on a system that cannot fork
        monkeypatch.delattr(os, "fork")
    unwritable = tmp_path / "not-a-folder"
    unwritable.write_text("a file where the database's folder should be")
    with pytest.raises(RuntimeError, match="schema upgrade failed"):
        upgrade_apart(f"sqlite:///{unwritable}/farmskills.db")
    assert "unable to open database file" in capfd.readouterr().err


@pytest.mark.skipif(ON_POSTGRES, reason="packaging is the same whichever database the suite runs on")
def test_a_built_wheel_installed_without_the_checkout_finds_its_lessons_content_and_migrations(
    tmp_path: Path,
) -> None:
    """A packaged, non-editable install: the wheel built from this checkout, installed into a fresh
    virtual environment (its dependencies taken from this one), run from a folder far from here."""
    wheels = tmp_path / "wheels"
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(wheels),
            str(REPO),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert build.returncode == 0, build.stderr
    (wheel,) = wheels.glob("farmskills-*.whl")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True)
    installed = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--no-deps", "-q", str(wheel)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert installed.returncode == 0, installed.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {
        k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "FARMSKILLS_CONTENT", "DATABASE_URL")
    }

    def packaged(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(venv / "bin" / "farmskills"), *args],
            input=stdin,
            capture_output=True,
            text=True,
            cwd=elsewhere,
            env={**env, "COLUMNS": "200"},
            timeout=120,
        )

    where = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import bot.shipped as s; print(s.shipped_root())"],
        capture_output=True,
        text=True,
        cwd=elsewhere,
        env=env,
    )
    assert where.stdout.strip().startswith(str(venv)), where.stdout + where.stderr
    checked = packaged("validate")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    url = f"sqlite:///{elsewhere / 'farm.db'}"
    upgraded = packaged("db", "upgrade", "--db", url)
    assert upgraded.returncode == 0, upgraded.stderr
    assert current_revision(url) == head_revision()
    chat = packaged("chat", "--db", url, stdin="/start\n")
    assert chat.returncode == 0, chat.stderr
    assert "只保存" in chat.stdout  # the shipped welcome, read from inside the installed package


def test_the_newest_revision_read_from_the_files_is_alembics_own() -> None:
    from alembic.script import ScriptDirectory

    from bot.store.database import alembic_config

    assert head_revision() == ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_a_bot_starting_on_a_current_schema_does_not_load_alembic(tmp_path: Path) -> None:
    url = database_for(tmp_path / "current.db")
    upgrade(url)
    script = (
        "import sys, bot.channels\n"
        "from bot.app.service import build_service\n"
        "from bot.content.loader import load_curriculum\n"
        f"build_service(load_curriculum(), {url!r})\n"
        "print('alembic' in sys.modules)\n"
    )
    assert last_line_printed_by(script) == "False"
