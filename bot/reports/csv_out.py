"""The report as one long, tidy CSV: `table,row,column,value`, one line per cell.

One file holds every table, so a spreadsheet or a script filters it by `table` and pivots it by
`column`; new columns never break a reader. UTF-8 with a byte-order mark, so Excel shows Chinese
correctly. The first rows (table `_report`) say when, in which time zone and with which filter the
report was made.
"""

from __future__ import annotations

import csv
import io

from bot.reports.model import Report

HEADER = ("table", "row", "column", "value")
META = "_report"


def _meta(report: Report) -> list[tuple[str, str]]:
    flt = report.filter
    return [
        ("generated_at", report.generated_at.isoformat()),
        ("timezone", report.timezone),
        ("cohorts", ",".join(flt.cohorts) if flt.cohorts else ""),
        ("track", flt.track or ""),
        ("since", flt.since.isoformat() if flt.since else ""),
        ("until", flt.until.isoformat() if flt.until else ""),
        ("named", "yes" if flt.named else "no"),
    ]


def render_csv(report: Report) -> bytes:
    """Every table, cell by cell; row numbers count from 1 within each table; empty for no value."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    for name, setting in _meta(report):
        writer.writerow((META, 1, name, setting))
    for table in report.tables:
        for number, row in enumerate(table.rows, start=1):
            for column, value in zip(table.columns, row, strict=True):
                writer.writerow((table.key, number, column, "" if value is None else value))
    return buffer.getvalue().encode("utf-8-sig")
