"""What makes `farmskills run` start fast keeps its promises: content found clean is remembered only
for those very files, and the FAQ matcher built in the background answers as the matcher does."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from bot.app.faq_building import MatcherInTheBackground
from bot.content.check_cache import load_checked
from bot.content.loader import Curriculum, load_curriculum
from bot.content.problems import ContentError
from bot.faq.matcher import FaqMatcher
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
