"""MentorDesk: local digital mentors, from invitation to weekly summary.

A learner in a cohort who finishes every advanced lesson of a track is invited to help their
village; if they say yes, the cohort's trainer (or an admin) confirms; a confirmed mentor then
receives the cohort's questions the bot could not answer, and every Monday one message with the
cohort's week in numbers (no names). It speaks to several people, so it works beside the store
rather than inside the pure lesson engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from bot.app.desk import Identity
from bot.content.loader import Curriculum
from bot.content.models import Tier
from bot.core.engine import LessonEngine
from bot.core.messages import Button, Command, Delivery, Input, Message, Press, Response, keyboard
from bot.core.schedule import local
from bot.core.state import LearnerView
from bot.store.mentors import CONFIRMED, DECLINED, INVITED, NOT_NOW, OFFERED, MentorStore
from bot.store.progress import ProgressStore
from bot.store.staff import StaffStore
from bot.store.tables import Learner


@dataclass(frozen=True)
class Recipient:
    """Someone a learner's question can go to."""

    channel: str
    user_id: str
    lang: str


class MentorDesk:
    def __init__(
        self,
        engine: LessonEngine,
        store: ProgressStore,
        staff: StaffStore,
        mentors: MentorStore,
        staff_channel: str,
    ) -> None:
        self.engine = engine
        self.cur: Curriculum = engine.cur
        self.store = store
        self.staff = staff
        self.mentors = mentors
        self.staff_channel = staff_channel  # where trainers and admins are reached, by their user ids

    def _t(self, lang: str, key: str, **values: object) -> str:
        return self.engine.t(lang, key, **values)

    def _cohort_name(self, code: str | None, lang: str) -> str:
        cohort = self.staff.cohort(code)
        return (cohort.name if cohort and cohort.name else code) or self._t(lang, "no_cohort")

    def _track_title(self, track: str, lang: str) -> str:
        known = self.cur.tracks.get(track)
        return known.title.get(lang) if known else track

    # ----- the learner ---------------------------------------------------------------------------

    def invitation(self, view: LearnerView, earned: list[tuple[str, Tier]], now: datetime) -> Message | None:
        """After the last advanced lesson of a track: ask once whether they would help their village."""
        cohort = view.profile.cohort
        track = next((tr for tr, tier in earned if tier is Tier.advanced), None)
        if (
            track is None
            or not cohort
            or not self.mentors.invite(view.profile.learner_id, cohort, track, now)
        ):
            return None
        return self._invite_message(view, track)

    def _invite_message(self, view: LearnerView, track: str) -> Message:
        lang = view.profile.lang
        text = self._t(
            lang,
            "mentor_invite",
            name=view.profile.name or "",
            track=self._track_title(track, lang),
            cohort=self._cohort_name(view.profile.cohort, lang),
        )
        yes = self.engine.b(lang, "btn_mentor_yes", "mentor:yes")
        no = self.engine.b(lang, "btn_mentor_no", "mentor:no")
        return Message(text, keyboard(yes, no))

    def handle(self, who: Identity, view: LearnerView, inp: Input, now: datetime) -> Response | None:
        """/mentor, and the mentor buttons of learners and of staff; None for anything else."""
        if isinstance(inp, Command) and inp.name == "mentor":
            return self._about(view, now)
        if not isinstance(inp, Press) or not inp.action.startswith("mentor:"):
            return None
        match inp.action.split(":")[1:]:
            case ["yes"]:
                return self._accept(view, now)
            case ["no"]:
                return self._decline_invitation(view, now)
            case ["ok" | "deny" as verdict, learner_id] if learner_id.isdecimal():
                return self._decide(who.user_id, view, int(learner_id), verdict == "ok", now)
        return None

    def _about(self, view: LearnerView, now: datetime) -> Response:
        lang, lid = view.profile.lang, view.profile.learner_id
        home = keyboard(self.engine.home_button(lang))
        row = self.mentors.get(lid)
        cohort = self._cohort_name(view.profile.cohort, lang)
        if row is not None and row.status == CONFIRMED:
            return Response((Message(self._t(lang, "mentor_is", cohort=cohort), home),))
        if row is not None and row.status == OFFERED:
            return Response((Message(self._t(lang, "mentor_waiting"), home),))
        if not view.profile.cohort:
            return Response((Message(self._t(lang, "mentor_no_cohort"), home),))
        finished = [tr for tr, tier in self.engine.completed_tiers(view) if tier is Tier.advanced]
        if not finished:
            return Response((Message(self._t(lang, "mentor_how"), home),))
        self.mentors.invite(lid, view.profile.cohort, finished[0], now)
        return Response((self._invite_message(view, finished[0]),))

    def _accept(self, view: LearnerView, now: datetime) -> Response:
        lang, lid = view.profile.lang, view.profile.learner_id
        if not self.mentors.move(lid, INVITED, OFFERED, now):
            return Response(
                (Message(self._t(lang, "mentor_already"), keyboard(self.engine.home_button(lang))),)
            )
        row = self.mentors.get(lid)
        assert row is not None
        deliveries = []
        for user_id in self.staff.handoff_recipients(row.cohort):
            their_lang = self.staff_lang(user_id)
            text = self._t(
                their_lang,
                "staff_mentor_offer",
                name=view.profile.name or "?",
                cohort=self._cohort_name(row.cohort, their_lang),
                track=self._track_title(row.track, their_lang),
            )
            buttons = keyboard(
                Button(self._t(their_lang, "btn_mentor_confirm"), f"mentor:ok:{lid}"),
                Button(self._t(their_lang, "btn_mentor_decline"), f"mentor:deny:{lid}"),
            )
            deliveries.append(Delivery(self.staff_channel, user_id, Message(text, buttons)))
        thanks = Message(self._t(lang, "mentor_offered"), keyboard(self.engine.home_button(lang)))
        return Response((thanks,), deliveries=tuple(deliveries))

    def _decline_invitation(self, view: LearnerView, now: datetime) -> Response:
        lang = view.profile.lang
        moved = self.mentors.move(view.profile.learner_id, INVITED, NOT_NOW, now)
        text = self._t(lang, "mentor_not_now" if moved else "mentor_already")
        return Response((Message(text, keyboard(self.engine.home_button(lang))),))

    # ----- the trainer or admin who confirms ------------------------------------------------------

    def staff_lang(self, user_id: str) -> str:
        learner = self.store.find(self.staff_channel, user_id)
        return learner.lang if learner is not None else "zh"

    def _decide(
        self, who_id: str, view: LearnerView, learner_id: int, confirm: bool, now: datetime
    ) -> Response:
        lang = view.profile.lang
        row = self.mentors.get(learner_id)
        if row is None or not self.staff.may_answer(who_id, row.cohort):
            return Response((Message(self._t(lang, "staff_mentor_not_yours")),))
        status = CONFIRMED if confirm else DECLINED
        if not self.mentors.move(learner_id, OFFERED, status, now, by=who_id):
            return Response((Message(self._t(lang, "staff_mentor_decided")),))
        mentor = self.store.learner(learner_id)
        if mentor is None:  # they left (/forget) in the meantime
            return Response((Message(self._t(lang, "staff_mentor_decided")),))
        name = mentor.name or "?"
        done = self._t(
            lang,
            "staff_mentor_confirmed" if confirm else "staff_mentor_declined",
            name=name,
            cohort=self._cohort_name(row.cohort, lang),
        )
        told = Message(
            self._t(
                mentor.lang,
                "mentor_confirmed" if confirm else "mentor_declined",
                cohort=self._cohort_name(row.cohort, mentor.lang),
            ),
            keyboard(self.engine.home_button(mentor.lang)),
        )
        return Response((Message(done),), deliveries=(Delivery(mentor.channel, mentor.external_id, told),))

    # ----- what mentors receive ---------------------------------------------------------------

    def question_recipients(self, view: LearnerView) -> list[Recipient]:
        """A learner's question goes to their cohort's trainer (or the admins) and its mentors —
        never back to the learner who asked, and to nobody twice."""
        found: dict[tuple[str, str], Recipient] = {}
        for user_id in self.staff.handoff_recipients(view.profile.cohort):
            key = (self.staff_channel, user_id)
            found.setdefault(key, Recipient(*key, self.staff_lang(user_id)))
        for mentor in self.mentors.of_cohort(view.profile.cohort):
            if mentor.id != view.profile.learner_id:
                key = (mentor.channel, mentor.external_id)
                found.setdefault(key, Recipient(mentor.channel, mentor.external_id, mentor.lang))
        return list(found.values())

    def may_answer(self, who_id: str, view: LearnerView, cohort: str | None) -> bool:
        return self.staff.may_answer(who_id, cohort) or self.mentors.is_mentor_of(
            view.profile.learner_id, cohort
        )

    def weekly_summary(self, mentor: Learner, now: datetime) -> Message | None:
        """Last week (Monday to Sunday, the mentor's local time) of their cohort, in one message."""
        assert mentor.id is not None
        row = self.mentors.get(mentor.id)
        if row is None or row.status != CONFIRMED:
            return None
        zone = self.store.zone_of(mentor)
        today = local(now, zone).date()
        monday = today - timedelta(days=today.weekday())
        start = monday - timedelta(days=7)
        tz = local(now, zone).tzinfo
        since = datetime.combine(start, time(0), tzinfo=tz)
        until = datetime.combine(monday, time(0), tzinfo=tz)
        week = self.mentors.cohort_week(row.cohort, since, until)
        lang = mentor.lang
        sunday = monday - timedelta(days=1)
        span = (
            f"{start.month}月{start.day}日—{sunday.month}月{sunday.day}日"
            if lang == "zh"
            else f"{start:%d %b}–{sunday:%d %b}"
        )
        yuan = self._t(lang, "mentor_summary_yuan", yuan=f"{week.yuan:,.0f}") if week.yuan else ""
        text = self._t(
            lang,
            "mentor_summary",
            cohort=self._cohort_name(row.cohort, lang),
            span=span,
            learners=week.learners,
            active=week.active,
            lessons=week.lessons_completed,
            applied=week.applied,
            outcomes=week.outcomes,
            yuan=yuan,
            waiting=week.waiting,
        )
        return Message(text, keyboard(self.engine.home_button(lang)))
