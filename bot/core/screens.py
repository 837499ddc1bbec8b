"""The screens of the learner's path outside a lesson: welcome, name, Home, More, courses, progress…

Each screen is drawn from the learner's view and place alone, so showing one again (to resume, to
answer a stale button, to repeat) is the same call as showing it the first time. Every screen with
buttons offers a way back (🏠 Home, or ↩️ to where the learner came from); a screen that needs
more choices than four buttons allow pages them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from bot.content.limits import split_icon
from bot.content.models import Tier
from bot.core.messages import Button, Message, keyboard
from bot.core.state import WORK_SCREENS, LearnerView, Place, Screen

if TYPE_CHECKING:
    from bot.core.engine import LessonEngine

TIER_ICONS = {Tier.basic: "🌱", Tier.intermediate: "🌿", Tier.advanced: "🌳"}
MORE_PAGES = 2


class Screens:
    """Draws the screens that are not part of a lesson, a placement test or the practice desk."""

    def __init__(self, engine: LessonEngine) -> None:
        self.engine = engine
        e = engine
        # One drawing function per screen; screens that belong to a desk are drawn by that desk.
        self.painters: dict[Screen, Callable[[LearnerView, Place], list[Message]]] = {
            Screen.welcome: lambda v, p: self.welcome(v.profile.lang),
            Screen.name: lambda v, p: [self.ask_name(v)],
            Screen.more: lambda v, p: [self.more(v.profile.lang, p.step)],
            Screen.language: lambda v, p: [self.language(v.profile.lang)],
            Screen.tracks: lambda v, p: [self.tracks(v.profile.lang)],
            Screen.track: lambda v, p: [self.track(v, p.track or "")],
            Screen.tier: lambda v, p: [e.lessons.tier_screen(v, p.track or "", p.tier or Tier.basic)],
            Screen.locked: lambda v, p: [self.locked(v, p.track or "", p.tier or Tier.basic)],
            Screen.step: lambda v, p: e.lessons.step(v, e.cur.lessons[p.lesson or ""], p.step),
            Screen.question: lambda v, p: [e.lessons.question(v, e.cur.lessons[p.lesson or ""], p.question)],
            Screen.finished: lambda v, p: [e.lessons.finished(v, e.cur.lessons[p.lesson or ""])],
            Screen.placement: lambda v, p: [e.placement.question(v, p.track or "", len(p.answers))],
            Screen.progress: lambda v, p: [self.progress(v)],
            Screen.evidence: lambda v, p: [e.practice.evidence_prompt(v, e.cur.lessons[p.lesson or ""])],
            Screen.income: lambda v, p: [e.practice.income_prompt(v)],
            Screen.follow_up: lambda v, p: [e.practice.amounts_prompt(v, p.lesson or "")],
            Screen.reminders: lambda v, p: [e.reminders.screen(v)],
            Screen.reminder_hours: lambda v, p: [e.reminders.hours(v)],
            Screen.reminder_zones: lambda v, p: [e.reminders.zones(v)],
            Screen.forget: lambda v, p: [self.forget(v.profile.lang)],
        }

    def valid(self, place: Place) -> bool:
        """Whether a place still makes sense with today's content (a lesson may have been removed)."""
        cur = self.engine.cur
        if place.screen in (Screen.track, Screen.tier, Screen.locked):
            return place.track in cur.tracks and (place.screen is Screen.track or place.tier is not None)
        if place.screen in (Screen.step, Screen.question, Screen.finished, Screen.evidence):
            lesson = cur.lessons.get(place.lesson or "")
            if lesson is None:
                return False
            if place.screen is Screen.question:
                return place.question < len(lesson.questions)
            return place.screen is not Screen.evidence or lesson.practice.evidence.value != "none"
        if place.screen is Screen.placement:
            track = cur.tracks.get(place.track or "")
            return track is not None and len(place.answers) < len(track.placement)
        if place.screen is Screen.follow_up:
            return place.lesson in cur.lessons
        return True

    def paint(self, view: LearnerView, place: Place) -> list[Message]:
        painter = self.painters.get(place.screen) if self.valid(place) else None
        if painter is None:
            return [self.menu(view)]
        return painter(view, place)

    # ----- before the learner has a Home ---------------------------------------------------------

    def welcome(self, lang: str) -> list[Message]:
        """Who the bot is, then (one idea a message) exactly what it keeps, with the buttons to begin."""
        e = self.engine
        other = "en" if lang == "zh" else "zh"
        buttons = keyboard(
            e.b(lang, "btn_begin", "begin"), Button(e.t(other, "btn_this_language"), f"lang:{other}")
        )
        return [Message(e.t(lang, "welcome")), Message(e.t(lang, "privacy_notice"), buttons)]

    def ask_name(self, view: LearnerView) -> Message:
        e, lang = self.engine, view.profile.lang
        suggested = view.profile.name
        keep = None
        if suggested and split_icon(e.t(lang, "btn_keep_name", name=suggested))[1]:
            label = e.t(lang, "btn_keep_name", name=suggested[:6] if lang == "zh" else suggested[:12])
            keep = Button(label, "name:keep")
        return Message(e.t(lang, "ask_name"), keyboard(keep, e.b(lang, "btn_skip_name", "name:skip")))

    # ----- Home and what hangs off it -----------------------------------------------------------

    def menu(self, view: LearnerView) -> Message:
        e, lang = self.engine, view.profile.lang
        text = e.t(lang, "menu", name=view.profile.name)
        nxt = e.lessons.continue_target(view)
        if nxt is not None:
            text += "\n\n" + e.t(lang, "menu_next", title=e.title(view, nxt[0]))
        # A task put off for later takes the Ask button's place (typing a question always works).
        third = e.b(lang, "btn_ask", "ask")
        task = next((e.cur.lessons[t] for t in view.progress.open_tasks if t in e.cur.lessons), None)
        if task is not None:
            text += "\n" + e.t(lang, "menu_task", title=e.title(view, task))
            third = e.b(lang, "btn_my_task", f"prc:open:{task.id}")
        progress = view.progress
        place = view.place  # where the learner was before Home: a test or lesson under way counts
        begun = bool(progress.started or progress.completed or progress.unlocked)
        begun = begun or place.resume is not None or place.screen in WORK_SCREENS
        first = e.b(lang, "btn_continue" if begun else "btn_start", "continue")
        return Message(
            text, keyboard(first, e.b(lang, "btn_courses", "tracks"), third, e.b(lang, "btn_more", "more"))
        )

    def more(self, lang: str, page: int) -> Message:
        """Two pages: the income cycle first (💰 ⏰), then progress, language and data."""
        e = self.engine
        if page == 0:
            buttons = (
                e.b(lang, "btn_progress", "progress"),
                e.b(lang, "btn_income", "income"),
                e.b(lang, "btn_more_page", "more:1"),
                e.home_button(lang),
            )
            return Message(e.t(lang, "more"), keyboard(*buttons))
        buttons = (
            e.b(lang, "btn_reminders", "rem:show"),
            e.b(lang, "btn_language", "language"),
            e.b(lang, "btn_mydata", "mydata"),
            e.b(lang, "btn_more_back", "more"),
        )
        return Message(e.t(lang, "more_2"), keyboard(*buttons))

    def language(self, lang: str) -> Message:
        e = self.engine
        return Message(
            e.t(lang, "choose_language"),
            keyboard(
                Button(e.t("zh", "btn_this_language"), "lang:zh"),
                Button(e.t("en", "btn_this_language"), "lang:en"),
                e.home_button(lang),
            ),
        )

    def tracks(self, lang: str) -> Message:
        e = self.engine
        buttons = [
            Button(f"{tr.icon} {tr.title.get(lang)}", f"trk:{tr.track}")
            for tr in (e.cur.tracks[t] for t in e.cur.track_ids[:3])
        ]
        return Message(e.t(lang, "choose_track"), keyboard(*buttons, e.home_button(lang)))

    def tier_status(self, view: LearnerView, track: str, tier: Tier) -> tuple[str, int, int]:
        lessons = self.engine.cur.lessons_in(track, tier)
        done = sum(1 for ls in lessons if ls.id in view.progress.completed)
        if not view.progress.tier_unlocked(track, tier):
            icon = "🔒"
        elif done == len(lessons):
            icon = "✅"
        else:
            icon = TIER_ICONS[tier]
        return icon, done, len(lessons)

    def track(self, view: LearnerView, track: str) -> Message:
        e, lang = self.engine, view.profile.lang
        tr = e.cur.tracks[track]
        lines = [f"{tr.icon} {tr.title.get(lang)}", ""]
        buttons = []
        for tier in Tier:
            icon, done, total = self.tier_status(view, track, tier)
            name = e.tier_name(lang, tier)
            lines.append(e.t(lang, "tier_line", icon=icon, tier=name, done=done, total=total))
            buttons.append(Button(f"{icon} {name}", f"tier:{track}:{tier.value}"))
        lines += ["", e.t(lang, "choose_tier")]
        return Message("\n".join(lines), keyboard(*buttons, e.home_button(lang)))

    def locked(self, view: LearnerView, track: str, tier: Tier) -> Message:
        e, lang = self.engine, view.profile.lang
        below = list(Tier)[tier.rank - 1]
        text = e.t(lang, "tier_locked", tier=e.tier_name(lang, tier), below=e.tier_name(lang, below))
        return Message(
            text,
            keyboard(
                e.b(lang, "btn_placement", f"place:{track}"),
                e.b(lang, "btn_back_track", f"trk:{track}"),
                e.home_button(lang),
            ),
        )

    def progress(self, view: LearnerView) -> Message:
        e, lang = self.engine, view.profile.lang
        lines = [e.t(lang, "progress_title")]
        for track in e.cur.track_ids:
            tr = e.cur.tracks[track]
            lines += ["", f"{tr.icon} {tr.title.get(lang)}"]
            for tier in Tier:
                icon, done, total = self.tier_status(view, track, tier)
                name = e.tier_name(lang, tier)
                lines.append(e.t(lang, "tier_line", icon=icon, tier=name, done=done, total=total))
        if view.progress.streak > 1:
            lines += ["", e.t(lang, "streak", days=view.progress.streak)]
        badges = e.completed_tiers(view)
        certificates = e.b(lang, "btn_certificates", "cert") if badges else None
        if badges:
            lines.append(e.t(lang, "badges", count=len(badges)))
        return Message(
            "\n".join(lines),
            keyboard(e.b(lang, "btn_continue", "continue"), certificates, e.home_button(lang)),
        )

    def forget(self, lang: str) -> Message:
        e = self.engine
        return Message(
            e.t(lang, "forget_confirm"),
            keyboard(e.b(lang, "btn_forget_yes", "forget:yes"), e.b(lang, "btn_forget_no", "home")),
        )

    # ----- short replies that keep the learner where they are ------------------------------------

    def with_way_back(self, lang: str, key: str, **values: object) -> Message:
        """A one-off message (help, "I didn't understand"…) with ↩️ back to the screen and 🏠 Home."""
        e = self.engine
        return Message(
            e.t(lang, key, **values), keyboard(e.b(lang, "btn_back_to", "back"), e.home_button(lang))
        )
