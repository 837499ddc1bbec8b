"""The administrator report's numbers, counted in SQL: `build_report(engine, curriculum, filter, now)`.

Every count, sum, median and first try is computed by the database (GROUP BY, CTEs, window
functions); Python only adds titles from the curriculum to the aggregated rows. Timestamps are
stored as naive UTC text ('YYYY-MM-DD HH:MM:SS.ffffff'), so the period's ends are bound as text in
the same form, and local dates and weeks are computed in SQL by shifting by the time zone's offset.
The SQL is written for SQLite (date(), julianday()), the database FarmSkills ships with.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine, text

from bot.content.loader import Curriculum
from bot.reports.model import ALL, NONE, Cell, Report, ReportFilter, Table

_FAR_PAST = "0001-01-01 00:00:00.000000"
_FAR_FUTURE = "9999-12-31 23:59:59.999999"

TITLES: dict[str, dict[str, str]] = {
    "summary": {"en": "Summary by cohort", "zh": "各班组概况"},
    "completion": {"en": "Completion by track and tier", "zh": "各课程、各级别完成情况"},
    "dropoff": {"en": "Where learners stop: drop-off by lesson step", "zh": "学员在哪一步停下"},
    "check_questions": {"en": "Check questions, hardest first", "zh": "课后小题（最难的在前）"},
    "faq": {"en": "Questions asked to the bot", "zh": "学员提问"},
    "faq_unanswered": {
        "en": "Questions the bot could not answer (top 20)",
        "zh": "机器人答不上的问题（前20）",
    },
    "funnel": {"en": "From learning to income: the funnel", "zh": "从学习到增收：漏斗"},
    "outcomes": {"en": "Outcomes reported", "zh": "学员报告的成果"},
    "weekly": {"en": "Week by week", "zh": "每周情况"},
    "cohorts": {"en": "Cohorts (villages)", "zh": "班组（村）名单"},
    "learners": {"en": "Learners (named export)", "zh": "学员名单（实名导出）"},
}

NOTES: dict[str, dict[str, str]] = {
    "summary": {
        "en": "learners: joined by the end of the period; active_7d/30d: a lesson step in the 7/30 days "
        "before the period's end; lessons and tiers completed within the period.",
        "zh": "学员：截至期末加入的人数；近7/30天活跃：期末前7/30天内学过一步；完成数按期内计。",
    },
    "completion": {
        "en": "started: began a lesson of the tier in the period; completed: of those, finished every "
        "lesson of the tier by the period's end; median_days: first start to last lesson finished.",
        "zh": "开始：期内开始过该级别的课；完成：其中期末前学完该级别全部课程的人；中位天数：从开始到学完。",
    },
    "dropoff": {
        "en": "Lessons started in the period. reached: learners who saw this step; stopped: lesson not "
        "finished and this is the furthest step they saw.",
        "zh": "期内开始的课。到达：看到这一步的人；停下：没学完且最远到这一步的人。",
    },
    "check_questions": {
        "en": "Each learner's first answer to each question (first tries made in the period).",
        "zh": "每位学员对每道题的第一次作答（期内的第一次）。",
    },
    "faq": {
        "en": "All tracks: the track filter does not apply to questions.",
        "zh": "不分课程：课程筛选不适用于提问。",
    },
    "faq_unanswered": {
        "en": "Grouped by the question's lower-cased text; the track filter does not apply.",
        "zh": "按问题文字归并；课程筛选不适用。",
    },
    "funnel": {
        "en": "Learners who started a lesson of the track in the period; each stage is a subset of the "
        "one before: completed a lesson, reported the practice task done, reported an outcome.",
        "zh": "期内开始学习该课程的学员；每一级都是上一级的一部分：学完一课、完成实践任务、报告成果。",
    },
    "outcomes": {
        "en": "An outcome's track is its lesson's track; (none) when it was reported without a lesson.",
        "zh": "成果按所属课程的方向统计；没有对应课的记为 (none)。",
    },
    "weekly": {
        "en": "Weeks start on Monday, local time.",
        "zh": "每周从周一开始（当地时间）。",
    },
    "cohorts": {
        "en": "Each cohort code with the name it was given (farmskills cohorts add) and its learners.",
        "zh": "每个班组代码对应的名称（farmskills cohorts add 设置）和学员人数。",
    },
    "learners": {
        "en": "Contains names and user ids: share only with people who need them.",
        "zh": "含姓名和用户编号：只给需要的人看。",
    },
}

COLUMNS: dict[str, tuple[str, ...]] = {
    "summary": (
        "cohort",
        "learners",
        "started",
        "active_7d",
        "active_30d",
        "lessons_completed",
        "tiers_completed",
        "applied",
        "outcomes",
    ),
    "completion": (
        "cohort",
        "track",
        "tier",
        "started",
        "active_7d",
        "active_30d",
        "completed",
        "completion_rate",
        "median_days",
    ),
    "dropoff": ("track", "tier", "lesson_id", "lesson_title", "step", "reached", "stopped", "stop_rate"),
    "check_questions": ("lesson_id", "question", "ask", "learners", "first_try_right", "first_try_rate"),
    "faq": (
        "cohort",
        "asked",
        "answered",
        "choices",
        "none",
        "picked_none",
        "handed_off",
        "answered_by_person",
    ),
    "faq_unanswered": ("question", "times", "last_asked", "handed_off", "answered_by_person"),
    "funnel": ("cohort", "track", "started", "completed_lesson", "applied", "outcome"),
    "outcomes": ("cohort", "track", "unit", "reports", "learners", "total", "median", "asked", "volunteered"),
    "weekly": (
        "week",
        "cohort",
        "new_learners",
        "active_learners",
        "lessons_completed",
        "applications",
        "outcomes",
    ),
    "cohorts": ("cohort", "name", "learners"),
    "learners": (
        "name",
        "user_id",
        "channel",
        "cohort",
        "lessons_completed",
        "applications",
        "outcomes",
        "last_active",
    ),
}


class UnknownTrack(ValueError):
    """The filter names a track the curriculum does not have."""


@dataclass(frozen=True)
class _Scope:
    """The bound parameters every query shares, and a few facts that shape the SQL."""

    params: dict[str, Any]
    track: bool  # a track filter is set
    cohorts: bool  # a cohort filter is set
    since: bool  # the period starts on a given day (else: at the beginning)
    until: bool  # the period ends on a given day (else: now)
    whole_hours: bool  # the zone's offset is a whole number of hours
    # How to reach the big tables, chosen by _fill_scope from the sizes it finds.
    few_learners: bool = False  # the learners in scope are a small part of all learners
    events_by_time: bool = False  # the period holds a small part of all step events

    def win(self, column: str) -> str:
        """`column` falls within the period. A bound that is not set is left out, so that without
        one SQLite scans the table instead of walking the whole of a timestamp index."""
        return f"{self.after(column)} AND {self.before(column)}"

    def after(self, column: str) -> str:
        return f"{column} >= :lo" if self.since else "1"

    def before(self, column: str) -> str:
        return f"{column} < :hi" if self.until else "1"

    def rows_from(self, table: str, alias: str) -> str:
        """The rows of `table` (as `alias`) that belong to learners in scope, joined to rep_learner as
        `lr`: reached learner by learner when those are few, else read straight through the table
        (SQLite would otherwise walk the learner index to save a sort, fetching rows at random)."""
        if self.few_learners:
            return f"rep_learner lr CROSS JOIN {table} {alias} ON {alias}.learner_id = lr.id"
        return f"{table} {alias} NOT INDEXED JOIN rep_learner lr ON lr.id = {alias}.learner_id"

    def progress_from(self) -> str:
        return self.rows_from("lesson_progress", "p")

    def events_from(self) -> str:
        """step_event rows in scope (`e`), the cheapest way: learner by learner when the learners in
        scope are few, through the timestamp index when the period holds few events, else straight
        through the table (SQLite would otherwise walk an index and fetch every row)."""
        if self.few_learners:
            source = "rep_learner lr CROSS JOIN step_event e ON e.learner_id = lr.id"
        elif self.events_by_time:
            source = "step_event e"
        else:
            source = "step_event e NOT INDEXED"
        if self.cohorts and not self.few_learners:
            source += " JOIN rep_learner lr ON lr.id = e.learner_id"
        if self.track:
            source += " JOIN rep_lesson cur ON cur.lesson_id = e.lesson_id"
        return source

    def outcome_join(self, alias: str) -> str:
        """Outcomes in scope. Without a track filter every outcome counts, and one whose lesson is
        not taught (or absent) has no track: "(none)". With one, only that track's lessons count."""
        kind = "JOIN" if self.track else "LEFT JOIN"
        return f"{kind} rep_lesson cur ON cur.lesson_id = {alias}.lesson_id"


def _ts(moment: datetime) -> str:
    """A moment as the database stores it: naive UTC text."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _local_midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=zone).astimezone(UTC)


def offset_modifier(timezone: str, at: datetime) -> str:
    """The zone's UTC offset at `at` as an SQLite date modifier, e.g. '+480 minutes'."""
    moment = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
    offset = moment.astimezone(ZoneInfo(timezone)).utcoffset() or timedelta(0)
    return f"{int(offset.total_seconds() // 60):+d} minutes"


def _scope(flt: ReportFilter, now: datetime, timezone: str) -> _Scope:
    zone = ZoneInfo(timezone)
    now_utc = now.replace(tzinfo=UTC) if now.tzinfo is None else now.astimezone(UTC)
    lo = _local_midnight(flt.since, zone) if flt.since else None
    hi = _local_midnight(flt.until + timedelta(days=1), zone) if flt.until else None
    ref = min(hi, now_utc) if hi is not None else now_utc  # "the last 7 days" end here

    def days_before(days: int) -> str:
        start = ref - timedelta(days=days)
        return _ts(max(start, lo) if lo is not None else start)

    mod = offset_modifier(timezone, ref)
    params: dict[str, Any] = {
        "lo": _ts(lo) if lo else _FAR_PAST,
        "hi": _ts(hi) if hi else _FAR_FUTURE,
        "a7": days_before(7),
        "a30": days_before(30),
        "mod": mod,
    }
    whole_hours = int(mod.split()[0]) % 60 == 0
    return _Scope(
        params, flt.track is not None, flt.cohorts is not None, lo is not None, hi is not None, whole_hours
    )


# The report's temporary tables, on its own connection (see _fill_scope).
_SCOPE_TABLES = ("rep_lesson", "rep_cell", "rep_learner", "rep_cellp", "rep_steps", "rep_recent")


def _fill_scope(conn: Connection, curriculum: Curriculum, flt: ReportFilter, s: _Scope) -> _Scope:
    """Create and fill the temporary tables the queries share.

    rep_lesson: the lessons in scope (every lesson, or the filtered track's); rep_cell: their
    track × tier cells and how many lessons each holds; rep_learner: the learners in scope and their
    cohort. Then aggregates read once and shared by several tables: rep_cellp, each learner's
    progress in each cell (one pass over lesson_progress); rep_steps, the distinct learner, lesson
    and hour of their steps in the period (one pass over step_event); and rep_recent, each learner's
    cells with a step in the last 30 (and 7) days of the period, from rep_steps. Small keyed tables
    let SQLite look them up cheaply while it scans each big event table once.
    """
    _drop_scope(conn)
    conn.exec_driver_sql(
        "CREATE TEMP TABLE rep_lesson (lesson_id TEXT PRIMARY KEY, track TEXT NOT NULL, tier TEXT NOT NULL,"
        " nsteps INTEGER NOT NULL, nquestions INTEGER NOT NULL, track_order INTEGER NOT NULL,"
        " tier_rank INTEGER NOT NULL, lesson_order INTEGER NOT NULL) WITHOUT ROWID"
    )
    conn.exec_driver_sql(
        "CREATE TEMP TABLE rep_cell (track TEXT NOT NULL, tier TEXT NOT NULL, n INTEGER NOT NULL,"
        " track_order INTEGER NOT NULL, tier_rank INTEGER NOT NULL, PRIMARY KEY (track, tier)) WITHOUT ROWID"
    )
    conn.exec_driver_sql("CREATE TEMP TABLE rep_learner (id INTEGER PRIMARY KEY, cohort TEXT NOT NULL)")
    conn.exec_driver_sql(
        "CREATE TEMP TABLE rep_cellp (learner_id INTEGER NOT NULL, track TEXT NOT NULL, tier TEXT NOT NULL,"
        " cohort TEXT NOT NULL, started_in INTEGER NOT NULL, first_start TEXT NOT NULL,"
        " n_done INTEGER NOT NULL, last_done TEXT, done_in INTEGER NOT NULL,"
        " PRIMARY KEY (learner_id, track, tier)) WITHOUT ROWID"
    )
    conn.exec_driver_sql(
        "CREATE TEMP TABLE rep_steps (learner_id INTEGER NOT NULL, lesson_id TEXT NOT NULL,"
        " hour TEXT NOT NULL, r7 INTEGER NOT NULL, r30 INTEGER NOT NULL)"
    )
    conn.exec_driver_sql(
        "CREATE TEMP TABLE rep_recent (learner_id INTEGER NOT NULL, track TEXT NOT NULL, tier TEXT NOT NULL,"
        " cohort TEXT NOT NULL, a7 INTEGER NOT NULL, PRIMARY KEY (learner_id, track, tier)) WITHOUT ROWID"
    )
    order = {track: i for i, track in enumerate(curriculum.track_ids)}
    lessons = [
        {
            "lesson_id": ls.id,
            "track": ls.track,
            "tier": ls.tier.value,
            "nsteps": len(ls.steps),
            "nquestions": len(ls.questions),
            "track_order": order.get(ls.track, len(order)),
            "tier_rank": ls.tier.rank,
            "lesson_order": i,
        }
        for i, ls in enumerate(curriculum.ordered_lessons())
        if flt.track is None or ls.track == flt.track
    ]
    if lessons:
        conn.execute(
            text(
                "INSERT INTO rep_lesson VALUES (:lesson_id, :track, :tier, :nsteps, :nquestions,"
                " :track_order, :tier_rank, :lesson_order)"
            ),
            lessons,
        )
    conn.exec_driver_sql(
        "INSERT INTO rep_cell SELECT track, tier, COUNT(*), MIN(track_order), MIN(tier_rank)"
        " FROM rep_lesson GROUP BY track, tier"
    )
    params = dict(s.params)
    where = s.before("created_at")
    if flt.cohorts is not None:
        named = [c for c in flt.cohorts if c != NONE]
        parts = [f"cohort IN ({', '.join(f':c{i}' for i in range(len(named)))})"] if named else []
        params.update({f"c{i}": cohort for i, cohort in enumerate(named)})
        if NONE in flt.cohorts:
            parts.append("cohort IS NULL")
        where += f" AND ({' OR '.join(parts) or '0'})"
    # Trainers and admins talk to the bot too (to answer questions, to ask for this report); they
    # are not learners. Mentors are: they stay.
    where += (
        " AND NOT (channel = 'telegram' AND external_id IN (SELECT user_id FROM staff_role"
        " UNION SELECT trainer_id FROM cohort WHERE trainer_id IS NOT NULL))"
    )
    sql = f"INSERT INTO rep_learner SELECT id, COALESCE(cohort, '{NONE}') FROM learner WHERE {where}"
    conn.execute(text(sql), params)
    s = _choose_paths(conn, s)
    done = f"p.status = 'completed' AND {s.before('p.completed_at')}"
    conn.execute(
        text(f"""INSERT INTO rep_cellp
SELECT p.learner_id, cur.track, cur.tier, MIN(lr.cohort),
       MAX({s.after("p.started_at")}), MIN(p.started_at),
       SUM({done}), MAX(CASE WHEN {done} THEN p.completed_at END),
       SUM(p.status = 'completed' AND {s.win("p.completed_at")})
FROM {s.progress_from()} JOIN rep_lesson cur ON cur.lesson_id = p.lesson_id
WHERE {s.before("p.started_at")}
GROUP BY p.learner_id, cur.track, cur.tier"""),
        s.params,
    )
    # Step events, read once: each learner's lessons by UTC hour, with whether they fall in the last
    # 7 or 30 days of the period. Weekly activity and recent activity both come from this table,
    # a tenth the size of step_event.
    cut = 13 if s.whole_hours else 16  # to the hour; to the minute for zones such as +05:30
    conn.execute(
        text(f"""INSERT INTO rep_steps
SELECT DISTINCT e.learner_id, e.lesson_id, substr(e.at, 1, {cut}), e.at >= :a7, e.at >= :a30
FROM {s.events_from()}
WHERE {s.win("e.at")}"""),
        s.params,
    )
    conn.exec_driver_sql(
        """INSERT INTO rep_recent
SELECT e.learner_id, cur.track, cur.tier, MIN(lr.cohort), MAX(e.r7)
FROM rep_steps e JOIN rep_lesson cur ON cur.lesson_id = e.lesson_id
     JOIN rep_learner lr ON lr.id = e.learner_id
WHERE e.r30
GROUP BY e.learner_id, cur.track, cur.tier"""
    )
    return s


def _choose_paths(conn: Connection, s: _Scope) -> _Scope:
    """Pick how to reach the big tables from a few cheap counts (each one index or one seek)."""
    few_learners = False
    if s.cohorts:
        in_scope = conn.exec_driver_sql("SELECT COUNT(*) FROM rep_learner").scalar() or 0
        everyone = conn.exec_driver_sql("SELECT COUNT(*) FROM learner").scalar() or 0
        few_learners = in_scope * 5 < everyone
    events_by_time = False
    if s.since and not few_learners:
        sql = f"SELECT COUNT(*) FROM step_event WHERE at >= :lo AND {s.before('at')}"
        in_period = conn.execute(text(sql), s.params).scalar() or 0
        span = conn.exec_driver_sql("SELECT MAX(id) - MIN(id) + 1 FROM step_event").scalar() or 0
        events_by_time = in_period * 5 < span
    return replace(s, few_learners=few_learners, events_by_time=events_by_time)


def _drop_scope(conn: Connection) -> None:
    for name in _SCOPE_TABLES:
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS temp.{name}")


def _rows(conn: Connection, sql: str, scope: _Scope) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in conn.execute(text(sql), scope.params).all()]


# Cohort rows first (alphabetical), then the "(all)" row.
_COHORT_ORDER = f"CASE cohort WHEN '{ALL}' THEN 1 ELSE 0 END, cohort"


def _summary(conn: Connection, s: _Scope) -> list[tuple[Any, ...]]:
    sql = f"""WITH
lp AS (
  SELECT c.learner_id, MAX(c.started_in) AS started, SUM(c.done_in) AS done,
         SUM(c.n_done >= cell.n AND {s.after("c.last_done")}) AS tiers
  FROM rep_cellp c JOIN rep_cell cell ON cell.track = c.track AND cell.tier = c.tier
  GROUP BY c.learner_id),
act AS (SELECT learner_id, MAX(a7) AS a7 FROM rep_recent GROUP BY learner_id),
ap AS (
  SELECT DISTINCT r.learner_id
  FROM {s.rows_from("practice_report", "r")} JOIN rep_lesson cur ON cur.lesson_id = r.lesson_id
  WHERE r.status = 'done' AND {s.win("r.at")}),
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
  FROM g)
ORDER BY {_COHORT_ORDER}"""
    return _rows(conn, sql, s)


def _median_ctes(source: str, keys: str, value: str, name: str) -> str:
    """Two CTEs, `run` and `med`: the median of `value` for each group of `keys`, from `source`'s
    rows of (keys…, value, k), k being how often the value occurs. A running total finds the middle
    (SQLite has no MEDIAN), sorting only the distinct values."""
    return f"""run AS (
  SELECT {keys}, {value}, SUM(k) OVER w AS upto, SUM(k) OVER p AS n
  FROM {source}
  WINDOW p AS (PARTITION BY {keys}),
         w AS (PARTITION BY {keys} ORDER BY {value} ROWS UNBOUNDED PRECEDING)),
med AS (
  SELECT {keys},
         (MIN(CASE WHEN upto >= (n + 1) / 2 THEN {value} END)
          + MIN(CASE WHEN upto >= (n + 2) / 2 THEN {value} END)) / 2.0 AS {name}
  FROM run GROUP BY {keys})"""


def _completion(conn: Connection, s: _Scope) -> list[tuple[Any, ...]]:
    sql = f"""WITH
ls AS (
  SELECT c.cohort, c.track, c.tier, (c.n_done >= cell.n) AS done,
         julianday(c.last_done) - julianday(c.first_start) AS days
  FROM rep_cellp c JOIN rep_cell cell ON cell.track = c.track AND cell.tier = c.tier
  WHERE c.started_in),
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
  FROM ls WHERE done GROUP BY 1, 2, 3, 4),
d2 AS (
  SELECT * FROM dv UNION ALL SELECT '{ALL}', track, tier, days, SUM(k) FROM dv GROUP BY track, tier, days),
{_median_ctes("d2", "cohort, track, tier", "days", "median_days")},
keys AS (
  SELECT cohort, track, tier FROM g1a UNION SELECT cohort, track, tier FROM g2a
  UNION SELECT '{ALL}', track, tier FROM rep_cell)
SELECT k.cohort, k.track, k.tier,
       COALESCE(g1a.started, 0), COALESCE(g2a.a7, 0), COALESCE(g2a.a30, 0), COALESCE(g1a.completed, 0),
       CASE WHEN g1a.started > 0 THEN ROUND(1.0 * g1a.completed / g1a.started, 3) ELSE 0.0 END,
       ROUND(med.median_days, 1)
FROM keys k JOIN rep_cell cell ON cell.track = k.track AND cell.tier = k.tier
     LEFT JOIN g1a ON g1a.cohort = k.cohort AND g1a.track = k.track AND g1a.tier = k.tier
     LEFT JOIN g2a ON g2a.cohort = k.cohort AND g2a.track = k.track AND g2a.tier = k.tier
     LEFT JOIN med ON med.cohort = k.cohort AND med.track = k.track AND med.tier = k.tier
ORDER BY CASE k.cohort WHEN '{ALL}' THEN 1 ELSE 0 END, k.cohort, cell.track_order, cell.tier_rank"""
    return _rows(conn, sql, s)


def _dropoff(conn: Connection, s: _Scope) -> list[tuple[Any, ...]]:
    # The furthest step a learner saw, from their step events; one index seek per unfinished lesson
    # (ix_step_event_learner_lesson_step, migration 0007).
    until = " AND e.at < :hi" if s.until else ""
    sql = f"""WITH
pop AS (
  SELECT p.lesson_id, cur.nsteps,
         (p.status = 'completed' AND {s.before("p.completed_at")}) AS done,
         CASE WHEN p.status = 'completed' AND {s.before("p.completed_at")} THEN cur.nsteps - 1
              ELSE COALESCE((SELECT MAX(e.step) FROM step_event e
                             WHERE e.learner_id = p.learner_id AND e.lesson_id = p.lesson_id{until}),
                            p.step) END AS furthest
  FROM {s.progress_from()} JOIN rep_lesson cur ON cur.lesson_id = p.lesson_id
  WHERE {s.win("p.started_at")}),
agg AS (
  SELECT lesson_id, MIN(MAX(furthest, 0), nsteps - 1) AS step, COUNT(*) AS n, SUM(NOT done) AS stopped
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
       CASE WHEN per.reached > 0 THEN ROUND(1.0 * per.stopped / per.reached, 3) ELSE 0.0 END
FROM per JOIN rep_lesson cur ON cur.lesson_id = per.lesson_id
ORDER BY cur.lesson_order, per.step"""
    return _rows(conn, sql, s)


def _check_questions(conn: Connection, s: _Scope) -> list[tuple[Any, ...]]:
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
         (SELECT (COUNT(*) << 32) + COALESCE(SUM(x.first_right IS x.first_at), 0)
          FROM (SELECT MIN(a.at) AS first_at, MIN(CASE WHEN a.correct THEN a.at END) AS first_right
                FROM check_answer a {learners}
                WHERE a.lesson_id = q.lesson_id AND a.question = q.question AND {s.before("a.at")}
                GROUP BY a.learner_id) x
          WHERE {s.after("x.first_at")}) AS p
  FROM q),
counts AS (SELECT lesson_id, question, p >> 32 AS learners, p & 4294967295 AS right_first FROM packed)
SELECT lesson_id, question, learners, right_first, ROUND(1.0 * right_first / learners, 3) AS rate
FROM counts WHERE learners > 0
ORDER BY rate, learners DESC, lesson_id, question"""
    return _rows(conn, sql, s)


def _faq(conn: Connection, s: _Scope) -> list[tuple[Any, ...]]:
    sql = f"""WITH
g AS (
  SELECT lr.cohort, COUNT(*) AS asked,
         SUM(f.decision = 'answer') AS answered,
         SUM(f.decision = 'choices') AS choices,
         SUM(f.decision = 'none') AS none_,
         SUM(COALESCE(f.picked, '') = 'none') AS picked_none,
         SUM(f.handed_off_at IS NOT NULL) AS handed_off,
         SUM(f.answered_at IS NOT NULL) AS by_person
  FROM faq_question f JOIN rep_learner lr ON lr.id = f.learner_id
  WHERE {s.win("f.asked_at")}
  GROUP BY lr.cohort)
SELECT * FROM (
  SELECT * FROM g
  UNION ALL
  SELECT '{ALL}', COALESCE(SUM(asked), 0), COALESCE(SUM(answered), 0), COALESCE(SUM(choices), 0),
         COALESCE(SUM(none_), 0), COALESCE(SUM(picked_none), 0), COALESCE(SUM(handed_off), 0),
         COALESCE(SUM(by_person), 0)
  FROM g)
ORDER BY {_COHORT_ORDER}"""
    return _rows(conn, sql, s)


def _faq_unanswered(conn: Connection, s: _Scope) -> list[tuple[Any, ...]]:
    sql = f"""
SELECT lower(trim(f.text)) AS question, COUNT(*) AS times, date(MAX(f.asked_at), :mod) AS last_asked,
       SUM(f.handed_off_at IS NOT NULL), SUM(f.answered_at IS NOT NULL)
FROM faq_question f JOIN rep_learner lr ON lr.id = f.learner_id
WHERE {s.win("f.asked_at")}
  AND (f.decision = 'none' OR COALESCE(f.picked, '') = 'none')
GROUP BY lower(trim(f.text))
ORDER BY times DESC, last_asked DESC, question
LIMIT 20"""
    return _rows(conn, sql, s)


def _funnel(conn: Connection, s: _Scope) -> list[tuple[Any, ...]]:
    sql = f"""WITH
ev AS (
  SELECT learner_id, track, MAX(started_in) AS s, MAX(done_in > 0) AS c, 0 AS a, 0 AS o
  FROM rep_cellp GROUP BY learner_id, track
  UNION ALL
  SELECT r.learner_id, cur.track, 0, 0, 1, 0
  FROM {s.rows_from("practice_report", "r")} JOIN rep_lesson cur ON cur.lesson_id = r.lesson_id
  WHERE r.status = 'done' AND {s.win("r.at")}
  GROUP BY r.learner_id, cur.track
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
    return _rows(conn, sql, s)


def _outcomes(conn: Connection, s: _Scope) -> list[tuple[Any, ...]]:
    # Counts from one row per learner, track and unit; medians from the distinct values with how
    # often each was given (a running total finds the middle), so the window functions sort far
    # fewer rows than there are outcomes.
    sql = f"""WITH
b AS MATERIALIZED (
  SELECT lr.cohort, COALESCE(cur.track, '{NONE}') AS track, o.unit, o.value, o.learner_id, o.asked
  FROM {s.rows_from("outcome", "o")} {s.outcome_join("o")}
  WHERE {s.win("o.at")}),
bl AS MATERIALIZED (
  SELECT cohort, track, unit, learner_id, COUNT(*) AS reports, SUM(value) AS total, SUM(asked) AS asked
  FROM b GROUP BY learner_id, track, unit),
stats AS (
  SELECT cohort, track, unit, SUM(reports) AS reports, COUNT(*) AS learners, SUM(total) AS total,
         SUM(asked) AS asked
  FROM bl GROUP BY cohort, track, unit
  UNION ALL
  SELECT '{ALL}', track, unit, SUM(reports), COUNT(*), SUM(total), SUM(asked) FROM bl GROUP BY track, unit
  UNION ALL
  SELECT cohort, '{ALL}', unit, SUM(reports), COUNT(DISTINCT learner_id), SUM(total), SUM(asked)
  FROM bl GROUP BY cohort, unit
  UNION ALL
  SELECT '{ALL}', '{ALL}', unit, SUM(reports), COUNT(DISTINCT learner_id), SUM(total), SUM(asked)
  FROM bl GROUP BY unit),
bv AS MATERIALIZED (
  SELECT cohort, track, unit, value, COUNT(*) AS k FROM b GROUP BY cohort, track, unit, value),
v4 AS (
  SELECT * FROM bv
  UNION ALL SELECT '{ALL}', track, unit, value, SUM(k) FROM bv GROUP BY track, unit, value
  UNION ALL SELECT cohort, '{ALL}', unit, value, SUM(k) FROM bv GROUP BY cohort, unit, value
  UNION ALL SELECT '{ALL}', '{ALL}', unit, value, SUM(k) FROM bv GROUP BY unit, value),
{_median_ctes("v4", "cohort, track, unit", "value", "median")},
tord AS (SELECT track, MIN(track_order) AS o FROM rep_cell GROUP BY track)
SELECT st.cohort, st.track, st.unit, st.reports, st.learners, ROUND(st.total, 2), ROUND(med.median, 2),
       st.asked, st.reports - st.asked
FROM stats st
     JOIN med ON med.cohort = st.cohort AND med.track = st.track AND med.unit = st.unit
     LEFT JOIN tord ON tord.track = st.track
ORDER BY CASE st.cohort WHEN '{ALL}' THEN 1 ELSE 0 END, st.cohort,
         CASE st.track WHEN '{ALL}' THEN 2 WHEN '{NONE}' THEN 1 ELSE 0 END, tord.o, st.unit"""
    return _rows(conn, sql, s)


def _weekly(conn: Connection, s: _Scope) -> list[tuple[Any, ...]]:
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
ORDER BY week, {_COHORT_ORDER}"""
    return _rows(conn, sql, s)


def _cohorts(conn: Connection) -> list[tuple[Any, ...]]:
    """The cohorts in scope with their names, so readers see 李家村 and not only its code."""
    sql = f"""SELECT lr.cohort, COALESCE(c.name, ''), COUNT(*)
FROM rep_learner lr LEFT JOIN cohort c ON c.code = lr.cohort
GROUP BY lr.cohort ORDER BY {_COHORT_ORDER.replace("cohort", "lr.cohort")}"""
    return [tuple(row) for row in conn.exec_driver_sql(sql).all()]


def _learners(conn: Connection, s: _Scope) -> list[tuple[Any, ...]]:
    sql = f"""WITH
lc AS (SELECT learner_id, SUM(done_in) AS n FROM rep_cellp GROUP BY learner_id),
ap AS (
  SELECT r.learner_id, COUNT(*) AS n
  FROM {s.rows_from("practice_report", "r")} JOIN rep_lesson cur ON cur.lesson_id = r.lesson_id
  WHERE r.status = 'done' AND {s.win("r.at")}
  GROUP BY r.learner_id),
oc AS (
  SELECT o.learner_id, COUNT(*) AS n FROM {s.rows_from("outcome", "o")} {s.outcome_join("o")}
  WHERE {s.win("o.at")}
  GROUP BY o.learner_id)
SELECT l.name, l.external_id, l.channel, lr.cohort, COALESCE(lc.n, 0), COALESCE(ap.n, 0),
       COALESCE(oc.n, 0), date(l.last_active_at, :mod)
FROM rep_learner lr JOIN learner l ON l.id = lr.id
     LEFT JOIN lc ON lc.learner_id = lr.id
     LEFT JOIN ap ON ap.learner_id = lr.id
     LEFT JOIN oc ON oc.learner_id = lr.id
ORDER BY lr.cohort, l.name, l.id"""
    return _rows(conn, sql, s)


def _table(key: str, rows: Sequence[Sequence[Cell]], lang: str) -> Table:
    columns = COLUMNS[key]
    clean = tuple(tuple(row) for row in rows)
    for row in clean:
        assert len(row) == len(columns), (key, row)
    return Table(key, TITLES[key][_lang(lang)], columns, clean, NOTES.get(key, {}).get(_lang(lang), ""))


def _lang(lang: str) -> str:
    return lang if lang in ("zh", "en") else "en"


def build_report(
    engine: Engine,
    curriculum: Curriculum,
    flt: ReportFilter,
    now: datetime,
    timezone: str = "Asia/Shanghai",
    lang: str = "en",
) -> Report:
    """Count everything the administrator report shows, for the learners and period `flt` picks."""
    if flt.track is not None and flt.track not in curriculum.tracks:
        known = ", ".join(curriculum.track_ids) or "none"
        raise UnknownTrack(f"no track {flt.track!r} (known: {known})")
    if flt.since and flt.until and flt.since > flt.until:
        raise ValueError(f"since ({flt.since}) is after until ({flt.until})")
    q = _scope(flt, now, timezone)
    lessons = curriculum.lessons
    with engine.connect() as conn:
        # One connection and one transaction: every table is counted from the same snapshot.
        q = _fill_scope(conn, curriculum, flt, q)
        summary = _summary(conn, q)
        completion = _completion(conn, q)
        dropoff = [
            (track, tier, lid, lessons[lid].title.get(lang), step, reached, stopped, rate)
            for track, tier, lid, step, reached, stopped, rate in _dropoff(conn, q)
        ]
        checks = [
            (lid, question + 1, _ask(curriculum, lid, question, lang), n, right, rate)
            for lid, question, n, right, rate in _check_questions(conn, q)
        ]
        faq = _faq(conn, q)
        unanswered = _faq_unanswered(conn, q)
        funnel = _funnel(conn, q)
        outcomes = _outcomes(conn, q)
        weekly = _weekly(conn, q)
        cohorts = _cohorts(conn)
        named = _learners(conn, q) if flt.named else None
        conn.rollback()
        _drop_scope(conn)
    tables = [
        _table("summary", summary, lang),
        _table("completion", completion, lang),
        _table("dropoff", dropoff, lang),
        _table("check_questions", checks, lang),
        _table("faq", faq, lang),
        _table("faq_unanswered", unanswered, lang),
        _table("funnel", funnel, lang),
        _table("outcomes", outcomes, lang),
        _table("weekly", weekly, lang),
        _table("cohorts", cohorts, lang),
    ]
    if named is not None:
        tables.append(_table("learners", named, lang))
    titles = tuple((t, curriculum.tracks[t].title.get(lang)) for t in curriculum.track_ids)
    generated = now.replace(tzinfo=UTC) if now.tzinfo is None else now.astimezone(UTC)
    return Report(generated, flt, tuple(tables), timezone, _lang(lang), titles)


def _ask(curriculum: Curriculum, lesson_id: str, question: int, lang: str) -> str:
    questions = curriculum.lessons[lesson_id].questions
    return questions[question].ask.get(lang) if 0 <= question < len(questions) else ""
