"""The reminders screens: on or off, the hour (morning, midday, after supper) and the time zone."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from bot.core.messages import Button, Message, keyboard
from bot.core.outcome import Outcome
from bot.core.schedule import LEARNER_ZONES
from bot.core.state import LearnerView, Place, RemindersSet, Screen

if TYPE_CHECKING:
    from bot.core.engine import LessonEngine

REMINDER_HOURS = (8, 12, 19)  # morning, midday, after supper: all well inside 07:00–21:00


class ReminderDesk:
    def __init__(self, engine: LessonEngine) -> None:
        self.engine = engine

    def screen(self, view: LearnerView) -> Message:
        e, lang, p = self.engine, view.profile.lang, view.profile
        if p.reminders_on:
            hour = self.hour_name(lang, p.reminder_hour)
            text = e.t(lang, "reminders_on", hour=hour, zone=self.zone_name(lang, p.timezone))
            toggle = e.b(lang, "btn_reminders_off", "rem:off")
            hours: Button | None = e.b(lang, "btn_reminder_time", "rem:hours")
            zones: Button | None = e.b(lang, "btn_reminder_zone", "rem:zones")
        else:
            text, toggle, hours, zones = (
                e.t(lang, "reminders_off"),
                e.b(lang, "btn_reminders_on", "rem:on"),
                None,
                None,
            )
        return Message(text, keyboard(toggle, hours, zones, e.home_button(lang)))

    def hour_name(self, lang: str, hour: int) -> str:
        """晚上7点 / 7 pm: hours written one way everywhere (the same words as the hour buttons)."""
        key = f"hour_{hour}"
        return self.engine.t(lang, key) if key in self.engine.cur.ui.get(lang, {}) else f"{hour}:00"

    def zone_name(self, lang: str, zone: str) -> str:
        """北京时间 / Beijing time for the zones the learner can pick; the zone's own name otherwise."""
        key = next((k for k, z in LEARNER_ZONES.items() if z == zone), None)
        return self.engine.t(lang, f"zone_{key}") if key else zone

    def zones(self, view: LearnerView) -> Message:
        e, lang = self.engine, view.profile.lang
        buttons = [e.b(lang, f"btn_zone_{key}", f"rem:tz:{key}") for key in LEARNER_ZONES]
        return Message(e.t(lang, "reminder_zones"), keyboard(*buttons, e.b(lang, "btn_back_to", "rem:show")))

    def hours(self, view: LearnerView) -> Message:
        e, lang = self.engine, view.profile.lang
        buttons = [e.b(lang, f"btn_hour_{hour}", f"rem:hour:{hour}") for hour in REMINDER_HOURS]
        return Message(e.t(lang, "reminder_hours"), keyboard(*buttons, e.b(lang, "btn_back_to", "rem:show")))

    def press(self, view: LearnerView, parts: list[str]) -> Outcome | None:
        e, lang = self.engine, view.profile.lang
        here = Place(screen=Screen.reminders, track=view.place.track)
        match parts:
            case ["show"]:
                return e.show(view, here)
            case ["hours"]:
                return e.show(view, here.moved(screen=Screen.reminder_hours))
            case ["zones"]:
                return e.show(view, here.moved(screen=Screen.reminder_zones))
            case ["tz", key] if key in LEARNER_ZONES:
                zone = LEARNER_ZONES[key]
                profile = replace(view.profile, timezone=zone)
                change = RemindersSet(on=view.profile.reminders_on, timezone=zone)
                return e.show(replace(view, profile=profile), here, [change])
            case ["on" | "off" as state]:
                on = state == "on"
                new_view = replace(view, profile=replace(view.profile, reminders_on=on))
                note = Message(e.t(lang, "reminders_set_on" if on else "reminders_set_off"))
                return e.show(new_view, here, [RemindersSet(on=on)], before=[note])
            case ["hour", hour] if hour.isdecimal() and int(hour) in REMINDER_HOURS:
                profile = replace(view.profile, reminders_on=True, reminder_hour=int(hour))
                change = RemindersSet(on=True, hour=int(hour))
                return e.show(replace(view, profile=profile), here, [change])
        return None
