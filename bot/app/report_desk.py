"""ReportDesk: `/report` in the chat, one desk of the application layer. Admins see every cohort,
trainers only their own; anyone else is told kindly that it is not for them, and nothing about
anyone is shown.

It answers with a short summary, one chart picture (funnel and completion), and buttons for the
whole report as an HTML or CSV document. Like every desk it knows no channel: the chart travels
in the message as bytes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Engine

from bot.app.desk import Identity
from bot.content.loader import Curriculum
from bot.core.engine import LessonEngine
from bot.core.messages import Command, Document, Input, Message, Picture, Press, Response, keyboard
from bot.core.state import LearnerView
from bot.reports.build import build_report
from bot.reports.charts import chat_chart_png
from bot.reports.csv_out import render_csv
from bot.reports.html import render_html
from bot.reports.model import Report, ReportFilter
from bot.reports.text import short_summary
from bot.store.staff import StaffStore


def _html(report: Report) -> bytes:
    return render_html(report).encode("utf-8")


FORMATS: dict[str, tuple[str, Callable[[Report], bytes]]] = {
    "html": ("text/html", _html),
    "csv": ("text/csv", render_csv),
}


class ReportDesk:
    def __init__(
        self,
        lessons: LessonEngine,
        curriculum: Curriculum,
        db: Engine,
        staff: StaffStore,
        timezone: str,
    ) -> None:
        self.lessons = lessons
        self.curriculum = curriculum
        self.db = db
        self.staff = staff
        self.timezone = timezone

    def handle(self, who: Identity, view: LearnerView, inp: Input, now: datetime) -> Response | None:
        """/report and its document buttons; None for every other input."""
        who_id = who.user_id
        wants_summary = isinstance(inp, Command) and inp.name == "report"
        wants_file = isinstance(inp, Press) and inp.action in ("report:html", "report:csv")
        if not (wants_summary or wants_file):
            return None
        lang = view.profile.lang
        t = self.lessons.t
        home = keyboard(self.lessons.home_button(lang))
        scope = self.scope(who_id)
        if isinstance(scope, str):
            return Response((Message(t(lang, scope), home),))
        report = build_report(self.db, self.curriculum, scope, now, self.timezone, lang)
        if isinstance(inp, Press):
            fmt = inp.action.removeprefix("report:")
            return Response((self._document(report, fmt, now),))
        return Response((Message(short_summary(report, lang)), self._chart(report, now)))

    def scope(self, who_id: str) -> ReportFilter | str:
        """What someone may see: every cohort for an admin, a trainer's own cohorts, or — for
        anyone else, or a trainer with no cohort yet — the key of a kind refusal."""
        role = self.staff.role_of(who_id)
        if role == "admin":
            return ReportFilter()
        if role == "trainer":
            cohorts = self.staff.cohorts_of(who_id)
            return ReportFilter(cohorts=cohorts) if cohorts else "report_no_cohorts"
        return "report_refused"

    def _chart(self, report: Report, now: datetime) -> Message:
        """The chart travels in the message itself, so whichever worker sends it can."""
        lang = report.lang
        t = self.lessons.t
        picture = Picture(f"farmskills-report-{now:%Y-%m-%d}.png", chat_chart_png(report, lang))
        buttons = keyboard(
            self.lessons.b(lang, "btn_report_html", "report:html"),
            self.lessons.b(lang, "btn_report_csv", "report:csv"),
            self.lessons.home_button(lang),
        )
        return Message(t(lang, "report_chart_caption"), buttons, picture=picture)

    def _document(self, report: Report, fmt: str, now: datetime) -> Message:
        mime, render = FORMATS[fmt]
        document = Document(f"farmskills-report-{now:%Y-%m-%d}.{fmt}", render(report), mime)
        text = self.lessons.t(report.lang, f"report_file_{fmt}")
        return Message(text, keyboard(self.lessons.home_button(report.lang)), document=document)
