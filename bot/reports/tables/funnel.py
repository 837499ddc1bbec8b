"""The `funnel` table: started → finished a lesson → applied → reported a result, per cohort and track."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from bot.reports.model import ALL, NONE
from bot.reports.scope import Scope, rows


def funnel(conn: Connection, s: Scope) -> list[tuple[Any, ...]]:
    sql = f"""WITH
ev AS (
  SELECT learner_id, track, MAX(started_in) AS s, MAX({s.d.flag("done_in > 0")}) AS c, 0 AS a, 0 AS o
  FROM rep_cellp GROUP BY learner_id, track
  UNION ALL
  SELECT learner_id, track, 0, 0, 1, 0 FROM rep_apply WHERE a_in = 1
  UNION ALL
  SELECT o.learner_id, COALESCE(cur.track, '{NONE}'), 0, 0, 0, 1
  FROM {s.rows_from("outcome", "o")} {s.outcome_join("o")}
  WHERE {s.win("o.at")}
  GROUP BY o.learner_id, COALESCE(cur.track, '{NONE}')),
lt AS (
  SELECT learner_id, track, MAX(s) AS s, MAX(c) AS c, MAX(a) AS a, MAX(o) AS o
  FROM ev GROUP BY learner_id, track),
la AS (
  SELECT learner_id, '{ALL}' AS track, MAX(s) AS s, MAX(c) AS c, MAX(a) AS a, MAX(o) AS o
  FROM lt GROUP BY learner_id),
g AS (
  SELECT lr.cohort, x.track, SUM(x.s) AS started, SUM(x.s * x.c) AS completed,
         SUM(x.s * x.c * x.a) AS applied, SUM(x.s * x.c * x.a * x.o) AS outcome
  FROM (SELECT * FROM lt WHERE track != '{NONE}' UNION ALL SELECT * FROM la) x
       JOIN rep_learner lr ON lr.id = x.learner_id
  GROUP BY lr.cohort, x.track
  HAVING SUM(x.s) > 0),
ga AS (
  SELECT * FROM g
  UNION ALL
  SELECT '{ALL}', t.track, COALESCE(SUM(g.started), 0), COALESCE(SUM(g.completed), 0),
         COALESCE(SUM(g.applied), 0), COALESCE(SUM(g.outcome), 0)
  FROM (SELECT DISTINCT track FROM rep_cell UNION SELECT '{ALL}') t LEFT JOIN g ON g.track = t.track
  GROUP BY t.track),
tord AS (SELECT track, MIN(track_order) AS o FROM rep_cell GROUP BY track)
SELECT ga.* FROM ga LEFT JOIN tord ON tord.track = ga.track
ORDER BY CASE ga.cohort WHEN '{ALL}' THEN 1 ELSE 0 END, ga.cohort,
         CASE ga.track WHEN '{ALL}' THEN 1 ELSE 0 END, tord.o"""
    return rows(conn, sql, s)
