"""What a report is: the filter it was made with and its tables of plain values.

A `Report` holds no Telegram, SQL or rendering knowledge; the renderers (text, CSV, HTML, charts)
read it, and the column names of each `Table` are its stable CSV interface.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property

ALL = "(all)"  # the row that adds up every cohort (or every track)
NONE = "(none)"  # learners without a cohort, outcomes without a lesson

Cell = str | int | float | None


def cell_text(value: Cell) -> str:
    """A value as people read it: empty for none, 0.5 not 0.500, 300 not 300.0."""
    if value is None:
        return ""
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return f"{value:.3f}".rstrip("0").rstrip(".")
    return str(value)


@dataclass(frozen=True)
class ReportFilter:
    """Who and what a report covers. Dates are local dates, both ends included."""

    cohorts: tuple[str, ...] | None = None  # None: every cohort; "(none)" matches learners without one
    track: str | None = None  # lesson-based tables only; the FAQ tables ignore it
    since: date | None = None
    until: date | None = None
    named: bool = False  # True adds the `learners` table with names and user ids

    def describe(self, lang: str = "en") -> list[tuple[str, str]]:
        """The filter as (label, value) pairs, for the top of a rendered report."""
        zh = lang == "zh"
        everyone = "全部" if zh else "all"
        named = (
            ("是：含姓名和用户编号" if zh else "yes: names and user ids included")
            if self.named
            else ("否" if zh else "no")
        )
        return [
            ("班组" if zh else "cohorts", ", ".join(self.cohorts) if self.cohorts else everyone),
            ("课程" if zh else "track", self.track or everyone),
            (
                "开始" if zh else "since",
                self.since.isoformat() if self.since else ("最早" if zh else "the beginning"),
            ),
            ("截止" if zh else "until", self.until.isoformat() if self.until else ("现在" if zh else "now")),
            ("实名" if zh else "named", named),
        ]


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    note: str = ""

    def records(self) -> list[dict[str, Cell]]:
        """Each row as a dict keyed by column name."""
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]

    def column(self, name: str) -> list[Cell]:
        i = self.columns.index(name)
        return [row[i] for row in self.rows]


@dataclass(frozen=True)
class Report:
    generated_at: datetime  # aware, UTC
    filter: ReportFilter
    tables: tuple[Table, ...]
    timezone: str = "Asia/Shanghai"
    lang: str = "en"
    track_titles: tuple[tuple[str, str], ...] = ()  # (track id, title in `lang`), in curriculum order
    lesson_titles: tuple[tuple[str, str], ...] = ()  # (lesson id, title in `lang`), in curriculum order
    # The headline's comparison as local dates (first, last): the recent window and the one before.
    windows: tuple[tuple[date, date], tuple[date, date]] | None = None

    def table(self, key: str) -> Table:
        for table in self.tables:
            if table.key == key:
                return table
        raise KeyError(f"no table {key!r} in this report (has: {', '.join(t.key for t in self.tables)})")

    def has(self, key: str) -> bool:
        return any(t.key == key for t in self.tables)

    @cached_property
    def cohort_names(self) -> dict[str, str]:
        if not self.has("cohorts"):
            return {}
        return {str(code): str(name) for code, name, *_ in self.table("cohorts").rows if name}

    def cohort_label(self, code: Cell) -> str:
        """李家村 (lijia) where the cohort was given a name; the code alone otherwise (the chat summary
        names cohorts so; the text, HTML and Excel reports show the name alone, `words.cohort_name`)."""
        text = cell_text(code)
        name = self.cohort_names.get(text)
        return f"{name} ({text})" if name and name != text else text

    def track_title(self, track: str) -> str:
        return dict(self.track_titles).get(track, track)

    @cached_property
    def lesson_names(self) -> dict[str, str]:
        return dict(self.lesson_titles)

    def lesson_title(self, lesson_id: str) -> str:
        return self.lesson_names.get(lesson_id, lesson_id)
