"""What makes `farmskills run` start fast keeps its promises: content found clean is remembered only
for those very files, and the FAQ matcher built in the background answers as the matcher does."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

from bot.app.faq_building import MatcherInTheBackground
from bot.content import check_cache
from bot.content.check_cache import load_checked
from bot.content.loader import Curriculum, load_curriculum
from bot.content.problems import ContentError
from bot.faq.matcher import FaqMatcher
from bot.store.database import upgrade
from tests.cli_runner import last_line_printed_by


def unknown_term_in_a_step(root: Path) -> None:
    """A mistake only the full check finds: a step naming a glossary term that does not exist."""
    lesson = next((root / "lessons").rglob("01.yaml"))
    lesson.write_text(lesson.read_text(encoding="utf-8").replace("term('SKU')", "term('NOPE')"), "utf-8")


def test_content_found_clean_is_remembered_and_served_the_same(content_root: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = load_checked(content_root, cache)
    assert len(list(cache.glob("content-*.clean"))) == 1
    again = load_checked(content_root, cache)
    assert again.lessons.keys() == first.lessons.keys() == load_curriculum(content_root).lessons.keys()
    assert len(list(cache.glob("content-*.clean"))) == 1


def test_content_read_back_from_the_cache_teaches_the_same_without_reading_the_files(
    content_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    first = load_checked(content_root, cache)

    def no_reading(*_args: object, **_kwargs: object) -> Curriculum:
        raise AssertionError("the files were read again")

    monkeypatch.setattr(check_cache, "load_curriculum", no_reading)
    again = load_checked(content_root, cache)
    assert again is not first and again.root == first.root
    assert again.lessons == first.lessons and again.faq.entries == first.faq.entries
    assert [str(w) for w in again.warnings] == [str(w) for w in first.warnings]
    for lesson in first.lessons.values():  # every step renders the same text in both languages
        for lang in ("zh", "en"):
            assert again.renderer.render_lesson(lesson, lang, "Li") == first.renderer.render_lesson(
                lesson, lang, "Li"
            )


def test_remembered_content_that_cannot_be_read_back_is_read_from_the_files(
    content_root: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    first = load_checked(content_root, cache)
    (remembered,) = cache.glob("content-*.clean")
    remembered.write_bytes(remembered.read_bytes()[:1000])  # cut short, as by a full disk
    again = load_checked(content_root, cache)
    assert again.lessons == first.lessons
    assert len(remembered.read_bytes()) > 1000  # remembered whole again


def test_the_same_content_in_another_folder_is_not_served_from_the_first_folder(
    content_root: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    load_checked(content_root, cache)
    copy = tmp_path / "copy"
    shutil.copytree(content_root, copy)
    assert load_checked(copy, cache).root == copy.resolve()
    assert len(list(cache.glob("content-*.clean"))) == 2  # one per folder


def test_a_change_after_a_clean_check_is_checked_in_full_and_refused(
    content_root: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    load_checked(content_root, cache)
    unknown_term_in_a_step(content_root)
    with pytest.raises(ContentError) as refused:
        load_checked(content_root, cache)
    assert any("NOPE" in str(problem) for problem in refused.value.problems)
    assert len(list(cache.glob("content-*.clean"))) == 1  # the broken content is never remembered
    with pytest.raises(ContentError):
        load_checked(content_root, cache)


def test_the_background_matcher_answers_as_the_matcher_once_built(content_root: Path) -> None:
    curriculum = load_curriculum(content_root)
    gate = threading.Event()

    def build(cur: Curriculum) -> FaqMatcher:
        gate.wait(10)
        return FaqMatcher.for_curriculum(cur)

    stand_in = MatcherInTheBackground(curriculum, build, start=False)
    assert stand_in.bank is curriculum.faq  # there before the build
    gate.set()
    question = curriculum.faq.entries[0].questions.zh[0]
    real = FaqMatcher.for_curriculum(curriculum)
    assert stand_in.match(question, "zh") == real.match(question, "zh")  # starts the build and waits
    assert stand_in.ids == real.ids


def test_a_failed_background_build_is_raised_to_whoever_asks(content_root: Path) -> None:
    def build(_cur: Curriculum) -> FaqMatcher:
        raise ValueError("broken bank")

    stand_in = MatcherInTheBackground(load_curriculum(content_root), build)
    with pytest.raises(RuntimeError, match="could not be built"):
        stand_in.match("押金能退吗", "zh")


def test_a_starting_bot_leaves_the_faq_text_and_number_stack_to_the_building_thread() -> None:
    """Everything `farmskills run` imports before it receives (the CLI, the service, the Telegram
    channel, the background matcher) leaves numpy, jieba and pypinyin out: the thread that builds
    the matcher loads them, while the first learners are already being answered."""
    script = (
        "import sys\n"
        "import bot.cli.app\n"
        "from bot.app.faq_building import MatcherInTheBackground\n"
        "from bot.app.service import build_service\n"
        "from bot.channels.telegram.app import run_bot\n"
        "print(sorted(m for m in ('numpy', 'jieba', 'pypinyin', 'pkg_resources') if m in sys.modules))\n"
    )
    assert last_line_printed_by(script) == "[]"


def test_a_polling_bot_loads_no_web_server() -> None:
    """Only a webhook needs an HTTP server of the bot's own: a long-polling start leaves aiohttp's
    server side and tornado out (tornado is not installed by the project; python-telegram-bot
    would import it at every start if it were)."""
    script = (
        "import sys\n"
        "import bot.cli.app\n"
        "from bot.channels.telegram.app import run_bot\n"
        "from bot.channels.telegram.receivers import PollingReceiver, WebhookServer\n"
        "print(sorted(m for m in ('aiohttp.web', 'tornado.web') if m in sys.modules))\n"
    )
    assert last_line_printed_by(script) == "[]"


def test_a_start_with_content_remembered_clean_imports_neither_the_checks_nor_jinja_nor_postgres(
    content_root: Path, tmp_path: Path
) -> None:
    """Content found clean before is read back whole: the checks and Jinja (about 70 ms of a start)
    wait for a template a learner reaches, and SQLite's bot never imports PostgreSQL's dialect."""
    cache = tmp_path / "cache"
    load_checked(content_root, cache)
    db = f"sqlite:///{tmp_path / 'start.db'}"
    upgrade(db)  # as `farmskills run` does it: in a child of its own
    script = (
        "import sys\n"
        "import bot.cli.app\n"
        "from bot.app.service import build_service\n"
        "from bot.channels.telegram.app import run_bot\n"
        "from bot.content.check_cache import load_checked\n"
        "from pathlib import Path\n"
        f"cur = load_checked(Path({str(content_root)!r}), Path({str(cache)!r}))\n"
        f"build_service(cur, {db!r}, False)\n"
        "left = ('bot.content.checks', 'jinja2', 'sqlalchemy.dialects.postgresql')\n"
        "print(sorted(m for m in left if m in sys.modules), len(cur.lessons))\n"
    )
    assert last_line_printed_by(script) == f"[] {len(load_curriculum(content_root).lessons)}"


def test_the_matcher_built_in_the_background_loads_jieba_without_pkg_resources(content_root: Path) -> None:
    script = (
        "import sys\n"
        "from bot.app.faq_building import MatcherInTheBackground\n"
        "from bot.content.loader import load_curriculum\n"
        "from pathlib import Path\n"
        f"MatcherInTheBackground(load_curriculum(Path({str(content_root)!r}))).ready()\n"
        "print('jieba' in sys.modules, 'pkg_resources' in sys.modules)\n"
    )
    assert last_line_printed_by(script) == "True False"


def test_the_run_limits_malloc_arenas_where_the_c_library_is_glibc_and_threads_still_allocate() -> None:
    """`farmskills run` asks glibc for two malloc arenas (worker threads then reuse what another
    freed); elsewhere it changes nothing. Threads allocating side by side work the same after it."""
    script = (
        "import platform, threading\n"
        "from bot.malloc import limit_malloc_arenas\n"
        "limited = limit_malloc_arenas()\n"
        "sizes = []\n"
        "grow = lambda: sizes.append(len(bytearray(1 << 20)))\n"
        "workers = [threading.Thread(target=grow) for _ in range(8)]\n"
        "for w in workers: w.start()\n"
        "for w in workers: w.join()\n"
        "print(limited == (platform.libc_ver()[0] == 'glibc'), sizes == [1 << 20] * 8)\n"
    )
    assert last_line_printed_by(script) == "True True"
