"""The learner's data rights: /mydata (everything kept, as a JSON file) and /forget (all of it deleted).

These touch the store directly, so they are a desk of the application layer rather than part of
the pure engine.
"""

from __future__ import annotations

import json
from datetime import datetime

from bot.app.desk import Identity
from bot.core.engine import LessonEngine
from bot.core.messages import Command, Document, Input, Message, Press, Response, keyboard
from bot.core.state import LearnerView, Screen
from bot.store.outbox import OutboxStore
from bot.store.progress import ProgressStore


def wants_data(inp: Input) -> bool:
    return (isinstance(inp, Command) and inp.name == "mydata") or (
        isinstance(inp, Press) and inp.action == "mydata"
    )


class DataRightsDesk:
    def __init__(self, store: ProgressStore, outbox: OutboxStore, engine: LessonEngine) -> None:
        self.store = store
        self.outbox = outbox
        self.engine = engine

    def handle(self, who: Identity, view: LearnerView, inp: Input, now: datetime) -> Response | None:
        engine = self.engine
        if wants_data(inp):
            return self._export(view, now)
        if isinstance(inp, Press) and inp.action == "forget:yes":
            if view.place.screen is not Screen.forget:
                return None  # a stale confirmation: the engine reports it as such
            self.store.forget(view.profile.learner_id)
            self.outbox.forget_user(who.channel, who.user_id)
            lang = view.profile.lang
            again = keyboard(engine.b(lang, "btn_start_again", "welcome"))  # never a dead end
            return Response((Message(engine.t(lang, "forgotten"), again),))
        return None

    def _export(self, view: LearnerView, now: datetime) -> Response:
        engine = self.engine
        lang, lid, t = view.profile.lang, view.profile.learner_id, engine.t
        export = self.store.export(lid)
        learner = export.get("learner", {})
        text = t(
            lang,
            "mydata",
            user=learner.get("external_id", ""),
            name=view.profile.name,
            language="中文" if lang == "zh" else "English",
            cohort=view.profile.cohort or t(lang, "no_cohort"),
            **self.store.counts(lid),
        )
        doc = Document(
            "farmskills-mydata.json",
            json.dumps(export, ensure_ascii=False, indent=1, default=str).encode(),
            "application/json",
        )
        self.store.touch(lid, now)
        kb = keyboard(engine.b(lang, "btn_back_to", "back"), engine.home_button(lang))
        return Response((Message(text, kb, document=doc),))
