"""The report as an Excel workbook: one sheet per table, for an administrator who works in Excel.

Headers and values are in the report's language, as on the HTML page (`bot.reports.words`);
numbers stay numbers, with real formats: counts with thousands separators, rates as percentages,
money to two decimals, weeks and days as dates. Written with openpyxl's write-only mode, which
streams rows and keeps memory flat however long the named export is. The tidy CSV stays the
analysts' format.
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

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
_BOLD = Font(bold=True)
_HEAD_FILL = PatternFill("solid", fgColor="F0F2EC")
_WRAP = Alignment(wrap_text=True, vertical="top")


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


def _write_table(ws: WriteOnlyWorksheet, table: Table, report: Report) -> None:
    columns = shown_columns(table)
    shows = showers(report, table)
    formats = {i: _format(table.columns[i], [row[i] for row in table.rows]) for i in columns}
    dates = {i for i in columns if table.columns[i] in _DATES}
    heads = [header(table.key, table.columns[i], report.lang) for i in columns]
    for n, (i, head) in enumerate(zip(columns, heads, strict=True), start=1):
        wide = max([len(head) * 2, *(len(shows[i](row[i])) for row in table.rows[:200])], default=8)
        ws.column_dimensions[get_column_letter(n)].width = min(60, max(8, wide + 2))
    ws.freeze_panes = "A2"
    head_cells = []
    for head in heads:
        cell = WriteOnlyCell(ws, value=head)
        cell.font, cell.fill = _BOLD, _HEAD_FILL
        head_cells.append(cell)
    ws.append(head_cells)
    for row in table.rows:
        out: list[Any] = []
        for i in columns:
            value = row[i]
            fmt = formats[i]
            if fmt is not None and value is not None:
                cell = WriteOnlyCell(ws, value=value)
                whole = isinstance(value, int) or (isinstance(value, float) and value.is_integer())
                cell.number_format = COUNT if fmt == MONEY and whole else fmt  # 1,000 beside 28,584.37
                out.append(cell)
            elif i in dates and isinstance(value, str) and value:
                cell = WriteOnlyCell(ws, value=date.fromisoformat(value))
                cell.number_format = DATE
                out.append(cell)
            elif value is None:
                out.append(None)
            else:
                text = shows[i](value)
                if len(text) > 40:
                    long_cell = WriteOnlyCell(ws, value=text)
                    long_cell.alignment = _WRAP
                    out.append(long_cell)
                else:
                    out.append(text)
        ws.append(out)


def render_xlsx(report: Report) -> bytes:
    """Every table of the report, one sheet each, as the bytes of an .xlsx file."""
    book = Workbook(write_only=True)
    zh = report.lang == "zh"
    book.properties.title = "FarmSkills 培训效果报告" if zh else "FarmSkills report"
    book.properties.created = report.generated_at.replace(tzinfo=None)
    filter_text = "; ".join(f"{k}: {v}" for k, v in report.filter.describe(report.lang))
    book.properties.description = f"{report.timezone}; {filter_text}"
    taken: set[str] = set()
    order = [t for t in report.tables if t.key == "headline"] + [
        t for t in report.tables if t.key != "headline"
    ]
    for table in order:
        ws = book.create_sheet(_sheet_name(table.key, report.lang, taken))
        _write_table(ws, table, report)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
