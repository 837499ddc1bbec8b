"""The `cohorts` table (each village's code, name and learners) and the named `learners` export."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from bot.reports.scope import COHORT_ORDER, Scope, rows


def cohorts(conn: Connection) -> list[tuple[Any, ...]]:
    """The cohorts in scope with their names, so readers see 李家村 and not only its code."""
    sql = f"""SELECT lr.cohort, COALESCE(MIN(c.name), ''), COUNT(*)
FROM rep_learner lr LEFT JOIN cohort c ON c.code = lr.cohort
GROUP BY lr.cohort ORDER BY {COHORT_ORDER.replace("cohort", "lr.cohort")}"""
    return [tuple(row) for row in conn.exec_driver_sql(sql).all()]


def learners(conn: Connection, s: Scope) -> list[tuple[Any, ...]]:
    sql = f"""WITH
lc AS (SELECT learner_id, SUM(done_in) AS n FROM rep_cellp GROUP BY learner_id),
ap AS (SELECT learner_id, SUM(n_in) AS n FROM rep_apply WHERE n_in > 0 GROUP BY learner_id),
oc AS (
  SELECT o.learner_id, COUNT(*) AS n FROM {s.rows_from("outcome", "o")} {s.outcome_join("o")}
  WHERE {s.win("o.at")}
  GROUP BY o.learner_id)
SELECT l.name, l.external_id, l.channel, lr.cohort, COALESCE(lc.n, 0), COALESCE(ap.n, 0),
       COALESCE(oc.n, 0), {s.d.local_day("l.last_active_at")}
FROM rep_learner lr JOIN learner l ON l.id = lr.id
     LEFT JOIN lc ON lc.learner_id = lr.id
     LEFT JOIN ap ON ap.learner_id = lr.id
     LEFT JOIN oc ON oc.learner_id = lr.id
ORDER BY lr.cohort, l.name, l.id"""
    return rows(conn, sql, s)
