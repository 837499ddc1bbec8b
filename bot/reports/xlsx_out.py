"""The report as an Excel workbook: one sheet per table, for an administrator who works in Excel.

Headers and values are in the report's language, as on the HTML page (`bot.reports.words`);
numbers stay numbers, with real formats: counts with thousands separators, rates as percentages,
money to two decimals, weeks and days as dates. Written with XlsxWriter in constant-memory mode
(rows streamed to disk as they are written), which is fast enough for the 100,000-learner report
and keeps memory flat however long the named export is. The tidy CSV stays the analysts' format.
"""

from __future__ import annotations

import io
from datetime import date

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from bot.reports.model import Cell, Report, Table
from bot.reports.words import RATES, header, showers, shown_columns

SHEETS: dict[str, tuple[str, str]] = {  # table key -> sheet name (English, Chinese), ≤ 31 chars
    "headline": ("Headline", "主要数字"),
    "villages": ("Villages", "各村对比"),
    "summary": ("Summary", "各村概况"),
    "completion": ("Completion", "完成情况"),
    "dropoff": ("Drop-off", "在哪一步停下"),
    "check_questions": ("Check questions", "课后小题"),
    "faq": ("Questions", "学员提问"),
    "faq_unanswered": ("Unanswered", "答不上的问题"),
    "funnel": ("Funnel", "漏斗"),
    "outcomes": ("Outcomes", "成果"),
    "weekly": ("Weekly", "每周情况"),
    "stages_weekly": ("Funnel by week", "每周漏斗"),
    "cohorts": ("Villages list", "村名单"),
    "learners": ("Learners", "学员名单"),
}

COUNT, MONEY, RATE, DAYS, DATE = "#,##0", "#,##0.00", "0.0%", "0.0", "yyyy-mm-dd"
_DATES = frozenset({"week", "last_asked", "last_active"})
_DECIMALS = {"median_days": DAYS}


def _format(column: str, values: list[Cell]) -> str | None:
    """The number format of a column whose values are all numbers (None for a text column)."""
    if not all(isinstance(v, int | float) or v is None for v in values):
        return None
    if column in RATES:
        return RATE
    if column in _DECIMALS:
        return _DECIMALS[column]
    if any(isinstance(v, float) and not v.is_integer() for v in values):
        return MONEY
    return COUNT


def _sheet_name(key: str, lang: str, taken: set[str]) -> str:
    pair = SHEETS.get(key, (key, key))
    name = (pair[1] if lang == "zh" else pair[0])[:31]
    while name in taken:
        name = name[:28] + f" {len(taken)}"
    taken.add(name)
    return name


class _Formats:
    """The workbook's cell formats, made once (XlsxWriter shares each among all its cells)."""

    def __init__(self, book: xlsxwriter.Workbook) -> None:
        self.head = book.add_format({"bold": True, "bg_color": "#F0F2EC", "bottom": 1})
        self.number = {f: book.add_format({"num_format": f}) for f in (COUNT, MONEY, RATE, DAYS, DATE)}
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})


def _write_table(ws: Worksheet, table: Table, report: Report, styles: _Formats) -> None:
    columns = shown_columns(table)
    shows = showers(report, table)
    formats = {i: _format(table.columns[i], [row[i] for row in table.rows]) for i in columns}
    dates = {i for i in columns if table.columns[i] in _DATES}
    heads = [header(table.key, table.columns[i], report.lang) for i in columns]
    for n, (i, head) in enumerate(zip(columns, heads, strict=True)):
        wide = max([len(head) * 2, *(len(shows[i](row[i])) for row in table.rows[:200])], default=8)
        ws.set_column(n, n, min(60, max(8, wide + 2)))
    ws.freeze_panes(1, 0)
    ws.write_row(0, 0, heads, styles.head)
    count, day = styles.number[COUNT], styles.number[DATE]
    for r, row in enumerate(table.rows, start=1):
        for n, i in enumerate(columns):
            value = row[i]
            fmt = formats[i]
            if value is None:
                continue
            if fmt is not None:
                # 1,000 beside 28,584.37: whole numbers without decimals in a money column
                whole = isinstance(value, int) or (isinstance(value, float) and value.is_integer())
                chosen: Format = count if fmt == MONEY and whole else styles.number[fmt]
                ws.write_number(r, n, float(value), chosen)
            elif i in dates and isinstance(value, str) and value:
                ws.write_datetime(r, n, date.fromisoformat(value), day)
            else:
                text = shows[i](value)
                ws.write_string(r, n, text, styles.wrap if len(text) > 40 else None)


def render_xlsx(report: Report) -> bytes:
    """Every table of the report, one sheet each, as the bytes of an .xlsx file."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True})
    zh = report.lang == "zh"
    filter_text = "; ".join(f"{k}: {v}" for k, v in report.filter.describe(report.lang))
    book.set_properties(
        {
            "title": "FarmSkills 培训效果报告" if zh else "FarmSkills report",
            "comments": f"{report.timezone}; {filter_text}",
            "created": report.generated_at.replace(tzinfo=None),
        }
    )
    styles = _Formats(book)
    taken: set[str] = set()
    for table in report.tables:
        _write_table(book.add_worksheet(_sheet_name(table.key, report.lang, taken)), table, report, styles)
    book.close()
    return buffer.getvalue()
