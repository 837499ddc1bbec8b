"""ContentReloader: new lessons while the bot runs, only when the whole new content is valid.

A trainer fixes a lesson and the running bot picks it up (on SIGHUP, or by watching the folders):
the content is read and checked in full; if it has any error, the bot keeps serving what it had and
tells the administrators what is wrong, in their language, file and line; if it is valid, the FAQ
index is rebuilt and the service swaps to it between two inputs. Learners in a lesson that changed
land on the same step, the lesson's start, or Home (`place_after_change`).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from bot.app.service import LearningService
from bot.content.explain import describe
from bot.content.loader import check_content
from bot.content.problems import Problem
from bot.core.messages import Message
from bot.store.outbox import Addressed

log = logging.getLogger(__name__)

SHOWN_PROBLEMS = 5  # in a chat message: the first few, and how many more


@dataclass(frozen=True)
class Reloaded:
    ok: bool
    lessons: int
    errors: tuple[Problem, ...] = ()


class ContentReloader:
    def __init__(self, service: LearningService, root: Path) -> None:
        self.service = service
        self.root = root
        self._busy = threading.Lock()

    def reload(self) -> Reloaded:
        """Read, check and (when valid) serve the content under `root`; tell the admins either way.
        Synchronous and slow (a second or two): run it in a thread."""
        with self._busy:  # two signals in a row: one reload after the other, never interleaved
            loaded = check_content(self.root)
            if loaded.content is None:
                errors = tuple(loaded.errors)
                log.error("content not reloaded: %d error(s); still serving the old content", len(errors))
                for problem in errors:
                    log.error("  %s", describe(problem, "en"))
                self._tell_admins("reload_refused", errors)
                return Reloaded(False, len(self.service.curriculum.lessons), errors)
            from bot.faq.matcher import FaqMatcher

            faq = FaqMatcher.for_curriculum(loaded.content)
            self.service.swap_content(loaded.content, faq)
            count = len(loaded.content.lessons)
            log.info("content reloaded: %d lessons", count)
            self._tell_admins("reload_done", ())
            return Reloaded(True, count)

    def _tell_admins(self, key: str, errors: tuple[Problem, ...]) -> None:
        service = self.service
        t = service.engine.t
        owed = []
        for admin in service.staff.admins():
            lang = service.mentoring.staff_lang(admin)
            shown = "\n".join(f"• {describe(p, lang)}" for p in errors[:SHOWN_PROBLEMS])
            more = len(errors) - SHOWN_PROBLEMS
            if more > 0:
                shown += "\n" + t(lang, "reload_more", count=more)
            text = t(lang, key, lessons=len(service.curriculum.lessons), count=len(errors), problems=shown)
            owed.append(Addressed(service.staff_channel, admin, Message(text)))
        service.outbox.put(owed, service.clock())
