"""The `outcomes` table: results reported, per cohort, track and unit, with totals and medians."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from bot.reports.model import ALL, NONE
from bot.reports.scope import Scope, median_ctes, rows


def outcomes(conn: Connection, s: Scope) -> list[tuple[Any, ...]]:
    # Counts per cohort, track and unit, and per cohort and unit (a learner may report in several
    # tracks), read once each; the villages' rows add up to the "(all)" rows, each learner being in
    # one village. Medians from the distinct values with how often each was given (a running total
    # finds the middle), so the window functions sort far fewer rows than there are outcomes.
    sql = f"""WITH
b AS MATERIALIZED (
  SELECT lr.cohort, COALESCE(cur.track, '{NONE}') AS track, o.unit, o.value, o.learner_id,
         {s.d.flag("o.asked")} AS asked
  FROM {s.rows_from("outcome", "o")} {s.outcome_join("o")}
  WHERE {s.win("o.at")}),
s1 AS MATERIALIZED (
  SELECT cohort, track, unit, COUNT(*) AS reports, COUNT(DISTINCT learner_id) AS learners,
         SUM(value) AS total, SUM(asked) AS asked
  FROM b GROUP BY cohort, track, unit),
s3 AS MATERIALIZED (
  SELECT cohort, unit, COUNT(*) AS reports, COUNT(DISTINCT learner_id) AS learners,
         SUM(value) AS total, SUM(asked) AS asked
  FROM b GROUP BY cohort, unit),
stats AS (
  SELECT * FROM s1
  UNION ALL
  SELECT '{ALL}', track, unit, SUM(reports), SUM(learners), SUM(total), SUM(asked)
  FROM s1 GROUP BY track, unit
  UNION ALL
  SELECT cohort, '{ALL}', unit, reports, learners, total, asked FROM s3
  UNION ALL
  SELECT '{ALL}', '{ALL}', unit, SUM(reports), SUM(learners), SUM(total), SUM(asked) FROM s3 GROUP BY unit),
bv AS MATERIALIZED (
  SELECT cohort, track, unit, value, COUNT(*) AS k FROM b GROUP BY cohort, track, unit, value),
v4 AS (
  SELECT * FROM bv
  UNION ALL SELECT '{ALL}', track, unit, value, SUM(k) FROM bv GROUP BY track, unit, value
  UNION ALL SELECT cohort, '{ALL}', unit, value, SUM(k) FROM bv GROUP BY cohort, unit, value
  UNION ALL SELECT '{ALL}', '{ALL}', unit, value, SUM(k) FROM bv GROUP BY unit, value),
{median_ctes(s.d, "v4", "cohort, track, unit", "value", "median")},
tord AS (SELECT track, MIN(track_order) AS o FROM rep_cell GROUP BY track)
SELECT st.cohort, st.track, st.unit, st.reports, st.learners, {s.d.round("st.total", 2)},
       {s.d.round("med.median", 2)},
       st.asked, st.reports - st.asked
FROM stats st
     JOIN med ON med.cohort = st.cohort AND med.track = st.track AND med.unit = st.unit
     LEFT JOIN tord ON tord.track = st.track
ORDER BY CASE st.cohort WHEN '{ALL}' THEN 1 ELSE 0 END, st.cohort,
         CASE st.track WHEN '{ALL}' THEN 2 WHEN '{NONE}' THEN 1 ELSE 0 END, tord.o, st.unit"""
    return rows(conn, sql, s)
