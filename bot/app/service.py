"""LearningService: one input from one learner in, one response out, with progress saved between.

This is the single place where the pure engine meets the store. Channels call `handle` (from a
thread when they are async). Everything one input does — the learner's new place and progress, the
reply, messages for others, and the "handled" mark of the update it came in — is one transaction:
the reply is written to the outbox with the change it answers, and the channel's sender delivers
it. A crash therefore never keeps a change and loses its reply, nor acts on one update twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from bot.app.attaching import AttachDesk
from bot.app.certificates import CertificateDesk
from bot.app.data_rights import DataRightsDesk
from bot.app.mentoring import MentorDesk
from bot.content.loader import Curriculum
from bot.core.content_change import place_after_change
from bot.core.engine import LessonEngine
from bot.core.messages import (
    Button,
    Command,
    Delivery,
    Input,
    Message,
    Press,
    Response,
    Say,
    keyboard,
)
from bot.core.state import (
    HandoffRequested,
    LearnerView,
    Place,
    ProfileSet,
    RemindersSet,
    Screen,
    TierCompleted,
)
from bot.faq.matcher import FaqMatcher
from bot.store.database import make_engine, unit_of_work, upgrade
from bot.store.journal import UpdateJournal
from bot.store.mentors import MentorStore
from bot.store.nudges import DueNudge, NudgeStore
from bot.store.outbox import SCHEDULED, Addressed, OutboxStore, Owed
from bot.store.progress import ProgressStore, utcnow
from bot.store.questions import QuestionStore
from bot.store.staff import StaffStore
from bot.store.step_media import StepMediaStore

if TYPE_CHECKING:  # the report desk brings matplotlib and numpy: imported at the first /report
    from bot.app.report_desk import ReportDesk


@dataclass(frozen=True)
class Identity:
    """Who is talking, as the channel knows them."""

    channel: str
    user_id: str
    display_name: str = ""
    lang_hint: str | None = None


log = logging.getLogger(__name__)

IGNORED_BEFORE_PAUSE = 3
NUDGES_PER_TRANSACTION = 50  # claimed and owed together: a crash loses none, a wave costs few commits


def wants_report(inp: Input) -> bool:
    """Could this input be for the report desk (/report or one of its buttons)? The desk decides;
    anything else never loads it."""
    if isinstance(inp, Command):
        return inp.name == "report"
    return isinstance(inp, Press) and inp.action.startswith("report:")


def language_from_hint(hint: str | None) -> str:
    """Telegram's language_code (e.g. "zh-hans", "en-US") picks the first language; Chinese by default."""
    if hint and hint.lower().startswith("en"):
        return "en"
    return "zh"


@dataclass(frozen=True)
class Wiring:
    """What depends on the content, swapped whole when the content is reloaded."""

    curriculum: Curriculum
    engine: LessonEngine
    mentoring: MentorDesk
    # The report desk brings matplotlib, numpy and Pillow: made at the first /report, so a bot
    # that is never asked for a report never holds them in memory.
    _reports: list[ReportDesk] = field(default_factory=list)

    def reports(self, store: ProgressStore, staff: StaffStore) -> ReportDesk:
        if not self._reports:
            from bot.app.report_desk import ReportDesk

            desk = ReportDesk(self.engine, self.curriculum, store.engine, staff, store.timezone)
            self._reports.append(desk)
        return self._reports[0]


# The wiring one input is handled with, from start to end, even if a reload happens meanwhile.
_handling: ContextVar[Wiring | None] = ContextVar("farmskills_wiring", default=None)


class LearningService:
    def __init__(
        self,
        curriculum: Curriculum,
        store: ProgressStore,
        faq: FaqMatcher | None = None,
        clock: Callable[[], datetime] = utcnow,
        admins: frozenset[int] = frozenset(),
        certificates_dir: Path | None = None,
    ) -> None:
        self.store = store
        self.clock = clock
        self.staff = StaffStore(store.engine, admins)
        self.questions = QuestionStore(store.engine)
        self.outbox = OutboxStore(store.engine)
        self.journal = UpdateJournal(store.engine)
        self.nudges = NudgeStore(store.engine)
        self.attaching = AttachDesk(self.staff, StepMediaStore(store.engine))
        self._wiring = self._wire(curriculum, faq)
        self.certificates = CertificateDesk(certificates_dir)
        self.data_rights = DataRightsDesk(store, self.outbox)

    def _wire(self, curriculum: Curriculum, faq: FaqMatcher | None) -> Wiring:
        engine = LessonEngine(curriculum, faq)
        mentoring = MentorDesk(engine, self.store, self.staff, MentorStore(self.store.engine))
        return Wiring(curriculum, engine, mentoring)

    def swap_content(self, curriculum: Curriculum, faq: FaqMatcher | None) -> None:
        """Serve new content from the next input on (inputs in hand finish with the old one)."""
        wiring = self._wire(curriculum, faq)
        self.store.lessons = {ls.id: (ls.track, ls.tier) for ls in curriculum.lessons.values()}
        self._wiring = wiring

    @property
    def wiring(self) -> Wiring:
        return _handling.get() or self._wiring

    @property
    def curriculum(self) -> Curriculum:
        return self.wiring.curriculum

    @property
    def engine(self) -> LessonEngine:
        return self.wiring.engine

    @property
    def mentoring(self) -> MentorDesk:
        return self.wiring.mentoring

    @property
    def reports(self) -> ReportDesk:
        return self.wiring.reports(self.store, self.staff)

    def load(self, who: Identity, now: datetime) -> LearnerView:
        view = self.store.load(
            who.channel,
            who.user_id,
            lang=language_from_hint(who.lang_hint),
            name=who.display_name.strip(),
            now=now,
        )
        # The lessons may have changed since this learner was last here (a trainer's fix).
        place = place_after_change(view.place, self.curriculum)
        return view if place == view.place else replace(view, place=place)

    def handle(
        self, who: Identity, inp: Input, now: datetime | None = None, update_id: int | None = None
    ) -> Response:
        """Answer one input. The changes, the reply (to the outbox, for `who` and for anyone the
        response addresses) and the update's handled mark commit together. An update id that was
        handled before gets an empty response: its reply went out the first time."""
        return self.handle_and_claim(who, inp, now, update_id)[0]

    def handle_and_claim(
        self,
        who: Identity,
        inp: Input,
        now: datetime | None = None,
        update_id: int | None = None,
        sender: str | None = None,
    ) -> tuple[Response, list[Owed]]:
        """`handle`, and with `sender` the channel's owed rows are written already held by that
        sender and returned, so it sends them at once without reading the outbox back."""
        now = now or self.clock()
        token = _handling.set(self._wiring)
        try:
            with unit_of_work(self.store.engine):
                if update_id is not None and not self.journal.claim(who.channel, update_id, now):
                    return Response(), []
                response = self._respond(who, inp, now)
                claim = (who.channel, sender) if sender else None
                owed = self.outbox.put(self._addressed(who, response), now, claim=claim)
            return response, owed
        finally:
            _handling.reset(token)

    def _addressed(self, who: Identity, response: Response) -> list[Addressed]:
        mine = [Addressed(who.channel, who.user_id, m) for m in response.messages]
        others = [Addressed(d.channel, d.user_id, d.message) for d in response.deliveries]
        return mine + others

    def _respond(self, who: Identity, inp: Input, now: datetime) -> Response:
        view = self.load(who, now)
        special = (
            self.data_rights.handle((who.channel, who.user_id), view, inp, now, self.engine)
            or self._answering(who, view, inp, now)
            or self.attaching.handle((who.channel, who.user_id), view, inp, now, self.engine, self.curriculum)
            or self.mentoring.handle(who.user_id, view, inp, now)
            or (self.reports.handle(who.user_id, view, inp, now) if wants_report(inp) else None)
        )
        if special is not None:
            return special
        if isinstance(inp, Press) and inp.action == "cert":
            tiers = self.engine.completed_tiers(view)
            return Response(tuple(self.certificates.pictures(self.engine, self.curriculum, view, tiers, now)))
        outcome = self.engine.handle(view, inp, now)
        self.store.record(view.profile.learner_id, outcome.changes, outcome.place, now)
        response = self.attaching.decorate(
            outcome.response, list(outcome.changes), view.profile.lang, self.engine
        )
        earned = [(c.track, c.tier) for c in outcome.changes if isinstance(c, TierCompleted)]
        if earned:
            # The certificate comes before the last message, so the buttons stay at the bottom.
            pictures = self.certificates.pictures(self.engine, self.curriculum, view, earned, now)
            shown = response.messages
            invitation = self.mentoring.invitation(view, earned, now)
            extra = (invitation,) if invitation else ()
            response = replace(response, messages=(*shown[:-1], *pictures, *shown[-1:], *extra))
        if any(isinstance(c, HandoffRequested) for c in outcome.changes):
            response = replace(response, deliveries=self._hand_off(view))
        return response

    # ----- what the bot says unasked ----------------------------------------------------------

    def due_nudges(
        self, now: datetime | None = None, learner_id: int | None = None, limit: int = 200
    ) -> list[Delivery]:
        """Claim every nudge that is due (never at the learner's night) and owe its message, each in
        one transaction with its claim, so a crash never loses a claimed nudge; channels' senders
        deliver them. Returns what was owed."""
        now = now or self.clock()
        self.nudges.plan_reminders(now, self.store.timezone)
        self.mentoring.mentors.plan_summaries(now, self.store.timezone)
        deliveries: list[Delivery] = []
        due = self.nudges.due(now, self.store.timezone, learner_id, limit=limit)
        for start in range(0, len(due), NUDGES_PER_TRANSACTION):
            with unit_of_work(self.store.engine):
                for nudge in due[start : start + NUDGES_PER_TRANSACTION]:
                    if not self.nudges.claim(nudge.id, now):
                        continue  # another bot process owes it already
                    owed = self._nudge_messages(nudge, now)
                    addressed = [Addressed(d.channel, d.user_id, d.message) for d in owed]
                    self.outbox.put(addressed, now, priority=SCHEDULED)
                    deliveries.extend(owed)
        return deliveries

    def _nudge_messages(self, due: DueNudge, now: datetime) -> list[Delivery]:
        learner = due.learner
        if due.kind == "reminder":
            return self._reminder(due, now)
        if due.kind == "summary":
            summary = self.mentoring.weekly_summary(learner, now)
            return [Delivery(learner.channel, learner.external_id, summary)] if summary else []
        lesson = self.curriculum.lessons.get(due.lesson_id or "")
        if due.kind != "follow_up" or lesson is None or lesson.practice.follow_up is None:
            return []  # nothing to say any more (the lesson was removed)
        message = self.engine.practice.follow_up_message(learner.lang, learner.name, lesson)
        return [Delivery(learner.channel, learner.external_id, message)]

    def _reminder(self, due: DueNudge, now: datetime) -> list[Delivery]:
        """Today's nudge: what is next, one button. After three ignored in a row, pause and say so."""
        learner = due.learner
        t = self.engine.t
        if self.nudges.ignored_in_a_row(learner, due.id) >= IGNORED_BEFORE_PAUSE:
            assert learner.id is not None
            view = self.store.view(learner)
            self.store.record(learner.id, [RemindersSet(on=False)], view.place, learner.last_active_at)
            return [
                Delivery(learner.channel, learner.external_id, Message(t(learner.lang, "reminders_paused")))
            ]
        view = self.store.view(learner)
        target = self.engine.continue_target(view)
        if target is None:
            return []  # nothing left to learn: no nudge
        title = self.engine.rendered(view, target[0]).title
        text = t(learner.lang, "reminder", name=learner.name, title=title)
        button = self.engine.b(learner.lang, "btn_continue", "continue")
        return [Delivery(learner.channel, learner.external_id, Message(text, keyboard(button)))]

    # ----- questions handed to a person ------------------------------------------------------

    def _hand_off(self, view: LearnerView) -> tuple[Delivery, ...]:
        """The learner's latest question, to their cohort's trainer (or the admins) and mentors."""
        question = self.questions.latest(view.profile.learner_id)
        if question is None or question.id is None:
            return ()
        t = self.engine.t
        cohort = self.staff.cohort(view.profile.cohort)
        deliveries = []
        for person in self.mentoring.question_recipients(view):
            lang = person.lang
            group = (cohort.name if cohort and cohort.name else view.profile.cohort) or t(lang, "no_cohort")
            text = t(lang, "staff_question", name=view.profile.name or "?", cohort=group, text=question.text)
            reply = Button(t(lang, "btn_reply"), f"reply:{question.id}")
            deliveries.append(Delivery(person.channel, person.user_id, Message(text, keyboard(reply))))
        return tuple(deliveries)

    def _answering(self, who: Identity, view: LearnerView, inp: Input, now: datetime) -> Response | None:
        """A trainer's Reply button, and the answer they type after it."""
        t, lang, user = self.engine.t, view.profile.lang, who.user_id
        if isinstance(inp, Press) and inp.action.startswith("reply:"):
            target = inp.action.removeprefix("reply:")
            if target == "cancel":
                self.questions.drop_draft(user)
                return Response((Message(t(lang, "staff_reply_cancelled")),))
            asked = self.questions.asked(int(target)) if target.isdecimal() else None
            if asked is None:
                return None  # gone (the learner used /forget) or forged: the engine calls it stale
            if not self.mentoring.may_answer(user, view, asked.learner.cohort):
                return Response((Message(t(lang, "staff_not_yours")),))
            if asked.question.answer:
                return Response((Message(t(lang, "staff_already_answered", answer=asked.question.answer)),))
            self.questions.start_reply(user, int(target), now)
            name = asked.learner.name or "?"
            cancel = Button(t(lang, "btn_cancel"), "reply:cancel")
            prompt = t(lang, "staff_reply_prompt", name=name, text=asked.question.text)
            return Response((Message(prompt, keyboard(cancel)),))
        if not isinstance(inp, Say) or not inp.text.strip():
            return None
        question_id = self.questions.draft_of(user)
        if question_id is None:
            return None
        answered = self.questions.answer(question_id, user, inp.text.strip()[:2000], now)
        if answered is None:
            return Response((Message(t(lang, "staff_reply_cancelled")),))
        learner, question = answered.learner, answered.question
        to_learner = Message(
            t(learner.lang, "learner_got_reply", question=question.text, answer=question.answer),
            keyboard(self.engine.home_button(learner.lang)),
        )
        sent = Message(t(lang, "staff_reply_sent", name=learner.name or "?"))
        return Response((sent,), deliveries=(Delivery(learner.channel, learner.external_id, to_learner),))

    def staff_chats(self) -> list[tuple[str, str]]:
        """Every trainer's and admin's Telegram user id, with the language they use the bot in."""
        ids = {user_id for user_id, _, _ in self.staff.roles()}
        ids |= {c.trainer_id for c in self.staff.cohorts() if c.trainer_id}
        return [
            (user_id, self.mentoring.staff_lang(user_id)) for user_id in sorted(ids) if user_id.isdecimal()
        ]

    def set_language(self, who: Identity, lang: str) -> None:
        now = self.clock()
        view = self.load(who, now)
        if view.profile.lang != lang:
            self.store.record(view.profile.learner_id, [ProfileSet(lang=lang)], view.place, now)

    def reset_place(self, who: Identity) -> None:
        now = self.clock()
        view = self.load(who, now)
        self.store.record(view.profile.learner_id, [], Place(screen=Screen.menu), now)


def build_service(
    curriculum: Curriculum,
    db_url: str | None = None,
    migrate: bool = True,
    faq: FaqMatcher | None = None,
    clock: Callable[[], datetime] = utcnow,
    admins: frozenset[int] = frozenset(),
    timezone: str = "Asia/Shanghai",
) -> LearningService:
    """Open the database (bringing its schema up to date) and wire the service over it."""
    if migrate:
        upgrade(db_url)
    lessons = {ls.id: (ls.track, ls.tier) for ls in curriculum.lessons.values()}
    store = ProgressStore(make_engine(db_url), lessons, timezone)
    return LearningService(curriculum, store, faq, clock, admins)
