"""The FAQ matcher built in a forked child and read back by the bot answers exactly like one built
in the bot itself; when the child cannot deliver it, the bot builds it and still answers."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from bot.app.faq_apart import built_apart
from bot.app.faq_building import MatcherInTheBackground
from bot.content.loader import Curriculum, load_curriculum
from bot.faq.matcher import FaqMatcher

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="built apart only where the system forks")


def every_question_asked(cur: Curriculum) -> list[tuple[str, str]]:
    asked = [(q, "zh") for e in cur.faq.entries for q in e.questions.zh]
    asked += [(q, "en") for e in cur.faq.entries for q in e.questions.en]
    return [*asked, ("押金 能 退吗？？", "zh"), ("kaidian yao sha", "zh"), ("how do i recieve money", "en")]


def test_a_matcher_read_back_from_its_building_child_answers_as_one_built_here(
    content_root: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cur = load_curriculum(content_root)
    stand_in = MatcherInTheBackground(cur, built_apart(cur), start=False)
    with caplog.at_level(logging.WARNING):
        stand_in.ready()
    assert "building it here" not in caplog.text  # it came from the child
    here = FaqMatcher.for_curriculum(cur)
    for text, lang in every_question_asked(cur):
        assert stand_in.match(text, lang) == here.match(text, lang)
        assert np.array_equal(stand_in.entry_scores(text, lang), here.entry_scores(text, lang))
        assert stand_in.content_words(text, lang) == here.content_words(text, lang)
    assert stand_in.ready().bank is cur.faq  # the bot's own bank, pointed at rather than copied


def test_a_child_that_cannot_build_leaves_the_building_to_the_bot(
    content_root: Path, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    cur = load_curriculum(content_root)
    bot_itself = os.getpid()

    def build(c: Curriculum) -> FaqMatcher:
        if os.getpid() != bot_itself:
            raise MemoryError("no room in the child")
        return FaqMatcher.for_curriculum(c)

    with caplog.at_level(logging.WARNING):
        matcher = built_apart(cur, build)(cur)
    question = cur.faq.entries[0].questions.zh[0]
    assert matcher.match(question, "zh") == FaqMatcher.for_curriculum(cur).match(question, "zh")
    assert "building it here" in caplog.text
    assert "no room in the child" in capfd.readouterr().err  # the child said why


def test_a_child_that_goes_silent_is_given_up_and_the_bot_builds_the_matcher(
    content_root: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cur = load_curriculum(content_root)
    bot_itself = os.getpid()

    def build(c: Curriculum) -> FaqMatcher:
        if os.getpid() != bot_itself:
            time.sleep(600)  # stuck, as on a lock it inherited held for ever
        return FaqMatcher.for_curriculum(c)

    with caplog.at_level(logging.WARNING):
        matcher = built_apart(cur, build, wait=0.5)(cur)
    question = cur.faq.entries[0].questions.en[0]
    assert matcher.match(question, "en") == FaqMatcher.for_curriculum(cur).match(question, "en")
    assert "no word from the FAQ matcher's building process" in caplog.text


def children_of(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended while looked at
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def still_running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the child's end is asked of Linux")
def test_a_bot_stopped_during_the_build_takes_its_building_child_with_it(content_root: Path) -> None:
    """A bot stopped (or restarted) seconds after its start does not leave the build running on a
    core beside the bot that replaced it."""
    script = (
        "import os, time\n"
        "from pathlib import Path\n"
        "from bot.app.faq_apart import built_apart\n"
        "from bot.content.loader import load_curriculum\n"
        f"cur = load_curriculum(Path({str(content_root)!r}))\n"
        "built_apart(cur, lambda c: time.sleep(600))\n"
        "print(os.getpid(), flush=True)\n"
        "time.sleep(600)\n"
    )
    bot = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert bot.stdout is not None
        assert int(bot.stdout.readline()) == bot.pid
        deadline = time.monotonic() + 10
        while not (building := children_of(bot.pid)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(building) == 1, "no building child was seen"
    finally:
        bot.send_signal(signal.SIGKILL)
        bot.wait()
    deadline = time.monotonic() + 10
    while still_running(building[0]) and time.monotonic() < deadline:
        time.sleep(0.05)
    outlived = still_running(building[0])
    if outlived:
        os.kill(building[0], signal.SIGKILL)  # not left sleeping after a failed test
    assert not outlived, "the building child outlived the bot"
