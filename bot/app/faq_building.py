"""The FAQ matcher, built in the background: the bot answers its first learners while it builds.

Building the matcher (segmenting and indexing every FAQ entry in both languages) takes seconds; a
bot that waited for it would answer its first tap seconds late, though a tap never needs it.
`MatcherInTheBackground` builds it in a thread and stands in for the matcher at once: its bank is
there from the start, and a question typed before the build is done waits for it. `farmskills run`
starts the build once the bot is receiving, so it does not slow the start-up itself.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bot.content.loader import Curriculum
from bot.faq.decision import Match, Scored

if TYPE_CHECKING:
    import numpy as np

    from bot.faq.matcher import FaqMatcher, Reading

log = logging.getLogger(__name__)
_OWN = frozenset({"_done", "_built", "_failure", "_thread", "_starting"})


def _for_curriculum(curriculum: Curriculum) -> FaqMatcher:
    # Imported here, in the building thread: numpy, jieba and pypinyin are not the start's to load.
    from bot.faq.matcher import FaqMatcher

    return FaqMatcher.for_curriculum(curriculum)


class MatcherInTheBackground:
    """Stands in for a `FaqMatcher` whose index is built in a thread; all but the bank waits for it."""

    def __init__(
        self,
        curriculum: Curriculum,
        build: Callable[[Curriculum], FaqMatcher] = _for_curriculum,
        start: bool = True,
    ) -> None:
        self.bank = curriculum.faq
        self._done = threading.Event()
        self._built: FaqMatcher | None = None
        self._failure: BaseException | None = None
        self._thread = threading.Thread(
            target=self._build_in_thread, args=(curriculum, build), name="faq-matcher", daemon=True
        )
        self._starting = threading.Lock()
        if start:
            self.start()

    def start(self) -> None:
        """Start the build (once; later calls do nothing). A bot starts it once it is receiving, so
        the build does not compete with its start-up; a question asked before that starts it too."""
        with self._starting:
            if self._thread.ident is None:
                self._thread.start()

    def _build_in_thread(self, curriculum: Curriculum, build: Callable[[Curriculum], FaqMatcher]) -> None:
        try:
            self._built = build(curriculum)
        except BaseException as exc:  # kept, and raised to whoever asks a question
            log.exception("the FAQ matcher could not be built")
            self._failure = exc
        finally:
            self._done.set()

    def ready(self, timeout: float | None = None) -> FaqMatcher:
        """The built matcher, waiting for the build if it is still going."""
        self.start()
        if not self._done.wait(timeout):
            raise TimeoutError("the FAQ matcher is still being built")
        if self._built is None:
            raise RuntimeError("the FAQ matcher could not be built") from self._failure
        return self._built

    def match(self, text: str, lang: str) -> Match:
        return self.ready().match(text, lang)

    def read(self, text: str, lang: str, top: int = 4) -> Reading:
        return self.ready().read(text, lang, top)

    def ranked(self, text: str, lang: str, top: int = 4) -> tuple[str, list[Scored]]:
        return self.ready().ranked(text, lang, top)

    def entry_scores(self, text: str, lang: str) -> np.ndarray:
        return self.ready().entry_scores(text, lang)

    def content_words(self, text: str, lang: str) -> list[str]:
        return self.ready().content_words(text, lang)

    def __getattr__(self, name: str) -> Any:
        # Only for what this object lacks (the index, the settings…): the built matcher's own.
        if name in _OWN:  # not set yet: never wait for the build to find them
            raise AttributeError(name)
        return getattr(self.ready(), name)
