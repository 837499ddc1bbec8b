"""Shared fixtures: a small content set, a fresh database, and a service over both.

The database is a SQLite file, or a fresh PostgreSQL database per test when
FARMSKILLS_TEST_DATABASE_URL names a server (tests/databases.py).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app.service import LearningService, build_service
from bot.content.loader import Curriculum, load_curriculum
from bot.faq.matcher import FaqMatcher
from tests.content_builder import REPO, build_content
from tests.databases import database_for, drop_made
from tests.dialog import Learner
from tests.telegram_harness import Harness, running
from tests.village import report, village  # noqa: F401  (the report tests' known village, as fixtures)


@pytest.fixture(autouse=True)
def _drop_test_databases() -> Iterator[None]:
    """On PostgreSQL, each test's databases are dropped when it ends (nothing to do on SQLite)."""
    yield
    drop_made()


@pytest.fixture(autouse=True, scope="session")
def _drop_shared_databases() -> Iterator[None]:
    yield
    drop_made(kept=True)


@pytest.fixture
def content_root(tmp_path: Path) -> Path:
    return build_content(tmp_path / "content-root")


@pytest.fixture(scope="session")
def shipped() -> Curriculum:
    """The lessons and FAQ the project ships, read once for the whole run."""
    return load_curriculum(REPO)


@pytest.fixture(scope="session")
def shipped_matcher(shipped: Curriculum) -> FaqMatcher:
    return FaqMatcher.for_curriculum(shipped)


@pytest.fixture
def curriculum(content_root: Path) -> Curriculum:
    return load_curriculum(content_root)


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return database_for(tmp_path / "farmskills.db")


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        from datetime import timedelta

        self.now += timedelta(**delta)


@pytest.fixture
def cjk_font() -> Path:
    """A font with Chinese glyphs; the test is skipped, with the reason, on a machine without one."""
    from bot.media.certificate import NoCjkFont, find_cjk_font

    try:
        return find_cjk_font()
    except NoCjkFont as exc:
        pytest.skip(f"{exc} (.ci/run installs fonts-wqy-microhei)")


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def service(curriculum: Curriculum, db_url: str, clock: Clock) -> LearningService:
    return build_service(curriculum, db_url, faq=FaqMatcher.for_curriculum(curriculum), clock=clock)


@pytest.fixture
def learner(service: LearningService) -> Learner:
    return Learner(service)


@pytest.fixture
def new_learner(service: LearningService) -> Callable[..., Learner]:
    def make(user: str = "2", lang: str = "zh") -> Learner:
        return Learner(service, user, lang)

    return make


@pytest.fixture
async def tg(tmp_path: Path, curriculum: Curriculum) -> AsyncIterator[Harness]:
    """The real bot, running against the fake Bot API with the small test content."""
    async with running(tmp_path, curriculum) as harness:
        yield harness
