"""The `dropoff` table: for each lesson step, how many learners reached it and how many stopped there."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from bot.reports.scope import Scope, rows


def dropoff(conn: Connection, s: Scope) -> list[tuple[Any, ...]]:
    # The furthest step a learner saw, from their step events; one index seek per unfinished lesson
    # (ix_step_event_learner_lesson_step, migration 0007).
    until = " AND e.at < :hi" if s.until else ""
    sql = f"""WITH RECURSIVE
pop AS (
  SELECT p.lesson_id, cur.nsteps,
         {s.d.flag("p.status = 'completed' AND " + s.before("p.completed_at"))} AS done,
         CASE WHEN p.status = 'completed' AND {s.before("p.completed_at")} THEN cur.nsteps - 1
              ELSE COALESCE((SELECT MAX(e.step) FROM step_event e
                             WHERE e.learner_id = p.learner_id AND e.lesson_id = p.lesson_id{until}),
                            p.step) END AS furthest
  FROM {s.progress_from()} JOIN rep_lesson cur ON cur.lesson_id = p.lesson_id
  WHERE {s.win("p.started_at")}),
agg AS (
  SELECT lesson_id, {s.d.least(s.d.greatest("furthest", "0"), "nsteps - 1")} AS step, COUNT(*) AS n,
         SUM(1 - done) AS stopped
  FROM pop GROUP BY 1, 2),
steps(lesson_id, step, nsteps) AS (
  SELECT lesson_id, 0, nsteps FROM rep_lesson WHERE lesson_id IN (SELECT lesson_id FROM agg)
  UNION ALL SELECT lesson_id, step + 1, nsteps FROM steps WHERE step + 1 < nsteps),
per AS (
  SELECT st.lesson_id, st.step,
         (SELECT SUM(a.n) FROM agg a WHERE a.lesson_id = st.lesson_id AND a.step >= st.step) AS reached,
         COALESCE((SELECT a.stopped FROM agg a WHERE a.lesson_id = st.lesson_id AND a.step = st.step), 0)
           AS stopped
  FROM steps st)
SELECT cur.track, cur.tier, per.lesson_id, per.step + 1, COALESCE(per.reached, 0), per.stopped,
       CASE WHEN per.reached > 0 THEN {s.d.round("1.0 * per.stopped / per.reached", 3)} ELSE 0.0 END
FROM per JOIN rep_lesson cur ON cur.lesson_id = per.lesson_id
ORDER BY cur.lesson_order, per.step"""
    return rows(conn, sql, s)
