"""The `headline` table: the first screen's numbers, each for the report's period and for two
windows to compare (the period against the same length before it; or, for a report from the
beginning, the last four weeks against the four before).

Each stage counts learners who did it in the window, whatever they did before: unlike the funnel,
whose stages are nested. Income is the sum of outcomes in yuan, with the part that came from range
buttons (stored as the range's middle) kept apart, so the page can say how much is an estimate.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from bot.reports.scope import PREVIOUS_WINDOW, RECENT_WINDOW, Scope, rows

MEASURES = (
    "learners",
    "started",
    "completed_lesson",
    "applied",
    "outcome",
    "income",
    "income_ranges",
    "earners",
)

# Three windows: the report's period (0), the recent window (1), the one before it (2).
_RECENT = RECENT_WINDOW
_PREVIOUS = PREVIOUS_WINDOW


def _flags(s: Scope, column: str, name: str, extra: str = "") -> str:
    """MAX of 1/0 per window: did the learner do it in each window? (CASE, not booleans: portable.)"""
    cond = f"{extra} AND " if extra else ""
    parts = (s.win(column), _RECENT.format(c=column), _PREVIOUS.format(c=column))
    return ", ".join(
        f"MAX(CASE WHEN {cond}{part} THEN 1 ELSE 0 END) AS {name}{i}" for i, part in enumerate(parts)
    )


def _sums(s: Scope, column: str, name: str, cond: str) -> str:
    parts = (s.win(column), _RECENT.format(c=column), _PREVIOUS.format(c=column))
    return ", ".join(
        f"SUM(CASE WHEN {cond} AND {part} THEN o.value ELSE 0 END) AS {name}{i}"
        for i, part in enumerate(parts)
    )


def headline(conn: Connection, s: Scope) -> list[tuple[Any, ...]]:
    """One row per measure: (measure, in the period, in the recent window, in the one before)."""
    yuan = "o.unit = 'yuan'"
    sql = f"""WITH
lp AS (
  SELECT learner_id, MAX(started_in) AS s0, MAX(s1) AS s1, MAX(s2) AS s2,
         MAX({s.d.flag("done_in > 0")}) AS c0, MAX(c1) AS c1, MAX(c2) AS c2
  FROM rep_cellp GROUP BY learner_id),
pr AS (
  SELECT learner_id, MAX(a_in) AS a0, MAX(a1) AS a1, MAX(a2) AS a2 FROM rep_apply GROUP BY learner_id),
oc AS (
  SELECT o.learner_id, {_flags(s, "o.at", "o")}, {_flags(s, "o.at", "e", yuan)},
         {_sums(s, "o.at", "y", yuan)}, {_sums(s, "o.at", "g", yuan + " AND NOT o.exact")}
  FROM {s.rows_from("outcome", "o")} {s.outcome_join("o")}
  WHERE {s.before("o.at")}
  GROUP BY o.learner_id),
nl AS (
  SELECT COUNT(*) AS l0,
         SUM(CASE WHEN {_RECENT.format(c="lr.created_at")} THEN 1 ELSE 0 END) AS l1,
         SUM(CASE WHEN {_PREVIOUS.format(c="lr.created_at")} THEN 1 ELSE 0 END) AS l2
  FROM rep_learner lr)
SELECT nl.l0, nl.l1, nl.l2,
       (SELECT COALESCE(SUM(s0), 0) FROM lp), (SELECT COALESCE(SUM(s1), 0) FROM lp),
       (SELECT COALESCE(SUM(s2), 0) FROM lp),
       (SELECT COALESCE(SUM(c0), 0) FROM lp), (SELECT COALESCE(SUM(c1), 0) FROM lp),
       (SELECT COALESCE(SUM(c2), 0) FROM lp),
       (SELECT COALESCE(SUM(a0), 0) FROM pr), (SELECT COALESCE(SUM(a1), 0) FROM pr),
       (SELECT COALESCE(SUM(a2), 0) FROM pr),
       o.o0, o.o1, o.o2, o.y0, o.y1, o.y2, o.g0, o.g1, o.g2, o.e0, o.e1, o.e2
FROM nl, (SELECT COALESCE(SUM(o0), 0) AS o0, COALESCE(SUM(o1), 0) AS o1, COALESCE(SUM(o2), 0) AS o2,
                 COALESCE(SUM(y0), 0) AS y0, COALESCE(SUM(y1), 0) AS y1, COALESCE(SUM(y2), 0) AS y2,
                 COALESCE(SUM(g0), 0) AS g0, COALESCE(SUM(g1), 0) AS g1, COALESCE(SUM(g2), 0) AS g2,
                 COALESCE(SUM(e0), 0) AS e0, COALESCE(SUM(e1), 0) AS e1, COALESCE(SUM(e2), 0) AS e2
          FROM oc) o"""
    (row,) = rows(conn, sql, s)
    out = []
    for i, measure in enumerate(MEASURES):
        now, recent, before = (_clean(v) for v in row[3 * i : 3 * i + 3])
        change = round(recent / before - 1, 3) if before else None
        out.append((measure, now, recent, before, change))
    return out


def _clean(value: Any) -> int | float:
    """Counts as ints; money to two decimals (as the outcomes table has it)."""
    number = float(value or 0)
    return int(number) if number.is_integer() else round(number, 2)
