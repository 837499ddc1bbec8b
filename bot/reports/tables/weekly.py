"""The `weekly` table: per local week and cohort, new and active learners, lessons, applications, outcomes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from bot.reports.model import ALL
from bot.reports.scope import COHORT_ORDER, Scope, rows


def weekly(conn: Connection, s: Scope) -> list[tuple[Any, ...]]:
    def week(column: str) -> str:
        # The local Monday: shift to local time, on to Sunday (or stay), back six days.
        return f"date({column}, :mod, 'weekday 0', '-6 days')"

    # Active learners from rep_steps' learner-hours (minutes, for zones such as +05:30): far fewer
    # dates to compute than there are events.
    pad = "':00:00'" if s.whole_hours else "':00'"
    sql = f"""WITH
nl AS (
  SELECT lr.cohort, {week("l.created_at")} AS week, COUNT(*) AS n
  FROM learner l JOIN rep_learner lr ON lr.id = l.id
  WHERE {s.win("l.created_at")} GROUP BY 1, 2),
eh AS (SELECT DISTINCT learner_id, hour FROM rep_steps),
al AS (
  SELECT lr.cohort, x.week, COUNT(*) AS n
  FROM (SELECT DISTINCT learner_id, {week("hour || " + pad)} AS week FROM eh) x
       JOIN rep_learner lr ON lr.id = x.learner_id
  GROUP BY 1, 2),
lc AS (
  SELECT lr.cohort, {week("p.completed_at")} AS week, COUNT(*) AS n
  FROM {s.progress_from()} JOIN rep_lesson cur ON cur.lesson_id = p.lesson_id
  WHERE p.status = 'completed' AND {s.win("p.completed_at")}
  GROUP BY 1, 2),
ap AS (
  SELECT lr.cohort, {week("r.at")} AS week, COUNT(*) AS n
  FROM {s.rows_from("practice_report", "r")} JOIN rep_lesson cur ON cur.lesson_id = r.lesson_id
  WHERE r.status = 'done' AND {s.win("r.at")}
  GROUP BY 1, 2),
oc AS (
  SELECT lr.cohort, {week("o.at")} AS week, COUNT(*) AS n
  FROM {s.rows_from("outcome", "o")} {s.outcome_join("o")}
  WHERE {s.win("o.at")}
  GROUP BY 1, 2),
allv AS (
  SELECT cohort, week, n, 0 AS a, 0 AS c, 0 AS p, 0 AS o FROM nl
  UNION ALL SELECT cohort, week, 0, n, 0, 0, 0 FROM al
  UNION ALL SELECT cohort, week, 0, 0, n, 0, 0 FROM lc
  UNION ALL SELECT cohort, week, 0, 0, 0, n, 0 FROM ap
  UNION ALL SELECT cohort, week, 0, 0, 0, 0, n FROM oc),
g AS (
  SELECT week, cohort, SUM(n) AS n, SUM(a) AS a, SUM(c) AS c, SUM(p) AS p, SUM(o) AS o
  FROM allv GROUP BY week, cohort)
SELECT * FROM (
  SELECT * FROM g
  UNION ALL SELECT week, '{ALL}', SUM(n), SUM(a), SUM(c), SUM(p), SUM(o) FROM g GROUP BY week)
ORDER BY week, {COHORT_ORDER}"""
    return rows(conn, sql, s)


def stages(conn: Connection, s: Scope) -> list[tuple[Any, ...]]:
    """The funnel's stages week by week: learners who started a lesson, finished one, reported a
    practice task done and reported a result in each local week, with the yuan reported."""

    def week(column: str) -> str:
        return f"date({column}, :mod, 'weekday 0', '-6 days')"

    sql = f"""WITH
x AS (
  SELECT p.learner_id, {week("p.started_at")} AS week, 1 AS s, 0 AS c, 0 AS a, 0 AS o, 0.0 AS y
  FROM {s.progress_from()} JOIN rep_lesson cur ON cur.lesson_id = p.lesson_id
  WHERE {s.win("p.started_at")}
  UNION ALL
  SELECT p.learner_id, {week("p.completed_at")}, 0, 1, 0, 0, 0.0
  FROM {s.progress_from()} JOIN rep_lesson cur ON cur.lesson_id = p.lesson_id
  WHERE p.status = 'completed' AND {s.win("p.completed_at")}
  UNION ALL
  SELECT r.learner_id, {week("r.at")}, 0, 0, 1, 0, 0.0
  FROM {s.rows_from("practice_report", "r")} JOIN rep_lesson cur ON cur.lesson_id = r.lesson_id
  WHERE r.status = 'done' AND {s.win("r.at")}
  UNION ALL
  SELECT o.learner_id, {week("o.at")}, 0, 0, 0, 1, CASE WHEN o.unit = 'yuan' THEN o.value ELSE 0.0 END
  FROM {s.rows_from("outcome", "o")} {s.outcome_join("o")}
  WHERE {s.win("o.at")}),
lw AS (
  SELECT week, learner_id, MAX(s) AS s, MAX(c) AS c, MAX(a) AS a, MAX(o) AS o, SUM(y) AS y
  FROM x GROUP BY week, learner_id)
SELECT week, SUM(s), SUM(c), SUM(a), SUM(o), ROUND(SUM(y), 2) FROM lw GROUP BY week ORDER BY week"""
    return rows(conn, sql, s)
