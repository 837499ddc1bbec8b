"""LearningService: one input from one learner in, one response out, with progress saved between.

This is the single place where the pure engine meets the store. Channels call `handle` (from a
thread when they are async); the service offers the input to its desks (`bot.app.desk.Desk`) in
order and gives the engine what none of them took. Everything one input does — the learner's new
place and progress, the reply, messages for others, and the "handled" mark of the update it came
in — is one transaction: the reply is written to the outbox with the change it answers, and the
channel's sender delivers it. A crash therefore never keeps a change and loses its reply, nor acts
on one update twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from bot.app.attaching import AttachDesk
from bot.app.certificates import CertificateDesk
from bot.app.channels import staff_channel as find_staff_channel
from bot.app.data_rights import DataRightsDesk
from bot.app.desk import Desk, Identity, LazyDesk
from bot.app.handoff import HandoffDesk
from bot.app.mentoring import MentorDesk
from bot.app.nudges import Nudger
from bot.content.loader import Curriculum
from bot.core.content_change import place_after_change
from bot.core.engine import LessonEngine
from bot.core.messages import Command, Delivery, Input, Press, Response
from bot.core.state import (
    HandoffRequested,
    LearnerView,
    Place,
    ProfileSet,
    Screen,
    TierCompleted,
)
from bot.faq.decision import Matcher
from bot.store.database import make_engine, schema_problem, unit_of_work, upgrade
from bot.store.journal import UpdateJournal
from bot.store.mentors import MentorStore
from bot.store.nudges import NudgeStore
from bot.store.outbox import Addressed, OutboxStore, Owed
from bot.store.progress import ProgressStore, utcnow
from bot.store.questions import QuestionStore
from bot.store.staff import StaffStore
from bot.store.step_media import StepMediaStore

log = logging.getLogger(__name__)


def wants_report(inp: Input) -> bool:
    """Could this input be for the report desk (/report or one of its buttons)? The desk decides;
    anything else never loads it."""
    if isinstance(inp, Command):
        return inp.name == "report"
    return isinstance(inp, Press) and inp.action.startswith("report:")


def media_root(curriculum: Curriculum) -> Path:
    """The folder lesson pictures and voice clips are kept relative to in the outbox."""
    return curriculum.media_path(".")


def language_from_hint(hint: str | None) -> str:
    """Telegram's language_code (e.g. "zh-hans", "en-US") picks the first language; Chinese by default."""
    if hint and hint.lower().startswith("en"):
        return "en"
    return "zh"


@dataclass(frozen=True)
class Wiring:
    """What depends on the content, swapped whole when the content is reloaded: the engine and the
    desks, and `desks` in the order an input is offered to them."""

    curriculum: Curriculum
    engine: LessonEngine
    mentoring: MentorDesk
    handoff: HandoffDesk
    attaching: AttachDesk
    certificates: CertificateDesk
    desks: tuple[Desk, ...]


# The wiring one input is handled with, from start to end, even if a reload happens meanwhile.
_handling: ContextVar[Wiring | None] = ContextVar("farmskills_wiring", default=None)


class LearningService:
    def __init__(
        self,
        curriculum: Curriculum,
        store: ProgressStore,
        faq: Matcher | None = None,
        clock: Callable[[], datetime] = utcnow,
        admins: frozenset[int] = frozenset(),
        staff_channel: str | None = None,
    ) -> None:
        self.store = store
        # Where trainers and admins are reached (their user ids are that channel's): Telegram
        # unless FARMSKILLS_STAFF_CHANNEL names another registered channel.
        self.staff_channel = find_staff_channel(staff_channel)
        self.clock = clock
        self.staff = StaffStore(store.engine, admins)
        self.questions = QuestionStore(store.engine)
        self.outbox = OutboxStore(store.engine, media_root(curriculum))
        self.journal = UpdateJournal(store.engine)
        self.nudges = NudgeStore(store.engine)
        self.step_media = StepMediaStore(store.engine)
        self.nudger = Nudger(store, self.nudges, self.outbox)
        self._wiring = self._wire(curriculum, faq)

    def _wire(self, curriculum: Curriculum, faq: Matcher | None) -> Wiring:
        engine = LessonEngine(curriculum, faq)
        store, staff = self.store, self.staff
        mentoring = MentorDesk(engine, store, staff, MentorStore(store.engine), self.staff_channel)
        handoff = HandoffDesk(engine, self.questions, staff, mentoring)
        attaching = AttachDesk(staff, self.step_media, engine, curriculum)
        certificates = CertificateDesk(engine, curriculum)

        def reports() -> Desk:
            from bot.app.report_desk import ReportDesk

            return ReportDesk(engine, curriculum, store.engine, staff, store.timezone)

        desks: tuple[Desk, ...] = (
            DataRightsDesk(store, self.outbox, engine),
            handoff,
            attaching,
            mentoring,
            LazyDesk(wants_report, reports),
            certificates,
        )
        return Wiring(curriculum, engine, mentoring, handoff, attaching, certificates, desks)

    def swap_content(self, curriculum: Curriculum, faq: Matcher | None) -> None:
        """Serve new content from the next input on (inputs in hand finish with the old one)."""
        wiring = self._wire(curriculum, faq)
        self.outbox.media_root = media_root(curriculum)
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
        wiring = self.wiring
        for desk in wiring.desks:
            response = desk.handle(who, view, inp, now)
            if response is not None:
                return response
        outcome = wiring.engine.handle(view, inp, now)
        self.store.record(view.profile.learner_id, outcome.changes, outcome.place, now)
        response = wiring.attaching.decorate(outcome.response, list(outcome.changes), view.profile.lang)
        earned = [(c.track, c.tier) for c in outcome.changes if isinstance(c, TierCompleted)]
        if earned:
            # The certificate comes before the last message, so the buttons stay at the bottom.
            pictures = wiring.certificates.pictures(view, earned, now)
            shown = response.messages
            invitation = wiring.mentoring.invitation(view, earned, now)
            extra = (invitation,) if invitation else ()
            response = replace(response, messages=(*shown[:-1], *pictures, *shown[-1:], *extra))
        if any(isinstance(c, HandoffRequested) for c in outcome.changes):
            response = replace(response, deliveries=wiring.handoff.hand_off(view))
        return response

    # ----- what the bot says unasked ----------------------------------------------------------

    def due_nudges(
        self, now: datetime | None = None, learner_id: int | None = None, limit: int = 200
    ) -> list[Delivery]:
        """Claim every nudge that is due and owe its message (see `Nudger.owe_due`), with one
        content for the whole pass even if a reload happens meanwhile. Returns what was owed."""
        wiring = self.wiring
        return self.nudger.owe_due(wiring.engine, wiring.mentoring, now or self.clock(), learner_id, limit)

    def any_nudge_due(self, now: datetime | None = None) -> bool:
        """Whether a nudge is due and unclaimed now (a batch that owed nothing may not be the last)."""
        return bool(self.nudges.due(now or self.clock(), self.store.timezone, limit=1))

    def staff_chats(self) -> list[tuple[str, str]]:
        """Every trainer's and admin's user id in the staff channel, with the language they use the bot in."""
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
    faq: Matcher | None = None,
    clock: Callable[[], datetime] = utcnow,
    admins: frozenset[int] = frozenset(),
    timezone: str = "Asia/Shanghai",
    staff_channel: str | None = None,
) -> LearningService:
    """Open the database (bringing its schema up to date) and wire the service over it."""
    if migrate and schema_problem(db_url):
        upgrade(db_url)  # Alembic is loaded only when there is something to do
    lessons = {ls.id: (ls.track, ls.tier) for ls in curriculum.lessons.values()}
    store = ProgressStore(make_engine(db_url), lessons, timezone)
    return LearningService(curriculum, store, faq, clock, admins, staff_channel=staff_channel)
