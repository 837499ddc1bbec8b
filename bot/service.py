"""LearningService: one input from one learner in, one response out, with progress saved between.

This is the single place where the pure engine meets the store. Channels call `handle` (from a
thread when they are async); it commits every change before returning the reply to send.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.content.loader import Curriculum
from bot.core.engine import LessonEngine, QuestionHook
from bot.core.messages import Command, Document, Input, Message, Press, Response, keyboard
from bot.core.state import LearnerView, Place, ProfileSet, Screen
from bot.store.database import make_engine, upgrade
from bot.store.progress import ProgressStore, utcnow


@dataclass(frozen=True)
class Identity:
    """Who is talking, as the channel knows them."""

    channel: str
    user_id: str
    display_name: str = ""
    lang_hint: str | None = None


def language_from_hint(hint: str | None) -> str:
    """Telegram's language_code (e.g. "zh-hans", "en-US") picks the first language; Chinese by default."""
    if hint and hint.lower().startswith("en"):
        return "en"
    return "zh"


class LearningService:
    def __init__(
        self,
        curriculum: Curriculum,
        store: ProgressStore,
        on_question: QuestionHook | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.curriculum = curriculum
        self.store = store
        self.engine = LessonEngine(curriculum, on_question)
        self.clock = clock

    def load(self, who: Identity, now: datetime) -> LearnerView:
        learner, created = self.store.find_or_create(
            who.channel,
            who.user_id,
            lang=language_from_hint(who.lang_hint),
            name=who.display_name.strip(),
            now=now,
        )
        return self.store.view(learner, is_new=created)

    def handle(self, who: Identity, inp: Input, now: datetime | None = None) -> Response:
        now = now or self.clock()
        view = self.load(who, now)
        special = self._privacy(view, inp, now)
        if special is not None:
            return special
        outcome = self.engine.handle(view, inp, now)
        self.store.record(view.profile.learner_id, outcome.changes, outcome.place, now)
        return outcome.response

    def set_language(self, who: Identity, lang: str) -> None:
        now = self.clock()
        view = self.load(who, now)
        if view.profile.lang != lang:
            self.store.record(view.profile.learner_id, [ProfileSet(lang=lang)], view.place, now)

    # /mydata and /forget touch the store directly, so they live here rather than in the engine.
    def _privacy(self, view: LearnerView, inp: Input, now: datetime) -> Response | None:
        t = self.engine.t
        lang = view.profile.lang
        lid = view.profile.learner_id
        wants_data = (isinstance(inp, Command) and inp.name == "mydata") or (
            isinstance(inp, Press) and inp.action == "mydata"
        )
        if wants_data:
            export = self.store.export(lid)
            counts = self.store.counts(lid)
            learner = export.get("learner", {})
            text = t(
                lang,
                "mydata",
                user=learner.get("external_id", ""),
                name=view.profile.name,
                language="中文" if lang == "zh" else "English",
                cohort=view.profile.cohort or t(lang, "no_cohort"),
                **counts,
            )
            doc = Document(
                "farmskills-mydata.json",
                json.dumps(export, ensure_ascii=False, indent=1, default=str).encode(),
                "application/json",
            )
            self.store.touch(lid, now)
            kb = keyboard(self.engine.b(lang, "btn_back_to", "back"), self.engine.home_button(lang))
            return Response((Message(text, kb, document=doc),))
        if isinstance(inp, Press) and inp.action == "forget:yes":
            if view.place.screen is not Screen.forget:
                return None  # a stale confirmation: the engine reports it as such
            self.store.forget(lid)
            return Response((Message(t(lang, "forgotten")),))
        return None

    def reset_place(self, who: Identity) -> None:
        now = self.clock()
        view = self.load(who, now)
        self.store.record(view.profile.learner_id, [], Place(screen=Screen.menu), now)


def build_service(
    curriculum: Curriculum,
    db_url: str | None = None,
    migrate: bool = True,
    on_question: QuestionHook | None = None,
    clock: Callable[[], datetime] = utcnow,
) -> LearningService:
    """Open the database (bringing its schema up to date) and wire the service over it."""
    if migrate:
        upgrade(db_url)
    lessons = {ls.id: (ls.track, ls.tier) for ls in curriculum.lessons.values()}
    store = ProgressStore(make_engine(db_url), lessons)
    return LearningService(curriculum, store, on_question, clock)
