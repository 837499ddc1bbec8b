"""The `check_questions` table: each check question's first-try success, hardest first."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from bot.reports.scope import Scope, rows


def check_questions(conn: Connection, s: Scope) -> list[tuple[Any, ...]]:
    # A learner's first try at a question is right when their earliest right answer is also their
    # earliest answer. Question by question, ix_check_answer_first_try (migration 0007) yields the
    # answers learner by learner in time order, so SQLite groups them without sorting anything;
    # both counts come back packed in one integer (learners << 32 | right first time).
    learners = "JOIN rep_learner lr ON lr.id = a.learner_id" if s.cohorts else ""
    sql = f"""WITH RECURSIVE
q(lesson_id, question, nquestions) AS (
  SELECT lesson_id, 0, nquestions FROM rep_lesson WHERE nquestions > 0
  UNION ALL SELECT lesson_id, question + 1, nquestions FROM q WHERE question + 1 < nquestions),
packed AS MATERIALIZED (
  SELECT q.lesson_id, q.question,
         (SELECT (COUNT(*) << 32) + COALESCE(SUM({s.d.flag(s.d.same("x.first_right", "x.first_at"))}), 0)
          FROM (SELECT MIN(a.at) AS first_at, MIN(CASE WHEN a.correct THEN a.at END) AS first_right
                FROM check_answer a {learners}
                WHERE a.lesson_id = q.lesson_id AND a.question = q.question AND {s.before("a.at")}
                GROUP BY a.learner_id) x
          WHERE {s.after("x.first_at")}) AS p
  FROM q),
counts AS (SELECT lesson_id, question, p >> 32 AS learners, p & 4294967295 AS right_first FROM packed)
SELECT lesson_id, question, learners, right_first, {s.d.round("1.0 * right_first / learners", 3)} AS rate
FROM counts WHERE learners > 0
ORDER BY rate, learners DESC, lesson_id, question"""
    return rows(conn, sql, s)
