"""The `completion` table: per cohort, track and tier, who started, stayed active and finished it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from bot.reports.model import ALL
from bot.reports.scope import Scope, median_ctes, rows


def completion(conn: Connection, s: Scope) -> list[tuple[Any, ...]]:
    sql = f"""WITH
ls AS (
  SELECT c.cohort, c.track, c.tier, {s.d.flag("c.n_done >= cell.n")} AS done,
         {s.d.days_between("c.last_done", "c.first_start")} AS days
  FROM rep_cellp c JOIN rep_cell cell ON cell.track = c.track AND cell.tier = c.tier
  WHERE c.started_in = 1),
g1 AS (SELECT cohort, track, tier, COUNT(*) AS started, SUM(done) AS completed FROM ls GROUP BY 1, 2, 3),
g1a AS (
  SELECT * FROM g1
  UNION ALL SELECT '{ALL}', track, tier, SUM(started), SUM(completed) FROM g1 GROUP BY track, tier),
g2 AS (SELECT cohort, track, tier, SUM(a7) AS a7, COUNT(*) AS a30 FROM rep_recent GROUP BY 1, 2, 3),
g2a AS (
  SELECT * FROM g2
  UNION ALL SELECT '{ALL}', track, tier, SUM(a7), SUM(a30) FROM g2 GROUP BY track, tier),
-- Median days: durations to the hour (1/24 day), counted, then a running total finds the middle.
dv AS MATERIALIZED (
  SELECT cohort, track, tier, ROUND(days * 24) / 24.0 AS days, COUNT(*) AS k
  FROM ls WHERE done = 1 GROUP BY 1, 2, 3, 4),
d2 AS (
  SELECT * FROM dv UNION ALL SELECT '{ALL}', track, tier, days, SUM(k) FROM dv GROUP BY track, tier, days),
{median_ctes(s.d, "d2", "cohort, track, tier", "days", "median_days")},
keys AS (
  SELECT cohort, track, tier FROM g1a UNION SELECT cohort, track, tier FROM g2a
  UNION SELECT '{ALL}', track, tier FROM rep_cell)
SELECT k.cohort, k.track, k.tier,
       COALESCE(g1a.started, 0), COALESCE(g2a.a7, 0), COALESCE(g2a.a30, 0), COALESCE(g1a.completed, 0),
       CASE WHEN g1a.started > 0 THEN {s.d.round("1.0 * g1a.completed / g1a.started", 3)} ELSE 0.0 END,
       {s.d.round("med.median_days", 1)}
FROM keys k JOIN rep_cell cell ON cell.track = k.track AND cell.tier = k.tier
     LEFT JOIN g1a ON g1a.cohort = k.cohort AND g1a.track = k.track AND g1a.tier = k.tier
     LEFT JOIN g2a ON g2a.cohort = k.cohort AND g2a.track = k.track AND g2a.tier = k.tier
     LEFT JOIN med ON med.cohort = k.cohort AND med.track = k.track AND med.tier = k.tier
ORDER BY CASE k.cohort WHEN '{ALL}' THEN 1 ELSE 0 END, k.cohort, cell.track_order, cell.tier_rank"""
    return rows(conn, sql, s)
