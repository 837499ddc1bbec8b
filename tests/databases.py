"""Which database the tests run on: a SQLite file by default, or a fresh PostgreSQL database per
test when FARMSKILLS_TEST_DATABASE_URL names a server (`python -m tests.postgres_server start`).

`database_for(path)` is what a test asks for instead of writing `sqlite:///{path}`: the same path
gives the same database within a test, so a test that opens its database twice sees one database.
Each PostgreSQL database made for a test is dropped when the test ends (`drop_made`, from conftest).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, inspect, make_url, text
from sqlalchemy.pool import NullPool

from bot.store.database import make_engine

SERVER_URL = os.environ.get("FARMSKILLS_TEST_DATABASE_URL") or None
ON_POSTGRES = bool(SERVER_URL and SERVER_URL.startswith("postgresql"))

sqlite_only = pytest.mark.skipif(ON_POSTGRES, reason="about the SQLite file itself")

_made: list[str] = []  # dropped when the test ends
_kept: list[str] = []  # made for a module's fixture: dropped when the session ends


def _admin() -> Any:
    assert SERVER_URL is not None
    # AUTOCOMMIT: CREATE and DROP DATABASE cannot run inside a transaction.
    return create_engine(SERVER_URL, isolation_level="AUTOCOMMIT", poolclass=NullPool)


def database_for(path: Path, keep: bool = False) -> str:
    """A database URL for the test that owns `path` (a file under its tmp_path); `keep` for one a
    module-scoped fixture shares between tests."""
    if not ON_POSTGRES:
        return f"sqlite:///{path}"
    assert SERVER_URL is not None
    name = "t_" + hashlib.sha1(str(path).encode()).hexdigest()[:20]
    if name not in _made and name not in _kept:
        engine = _admin()
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'"))
        engine.dispose()
        (_kept if keep else _made).append(name)
    return make_url(SERVER_URL).set(database=name).render_as_string(hide_password=False)


def drop_made(kept: bool = False) -> None:
    """Drop the databases the finished test made (closing whatever connections it left open), or,
    with `kept`, those module fixtures made, at the session's end."""
    names = _kept if kept else _made
    if not names:
        return
    engine = _admin()
    with engine.connect() as conn:
        for name in names:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()
    names.clear()


def query(url: str, sql: str, params: dict[str, Any] | None = None) -> Sequence[Any]:
    """Rows of one read, on whichever database the test runs (what a test checks behind the bot)."""
    engine = make_engine(url)  # as the bot opens it (on PostgreSQL: the session in UTC)
    try:
        with engine.connect() as conn:
            return list(conn.execute(text(sql), params or {}).all())
    finally:
        engine.dispose()


def dump(url: str) -> str:
    """Every row of every table, as text (to look for what must not be stored)."""
    engine = make_engine(url)  # as the bot opens it (on PostgreSQL: the session in UTC)
    try:
        with engine.connect() as conn:
            names = inspect(conn).get_table_names()
            return "\n".join(
                f"{name}: {tuple(row)}"
                for name in names
                for row in conn.execute(text(f"SELECT * FROM {name}"))
            )
    finally:
        engine.dispose()


def execute(url: str, sql: str, params: dict[str, Any] | None = None) -> int:
    """One committed write behind the bot's back; returns the rows it touched."""
    engine = make_engine(url)  # as the bot opens it (on PostgreSQL: the session in UTC)
    try:
        with engine.begin() as conn:
            return conn.execute(text(sql), params or {}).rowcount
    finally:
        engine.dispose()
