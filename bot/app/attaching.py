"""AttachDesk: trainers give a lesson step a photo or a voice note straight from their phone.

`/attach LESSON STEP` (a trainer or an admin), then a photo or a voice note: learners who reach that
step get the picture with the step, and the voice note just before it — for learners who read with
difficulty. `/attach LESSON STEP remove` takes them off again. Steps are counted from 1, as
trainers count them in a preview.
"""

from __future__ import annotations

import difflib
from dataclasses import replace
from datetime import datetime

from bot.app.desk import Identity
from bot.content.loader import Curriculum
from bot.core.engine import LessonEngine
from bot.core.messages import Button, Command, Input, Media, Message, Press, Response, keyboard
from bot.core.state import LearnerView, StepShown
from bot.store.staff import StaffStore
from bot.store.step_media import StepMediaStore

REMOVE_WORDS = {"remove", "off", "删除", "去掉"}
SHOWN_ACTIONS = {"open", "next", "back", "repeat"}  # a step appears on screen


class AttachDesk:
    def __init__(
        self, staff: StaffStore, media: StepMediaStore, engine: LessonEngine, curriculum: Curriculum
    ) -> None:
        self.staff = staff
        self.media = media
        self.engine = engine
        self.curriculum = curriculum

    def handle(self, who: Identity, view: LearnerView, inp: Input, now: datetime) -> Response | None:
        """None for every input that is not about attaching."""
        channel, user = who.channel, who.user_id
        engine, curriculum = self.engine, self.curriculum
        lang = view.profile.lang
        home = engine.home_button(lang)

        def say(key: str, *buttons: Button, **values: object) -> Response:
            return Response((Message(engine.t(lang, key, **values), keyboard(*buttons, home)),))

        if isinstance(inp, Press) and inp.action == "attach:cancel":
            self.media.drop(user)
            return say("attach_cancelled")
        if isinstance(inp, Media) and inp.kind in ("photo", "voice") and inp.file_id:
            draft = self.media.draft_of(user)
            if draft is None:
                return None
            lesson_id, step = draft
            self.media.attach(lesson_id, step, inp.kind, f"{channel}:{inp.file_id}", user, now)
            self.media.drop(user)
            title = (
                curriculum.lessons[lesson_id].title.get(lang)
                if lesson_id in curriculum.lessons
                else lesson_id
            )
            return say(f"attach_done_{inp.kind}", step=step + 1, title=title)
        if not (isinstance(inp, Command) and inp.name == "attach"):
            return None
        if self.staff.role_of(user) not in ("admin", "trainer"):
            return say("attach_not_staff")
        parts = inp.arg.split()
        if len(parts) < 2:
            return say("attach_usage")
        lesson = curriculum.lessons.get(parts[0])
        if lesson is None:
            close = difflib.get_close_matches(parts[0], list(curriculum.lessons), n=1)
            return say("attach_unknown_lesson", lesson=parts[0], guess=close[0] if close else "—")
        if not parts[1].isdecimal() or not 1 <= int(parts[1]) <= len(lesson.steps):
            return say("attach_bad_step", count=len(lesson.steps))
        step = int(parts[1]) - 1
        title = lesson.title.get(lang)
        if len(parts) > 2 and parts[2].lower() in REMOVE_WORDS:
            self.media.detach(lesson.id, step)
            return say("attach_removed", step=step + 1, title=title)
        self.media.start(user, lesson.id, step, now)
        cancel = Button(engine.t(lang, "btn_cancel"), "attach:cancel")
        return say("attach_prompt", cancel, step=step + 1, title=title)

    def decorate(self, response: Response, changes: list[object], lang: str) -> Response:
        """A step that was just shown gets what trainers attached to it: the picture on the step's
        message, the voice note just before it (so the buttons stay at the bottom)."""
        shown = [c for c in changes if isinstance(c, StepShown) and c.action in SHOWN_ACTIONS]
        if not shown or not response.messages:
            return response
        media = self.media.media(shown[-1].lesson, shown[-1].step)
        if not media:
            return response
        *before, step_message = response.messages
        if "photo" in media and step_message.image is None:
            step_message = replace(step_message, image_ref=media["photo"])
        extra = []
        if "voice" in media:
            extra.append(Message(self.engine.t(lang, "voice_caption"), voice_ref=media["voice"]))
        return replace(response, messages=(*before, *extra, step_message))
