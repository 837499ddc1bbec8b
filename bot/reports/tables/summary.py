"""The `summary` table: per cohort, who joined, started, stayed active, finished, applied and reported."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from bot.reports.model import ALL
from bot.reports.scope import COHORT_ORDER, Scope, rows


def summary(conn: Connection, s: Scope) -> list[tuple[Any, ...]]:
    sql = f"""WITH
lp AS (
  SELECT c.learner_id, MAX(c.started_in) AS started, SUM(c.done_in) AS done,
         SUM({s.d.flag("c.n_done >= cell.n AND " + s.after("c.last_done"))}) AS tiers
  FROM rep_cellp c JOIN rep_cell cell ON cell.track = c.track AND cell.tier = c.tier
  GROUP BY c.learner_id),
act AS (SELECT learner_id, MAX(a7) AS a7 FROM rep_recent GROUP BY learner_id),
ap AS (SELECT DISTINCT learner_id FROM rep_apply WHERE a_in = 1),
oc AS (
  SELECT DISTINCT o.learner_id FROM {s.rows_from("outcome", "o")} {s.outcome_join("o")}
  WHERE {s.win("o.at")}),
g AS (
  SELECT lr.cohort,
         COUNT(*) AS learners,
         COALESCE(SUM(lp.started), 0) AS started,
         COALESCE(SUM(act.a7), 0) AS active_7d,
         COUNT(act.learner_id) AS active_30d,
         COALESCE(SUM(lp.done), 0) AS lessons_completed,
         COALESCE(SUM(lp.tiers), 0) AS tiers_completed,
         COUNT(ap.learner_id) AS applied,
         COUNT(oc.learner_id) AS outcomes
  FROM rep_learner lr
       LEFT JOIN lp ON lp.learner_id = lr.id
       LEFT JOIN act ON act.learner_id = lr.id
       LEFT JOIN ap ON ap.learner_id = lr.id
       LEFT JOIN oc ON oc.learner_id = lr.id
  GROUP BY lr.cohort)
SELECT * FROM (
  SELECT * FROM g
  UNION ALL
  SELECT '{ALL}', COALESCE(SUM(learners), 0), COALESCE(SUM(started), 0), COALESCE(SUM(active_7d), 0),
         COALESCE(SUM(active_30d), 0), COALESCE(SUM(lessons_completed), 0),
         COALESCE(SUM(tiers_completed), 0), COALESCE(SUM(applied), 0), COALESCE(SUM(outcomes), 0)
  FROM g) AS t
ORDER BY {COHORT_ORDER}"""
    return rows(conn, sql, s)
