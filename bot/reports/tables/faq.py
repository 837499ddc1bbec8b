"""The `faq` and `faq_unanswered` tables: what learners asked, and what the bot could not answer."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from bot.reports.model import ALL
from bot.reports.scope import COHORT_ORDER, Scope, rows


def faq(conn: Connection, s: Scope) -> list[tuple[Any, ...]]:
    flag = s.d.flag
    sql = f"""WITH
g AS (
  SELECT lr.cohort, COUNT(*) AS asked,
         SUM({flag("f.decision = 'answer'")}) AS answered,
         SUM({flag("f.decision = 'choices'")}) AS choices,
         SUM({flag("f.decision = 'none'")}) AS none_,
         SUM({flag("COALESCE(f.picked, '') = 'none'")}) AS picked_none,
         SUM({flag("f.handed_off_at IS NOT NULL")}) AS handed_off,
         SUM({flag("f.answered_at IS NOT NULL")}) AS by_person
  FROM faq_question f JOIN rep_learner lr ON lr.id = f.learner_id
  WHERE {s.win("f.asked_at")}
  GROUP BY lr.cohort)
SELECT * FROM (
  SELECT * FROM g
  UNION ALL
  SELECT '{ALL}', COALESCE(SUM(asked), 0), COALESCE(SUM(answered), 0), COALESCE(SUM(choices), 0),
         COALESCE(SUM(none_), 0), COALESCE(SUM(picked_none), 0), COALESCE(SUM(handed_off), 0),
         COALESCE(SUM(by_person), 0)
  FROM g) AS t
ORDER BY {COHORT_ORDER}"""
    return rows(conn, sql, s)


def faq_unanswered(conn: Connection, s: Scope) -> list[tuple[Any, ...]]:
    sql = f"""
SELECT lower(trim(f.text)) AS question, COUNT(*) AS times, {s.d.local_day("MAX(f.asked_at)")} AS last_asked,
       SUM({s.d.flag("f.handed_off_at IS NOT NULL")}), SUM({s.d.flag("f.answered_at IS NOT NULL")})
FROM faq_question f JOIN rep_learner lr ON lr.id = f.learner_id
WHERE {s.win("f.asked_at")}
  AND (f.decision = 'none' OR COALESCE(f.picked, '') = 'none')
GROUP BY lower(trim(f.text))
ORDER BY times DESC, last_asked DESC, question
LIMIT 20"""
    return rows(conn, sql, s)
