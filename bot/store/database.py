"""Opening the database: SQLite in WAL mode so a report can read while the bot writes (or a
PostgreSQL server, `postgresql+psycopg://…`, with `pip install farmskills[postgres]`), Alembic
migrations to bring the schema to the current version, and the unit of work that makes one
update's changes, its reply and its "handled" mark one transaction.

Stores open their sessions with `open_session` (or a bare connection with `connected`): inside
`unit_of_work` every store joins the same connection and transaction, so what one input changes is
committed whole or not at all.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, event, inspect, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, create_engine

from bot.shipped import shipped_root

if TYPE_CHECKING:  # Alembic (about 12 MB with Mako) is imported only when a schema is changed
    from alembic.config import Config

DEFAULT_DATABASE_URL = "sqlite:///farmskills.db"
MIGRATIONS_DIR = shipped_root() / "migrations"


def database_url(url: str | None = None) -> str:
    return url or os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers (reports) run alongside the writer; busy_timeout waits out short locks.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    # 512 KB of pages per connection, not SQLite's 2 MB: each worker thread holds a connection,
    # and on a 100,000-learner file their caches filled to 12 MB more during a wave. Pages missed
    # come from the OS's file cache.
    cursor.execute("PRAGMA cache_size=-512")
    cursor.close()


def make_engine(url: str | None = None) -> Engine:
    url = database_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 10})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if url.startswith("postgresql"):
        # Timestamps are stored as naive UTC (`timestamp without time zone`, as on SQLite): with the
        # session in UTC, an aware datetime is stored as its UTC time whatever the server's zone.
        return create_engine(url, pool_pre_ping=True, connect_args={"options": "-c timezone=UTC"})
    return create_engine(url, pool_pre_ping=True)


_unit: ContextVar[Connection | None] = ContextVar("farmskills_unit_of_work", default=None)


@contextmanager
def unit_of_work(engine: Engine) -> Iterator[Connection]:
    """One transaction for everything the stores do inside the block; committed at the end, rolled
    back on any exception. On SQLite it takes the write lock first (BEGIN IMMEDIATE), so a learner's
    state is read and written without another writer in between; nested blocks join the outer one."""
    outer = _unit.get()
    if outer is not None and outer.engine is engine:
        yield outer
        return
    with engine.connect() as conn, conn.begin():
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        token = _unit.set(conn)
        try:
            yield conn
        finally:
            _unit.reset(token)


def insert_or_skip(engine: Engine, table: Any) -> Any:
    """INSERT … ON CONFLICT DO NOTHING for `table` (a model), as the engine's database spells it:
    a row another process wrote first is left alone instead of failing the whole statement."""
    if engine.dialect.name == "postgresql":  # its dialect is imported only where it is used
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(table).on_conflict_do_nothing()
    from sqlalchemy.dialects import sqlite

    return sqlite.insert(table).on_conflict_do_nothing()


def flush_new(s: Session, row: Any) -> bool:
    """Add and flush a new row; False when a unique key shows another transaction wrote it first,
    the session still usable. On PostgreSQL a failed statement spoils the whole transaction, so
    the INSERT runs in a savepoint there; SQLite only undoes the statement."""
    try:
        if s.get_bind().dialect.name == "postgresql":
            with s.begin_nested():  # added inside: undoing the savepoint forgets the row too
                s.add(row)
                s.flush()
        else:
            s.add(row)
            s.flush()
    except IntegrityError:
        if s.get_bind().dialect.name != "postgresql":
            s.rollback()
        return False
    return True


@contextmanager
def connected(engine: Engine) -> Iterator[Connection]:
    """A Core connection for a few plain statements: the unit of work's when there is one (its
    transaction commits at the end of the unit), else one in a transaction of its own, committed at
    the end of the block. No ORM session to build: the hot path's statements run straight."""
    conn = _unit.get()
    if conn is not None and conn.engine is engine:
        yield conn
        return
    with engine.begin() as own:
        yield own


def open_session(engine: Engine) -> Session:
    """A session on the current unit of work when there is one (its commits then only flush: the
    unit commits), else on its own connection."""
    conn = _unit.get()
    if conn is not None and conn.engine is engine:
        return Session(bind=conn, expire_on_commit=False)  # commits flush; the unit commits
    return Session(engine, expire_on_commit=False)


def alembic_config(url: str | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", database_url(url).replace("%", "%%"))
    return cfg


def upgrade(url: str | None = None, revision: str = "head") -> None:
    """Bring the schema up to `revision` (the newest by default); safe to run every start."""
    from alembic import command

    command.upgrade(alembic_config(url), revision)


def upgrade_apart(url: str | None = None) -> None:
    """Bring the schema up to date in a short-lived process of its own, so Alembic and Mako (about
    10 MB) never stay in a bot that only needed them once, at its first start: a forked child where
    the system can fork (it starts with what is imported already, so it costs a fraction of a
    second), else `farmskills db upgrade`. A database only this process can see (SQLite in memory)
    is upgraded here instead. Call it before any thread starts."""
    url = database_url(url)
    if url.startswith("sqlite") and url.split("?")[0] in {"sqlite://", "sqlite:///:memory:"}:
        upgrade(url)
        return
    if hasattr(os, "fork"):
        exit_code = _in_a_child(lambda: upgrade(url))
    else:  # What it says (each migration run, or its error) goes where this process's output goes.
        command = [sys.executable, "-m", "bot", "db", "upgrade", "--db", url]
        exit_code = subprocess.run(command, stdin=subprocess.DEVNULL).returncode
    if exit_code != 0:
        raise RuntimeError(f"the schema upgrade failed (exit {exit_code}; its error is above)")


def _in_a_child(work: Callable[[], None]) -> int:
    """Run `work` in a forked child; its exit code (1 when it raised, after printing the error)."""
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child: never returns into the caller's code
        code = 0
        try:
            work()
        except BaseException:
            traceback.print_exc()
            code = 1
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


_REVISION = re.compile(r'^(down_revision|revision)\s*(?::[^=]*)?=\s*["\']?([\w]+)["\']?', re.MULTILINE)


def known_revisions() -> dict[str, str | None]:
    """Each migration's revision and the one it follows, read from the migration files (what
    Alembic reads, without importing Alembic for a worker whose schema is already current)."""
    follows: dict[str, str | None] = {}
    for path in sorted((MIGRATIONS_DIR / "versions").glob("*.py")):
        found = dict((key, value) for key, value in _REVISION.findall(path.read_text(encoding="utf-8")))
        if "revision" in found:
            down = found.get("down_revision")
            follows[found["revision"]] = None if down in (None, "None") else down
    return follows


def head_revision() -> str:
    """The newest schema revision this version of FarmSkills knows: the one no other follows."""
    follows = known_revisions()
    (head,) = set(follows) - {down for down in follows.values() if down}
    return head


def schema_problem(url: str | None = None) -> str | None:
    """Why a worker must not start on this database (its schema is not the one this version
    needs), or None when it is. Workers never migrate a shared database themselves: two starting
    together would race, and an old worker would run on a newer schema."""
    current, head = current_revision(url), head_revision()
    if current == head:
        return None
    if current is None:
        return f"the database has no FarmSkills schema yet (this version needs revision {head})"
    if current not in known_revisions():
        return f"the database is at revision {current}, newer than this version of FarmSkills knows ({head})"
    return f"the database is at revision {current} and this version needs {head}"


def current_revision(url: str | None = None) -> str | None:
    """The revision the database's schema is at (Alembic's own table), or None for an empty one."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return None
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    finally:
        engine.dispose()
