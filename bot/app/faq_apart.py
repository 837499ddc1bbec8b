"""The FAQ matcher built in a forked child and sent back pickled, so the bot keeps only the index.

Building the matcher segments and indexes every FAQ entry: it leaves behind, besides the index,
the memory its passing lists and strings were carved from (freed, but scattered among what stays),
and a cache of every word's pinyin. Measured in one process, building it took 27 MB and reading
it back from a child 12 MB; `farmskills run`'s peak went from 148 to 138 MB idle and from 152 to
140 MB under the handler benchmark with 100,000 learners. The child also works on another core,
so the bot's start and its first taps do not share the interpreter with the build.

`built_apart` forks at once (call it before any thread starts: a child forked from a threaded
process may find a lock held forever) and returns the function `MatcherInTheBackground` calls in
its thread: it reads what the child wrote. Where the system cannot fork, or the child failed, the
matcher is built in that thread as before; the bot answers the same either way.
"""

from __future__ import annotations

import io
import logging
import os
import pickle
import select
import signal
import sys
import traceback
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bot.content.loader import Curriculum

if TYPE_CHECKING:
    from jieba import Tokenizer

    from bot.faq.matcher import FaqMatcher

log = logging.getLogger(__name__)
_BANK = "the curriculum's FAQ bank"  # the bank is the bot's already: not copied, pointed at
# The build takes a few seconds; a child silent for this long is stuck (a lock it inherited held
# for ever, say) and is given up for a build in the bot.
SILENT_CHILD_SECONDS = 90.0


def _for_curriculum(curriculum: Curriculum) -> FaqMatcher:
    from bot.faq.matcher import FaqMatcher

    return FaqMatcher.for_curriculum(curriculum)


def _tokenizer(freq: Any, total: int) -> Tokenizer:
    """A jieba tokenizer over the words it was sent with (jieba's own holds a lock: not picklable)."""
    from bot.faq.text import _jieba

    tokenizer = _jieba().Tokenizer()
    tokenizer.FREQ, tokenizer.total, tokenizer.initialized = freq, total, True
    return tokenizer


class _Writer(pickle.Pickler):
    def __init__(self, file: io.BufferedWriter, bank: object) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.bank = bank
        from bot.faq.text import _jieba

        self.tokenizer_type = _jieba().Tokenizer

    def persistent_id(self, obj: object) -> str | None:
        return _BANK if obj is self.bank else None

    def reducer_override(self, obj: object) -> Any:
        if type(obj) is self.tokenizer_type:
            return _tokenizer, (obj.FREQ, obj.total)  # type: ignore[attr-defined]
        return NotImplemented


class _Reader(pickle.Unpickler):
    def __init__(self, file: io.BufferedReader, bank: object) -> None:
        super().__init__(file)
        self.bank = bank

    def persistent_load(self, pid: object) -> object:
        if pid != _BANK:
            raise pickle.UnpicklingError(f"unknown reference {pid!r}")
        return self.bank


def built_apart(
    curriculum: Curriculum,
    build: Callable[[Curriculum], FaqMatcher] = _for_curriculum,
    wait: float = SILENT_CHILD_SECONDS,
) -> Callable[[Curriculum], FaqMatcher]:
    """Start building the matcher in a forked child now; the function returned reads it back
    (or, where the child could not deliver it, builds it in the caller's thread)."""
    if not hasattr(os, "fork"):
        return build
    read_end, write_end = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # the child: never returns into the caller's code
        os.close(read_end)
        _die_with(parent)
        _build_and_send(curriculum, build, write_end)
    os.close(write_end)

    def receive(cur: Curriculum) -> FaqMatcher:
        try:
            with os.fdopen(read_end, "rb") as pipe:
                if not select.select([pipe], [], [], wait)[0]:
                    os.kill(pid, signal.SIGKILL)
                    raise TimeoutError(f"no word from the FAQ matcher's building process in {wait:g} s")
                matcher: FaqMatcher = _Reader(pipe, cur.faq).load()
            return matcher
        except Exception:  # an EOF or a half-written pickle: the child said why on stderr
            log.warning(
                "the FAQ matcher did not come from its building process; building it here", exc_info=True
            )
            return build(cur)
        finally:
            os.waitpid(pid, 0)

    return receive


def _die_with(parent: int) -> None:
    """Ask Linux to end this child when the bot ends: a bot stopped or restarted within seconds of
    its start would otherwise leave the build running on a core for nothing (only to fail writing
    to a closed pipe), beside the bot that replaced it. Elsewhere the child ends at that write."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    pr_set_pdeathsig = 1
    try:
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the bot ended before the request was made
        os._exit(0)


def _build_and_send(curriculum: Curriculum, build: Callable[[Curriculum], FaqMatcher], fd: int) -> None:
    code = 0
    try:
        matcher = build(curriculum)
        with os.fdopen(fd, "wb") as pipe:
            _Writer(pipe, curriculum.faq).dump(matcher)
    except BaseException:
        traceback.print_exc()
        code = 1
    finally:
        sys.stderr.flush()
        os._exit(code)
