"""The `weekly` table: per local week and cohort, new and active learners, lessons, applications, outcomes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from bot.reports.model import ALL
from bot.reports.scope import COHORT_ORDER, Scope, rows


def weekly(conn: Connection, s: Scope) -> list[tuple[Any, ...]]:
    """Per local week and cohort: new and active learners, lessons completed, practice tasks done
    and outcomes (events), then the funnel's stages (distinct learners: started a lesson, finished
    one, applied, reported a result) and the yuan reported. Counting both in one pass over each
    table is cheaper than two; `split_weekly` makes the `weekly` and `stages_weekly` tables."""

    week = s.d.local_monday
    # Active learners from rep_steps' learner-hours (minutes, for zones such as +05:30): far fewer
    # dates to compute than there are events.
    hour = s.d.truncated("hour", to_minutes=not s.whole_hours)
    yuan = "CASE WHEN o.unit = 'yuan' THEN o.value ELSE 0 END"
    started = _per_week(
        s,
        "p.learner_id",
        week("p.started_at"),
        f"""{s.progress_from()} JOIN rep_lesson cur ON cur.lesson_id = p.lesson_id
        WHERE {s.win("p.started_at")}""",
    )
    completed = _per_week(
        s,
        "p.learner_id",
        week("p.completed_at"),
        f"""{s.progress_from()} JOIN rep_lesson cur ON cur.lesson_id = p.lesson_id
        WHERE p.status = 'completed' AND {s.win("p.completed_at")}""",
    )
    applied = _per_week(
        s,
        "r.learner_id",
        week("r.at"),
        f"""{s.rows_from("practice_report", "r")} JOIN rep_lesson cur ON cur.lesson_id = r.lesson_id
        WHERE r.status = 'done' AND {s.win("r.at")}""",
    )
    reported = _per_week(
        s,
        "o.learner_id",
        week("o.at"),
        f"""{s.rows_from("outcome", "o")} {s.outcome_join("o")}
        WHERE {s.win("o.at")}""",
        yuan,
    )
    sql = f"""WITH
nl AS (
  SELECT lr.cohort, {week("lr.created_at")} AS week, COUNT(*) AS n
  FROM rep_learner lr
  WHERE {s.after("lr.created_at")} GROUP BY 1, 2),
al AS (
  SELECT lr.cohort, x.week, COUNT(*) AS n
  FROM (SELECT DISTINCT learner_id, {week(hour)} AS week FROM rep_steps) x
       JOIN rep_learner lr ON lr.id = x.learner_id
  GROUP BY 1, 2),
st AS ({started}),
lc AS ({completed}),
ap AS ({applied}),
oc AS ({reported}),
allv AS (
  SELECT cohort, week, n, 0 AS a, 0 AS c, 0 AS p, 0 AS o, 0 AS sd, 0 AS cd, 0 AS ad, 0 AS od, 0.0 AS y
  FROM nl
  UNION ALL SELECT cohort, week, 0, n, 0, 0, 0, 0, 0, 0, 0, 0.0 FROM al
  UNION ALL SELECT cohort, week, 0, 0, 0, 0, 0, d, 0, 0, 0, 0.0 FROM st
  UNION ALL SELECT cohort, week, 0, 0, n, 0, 0, 0, d, 0, 0, 0.0 FROM lc
  UNION ALL SELECT cohort, week, 0, 0, 0, n, 0, 0, 0, d, 0, 0.0 FROM ap
  UNION ALL SELECT cohort, week, 0, 0, 0, 0, n, 0, 0, 0, d, y FROM oc),
g AS (
  SELECT week, cohort, SUM(n) AS n, SUM(a) AS a, SUM(c) AS c, SUM(p) AS p, SUM(o) AS o,
         SUM(sd) AS sd, SUM(cd) AS cd, SUM(ad) AS ad, SUM(od) AS od, SUM(y) AS y
  FROM allv GROUP BY week, cohort)
SELECT {s.d.monday_text("week")}, cohort, n, a, c, p, o, sd, cd, ad, od, y FROM (
  SELECT * FROM g
  UNION ALL
  SELECT week, '{ALL}', SUM(n), SUM(a), SUM(c), SUM(p), SUM(o), SUM(sd), SUM(cd), SUM(ad), SUM(od), SUM(y)
  FROM g GROUP BY week) AS t
ORDER BY week, {COHORT_ORDER}"""
    return rows(conn, sql, s)


def _per_week(s: Scope, learner: str, week: str, source: str, money: str = "0") -> str:
    """Rows of `source` per cohort and local week: how many (n), how many learners (d), and the sum
    of `money` (y). PostgreSQL counts the distinct learners in two hashed steps, (cohort, learner,
    week) then (cohort, week), rather than sorting every row for COUNT(DISTINCT); SQLite sorts
    either way, and one sort is cheaper than two."""
    if s.d.pg:
        return f"""
  SELECT cohort, week, SUM(k) AS n, COUNT(*) AS d, SUM(y) AS y
  FROM (SELECT lr.cohort, {learner} AS learner_id, {week} AS week, COUNT(*) AS k, SUM({money}) AS y
        FROM {source}
        GROUP BY 1, 2, 3) x
  GROUP BY 1, 2"""
    return f"""
  SELECT lr.cohort, {week} AS week, COUNT(*) AS n, COUNT(DISTINCT {learner}) AS d, SUM({money}) AS y
  FROM {source}
  GROUP BY 1, 2"""


def split_weekly(found: list[tuple[Any, ...]]) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The weekly query's rows as the `weekly` table (week × cohort, events) and the
    `stages_weekly` table (week, learners at each stage and the yuan: the "(all)" rows' sums,
    each learner being in one cohort), leaving out weeks where no stage was reached."""
    events = [row[:7] for row in found]
    stages = [
        (row[0], *row[7:11], round(float(row[11] or 0), 2))
        for row in found
        if row[1] == ALL and any(row[7:11])
    ]
    return events, stages
