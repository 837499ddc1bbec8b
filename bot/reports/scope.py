"""The report's scope: which learners, lessons and period it covers, held in temporary tables.

`make_scope` binds the period's ends and the time zone's offset; `fill_scope` fills the temporary
tables every table query reads (the lessons taught, the learners in scope, their progress per tier,
their step events by hour) and picks how to reach the big tables. Timestamps are stored as naive
UTC text ('YYYY-MM-DD HH:MM:SS.ffffff'), so the period's ends are bound as text in the same form
(PostgreSQL reads that text as a UTC timestamptz). The SQL is plain where it can be; the few
places SQLite and PostgreSQL differ go through `bot.reports.dialect` (the scope's `d`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from bot.content.loader import Curriculum
from bot.reports.dialect import POSTGRES, SQLITE, Dialect, plain
from bot.reports.model import ALL, NONE, ReportFilter

FAR_PAST = "0001-01-01 00:00:00.000000"
FAR_FUTURE = "9999-12-31 23:59:59.999999"
RECENT = timedelta(weeks=4)  # without --since, the headline compares the last 4 weeks with the 4 before


@dataclass(frozen=True)
class Scope:
    """The bound parameters every query shares, and a few facts that shape the SQL."""

    params: dict[str, Any]
    track: bool  # a track filter is set
    cohorts: bool  # a cohort filter is set
    since: bool  # the period starts on a given day (else: at the beginning)
    until: bool  # the period ends on a given day (else: now)
    whole_hours: bool  # the zone's offset is a whole number of hours
    # How to reach the big tables, chosen by fill_scope from the sizes it finds.
    few_learners: bool = False  # the learners in scope are a small part of all learners
    events_by_time: bool = False  # the period holds a small part of all step events
    # The headline's comparison, as local dates (first, last): the recent window and the one before.
    windows: tuple[tuple[date, date], tuple[date, date]] | None = None
    d: Dialect = SQLITE  # the database's few differences, set by fill_scope

    def win(self, column: str) -> str:
        """`column` falls within the period. A bound that is not set is left out, so that without
        one SQLite scans the table instead of walking the whole of a timestamp index."""
        return f"{self.after(column)} AND {self.before(column)}"

    def after(self, column: str) -> str:
        return f"{column} >= :lo" if self.since else "TRUE"

    def before(self, column: str) -> str:
        return f"{column} < :hi" if self.until else "TRUE"

    def rows_from(self, table: str, alias: str) -> str:
        """The rows of `table` (as `alias`) that belong to learners in scope, joined to rep_learner as
        `lr`: reached learner by learner when those are few, else read straight through the table
        (SQLite would otherwise walk the learner index to save a sort, fetching rows at random)."""
        if self.few_learners:
            return f"rep_learner lr {self.d.cross_join} {table} {alias} ON {alias}.learner_id = lr.id"
        return f"{self.d.not_indexed(table, alias)} JOIN rep_learner lr ON lr.id = {alias}.learner_id"

    def progress_from(self) -> str:
        return self.rows_from("lesson_progress", "p")

    def events_from(self) -> str:
        """step_event rows in scope (`e`), the cheapest way: learner by learner when the learners in
        scope are few, through the timestamp index when the period holds few events, else straight
        through the table (SQLite would otherwise walk an index and fetch every row)."""
        if self.few_learners:
            source = f"rep_learner lr {self.d.cross_join} step_event e ON e.learner_id = lr.id"
        elif self.events_by_time:
            source = "step_event e"
        else:
            source = self.d.not_indexed("step_event", "e")
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


def ts(moment: datetime) -> str:
    """A moment as the database stores it: naive UTC text."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=zone).astimezone(UTC)


def offset_modifier(timezone: str, at: datetime) -> str:
    """The zone's UTC offset at `at` as an SQLite date modifier, e.g. '+480 minutes'."""
    moment = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
    offset = moment.astimezone(ZoneInfo(timezone)).utcoffset() or timedelta(0)
    return f"{int(offset.total_seconds() // 60):+d} minutes"


def make_scope(flt: ReportFilter, now: datetime, timezone: str) -> Scope:
    zone = ZoneInfo(timezone)
    now_utc = now.replace(tzinfo=UTC) if now.tzinfo is None else now.astimezone(UTC)
    lo = local_midnight(flt.since, zone) if flt.since else None
    hi = local_midnight(flt.until + timedelta(days=1), zone) if flt.until else None
    ref = min(hi, now_utc) if hi is not None else now_utc  # "the last 7 days" end here

    def days_before(days: int) -> str:
        start = ref - timedelta(days=days)
        return ts(max(start, lo) if lo is not None else start)

    # The headline's comparison: the period itself against the same length just before it, or,
    # for a report from the beginning, its last four weeks against the four weeks before.
    recent_lo = lo if lo is not None and lo < ref else ref - RECENT
    previous_lo = recent_lo - (ref - recent_lo)
    mod = offset_modifier(timezone, ref)
    params: dict[str, Any] = {
        "lo": ts(lo) if lo else FAR_PAST,
        "hi": ts(hi) if hi else FAR_FUTURE,
        "a7": days_before(7),
        "a30": days_before(30),
        "mod": mod,
        "ref": ts(ref),  # the period's end, or now: "recent" windows end here
        "r_lo": ts(recent_lo),
        "p_lo": ts(previous_lo),
    }
    whole_hours = int(mod.split()[0]) % 60 == 0

    def days(first: datetime, end: datetime) -> tuple[date, date]:
        return first.astimezone(zone).date(), (end - timedelta(microseconds=1)).astimezone(zone).date()

    windows = (days(recent_lo, ref), days(previous_lo, recent_lo))
    return Scope(
        params,
        flt.track is not None,
        flt.cohorts is not None,
        lo is not None,
        hi is not None,
        whole_hours,
        windows=windows,
    )


# The headline's two windows to compare (see make_scope), as conditions on a timestamp column.
RECENT_WINDOW = "{c} >= :r_lo AND {c} < :ref"
PREVIOUS_WINDOW = "{c} >= :p_lo AND {c} < :r_lo"

# The report's temporary tables, on its own connection (see fill_scope).
SCOPE_TABLES = (
    "rep_lesson",
    "rep_cell",
    "rep_learner",
    "rep_cellp",
    "rep_apply",
    "rep_steps",
    "rep_recent",
)


def fill_scope(conn: Connection, curriculum: Curriculum, flt: ReportFilter, s: Scope) -> Scope:
    """Create and fill the temporary tables the queries share.

    rep_lesson: the lessons in scope (every lesson, or the filtered track's); rep_cell: their
    track × tier cells and how many lessons each holds; rep_learner: the learners in scope, their
    cohort and when they joined (so the wide learner table is read once). Then aggregates read
    once and shared by several tables: rep_cellp, each learner's progress in each cell, with
    whether they started or finished a lesson of it in the headline's two windows (one pass over
    lesson_progress); rep_apply, each learner's practice tasks done per track, in the period and in
    the headline's windows (one pass over practice_report); rep_steps, the distinct learner, lesson
    and hour of their steps in the period (one pass over step_event); and rep_recent, each
    learner's cells with a step in the last 30 (and 7) days of the period, from rep_steps. Small
    keyed tables let SQLite look them up cheaply while it scans each big event table once.
    """
    s = replace(s, d=POSTGRES if conn.dialect.name == "postgresql" else SQLITE)
    if s.d.pg:
        tune_postgres(conn)
    drop_scope(conn)
    keyed, stamp = s.d.keyed, s.d.stamp
    conn.exec_driver_sql(
        "CREATE TEMP TABLE rep_lesson (lesson_id TEXT PRIMARY KEY, track TEXT NOT NULL, tier TEXT NOT NULL,"
        " nsteps INTEGER NOT NULL, nquestions INTEGER NOT NULL, track_order INTEGER NOT NULL,"
        f" tier_rank INTEGER NOT NULL, lesson_order INTEGER NOT NULL){keyed}"
    )
    conn.exec_driver_sql(
        "CREATE TEMP TABLE rep_cell (track TEXT NOT NULL, tier TEXT NOT NULL, n INTEGER NOT NULL,"
        f" track_order INTEGER NOT NULL, tier_rank INTEGER NOT NULL, PRIMARY KEY (track, tier)){keyed}"
    )
    conn.exec_driver_sql(
        "CREATE TEMP TABLE rep_learner (id INTEGER PRIMARY KEY, cohort TEXT NOT NULL,"
        f" created_at {stamp} NOT NULL)"
    )
    conn.exec_driver_sql(
        "CREATE TEMP TABLE rep_cellp (learner_id INTEGER NOT NULL, track TEXT NOT NULL, tier TEXT NOT NULL,"
        f" cohort TEXT NOT NULL, started_in INTEGER NOT NULL, first_start {stamp} NOT NULL,"
        f" n_done INTEGER NOT NULL, last_done {stamp}, done_in INTEGER NOT NULL,"
        " s1 INTEGER NOT NULL, s2 INTEGER NOT NULL, c1 INTEGER NOT NULL, c2 INTEGER NOT NULL,"
        f" PRIMARY KEY (learner_id, track, tier)){keyed}"
    )
    conn.exec_driver_sql(
        "CREATE TEMP TABLE rep_apply (learner_id INTEGER NOT NULL, track TEXT NOT NULL,"
        " a_in INTEGER NOT NULL, n_in INTEGER NOT NULL, a1 INTEGER NOT NULL, a2 INTEGER NOT NULL,"
        f" PRIMARY KEY (learner_id, track)){keyed}"
    )
    conn.exec_driver_sql(
        "CREATE TEMP TABLE rep_steps (learner_id INTEGER NOT NULL, lesson_id TEXT NOT NULL,"
        f" hour {stamp} NOT NULL, r7 INTEGER NOT NULL, r30 INTEGER NOT NULL)"
    )
    conn.exec_driver_sql(
        "CREATE TEMP TABLE rep_recent (learner_id INTEGER NOT NULL, track TEXT NOT NULL, tier TEXT NOT NULL,"
        f" cohort TEXT NOT NULL, a7 INTEGER NOT NULL, PRIMARY KEY (learner_id, track, tier)){keyed}"
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
        where += f" AND ({' OR '.join(parts) or 'FALSE'})"
    # Trainers and admins talk to the bot too (to answer questions, to ask for this report); they
    # are not learners. Mentors are: they stay.
    where += (
        " AND NOT (channel = 'telegram' AND external_id IN (SELECT user_id FROM staff_role"
        " UNION SELECT trainer_id FROM cohort WHERE trainer_id IS NOT NULL))"
    )
    sql = (
        f"INSERT INTO rep_learner SELECT id, COALESCE(cohort, '{NONE}'), created_at FROM learner"
        f" WHERE {where}"
    )
    conn.execute(text(sql), params)
    s = choose_paths(conn, s)
    done = f"p.status = 'completed' AND {s.before('p.completed_at')}"
    flag, recent, previous = s.d.flag, RECENT_WINDOW, PREVIOUS_WINDOW
    conn.execute(
        text(f"""INSERT INTO rep_cellp
SELECT p.learner_id, cur.track, cur.tier, MIN(lr.cohort),
       MAX({flag(s.after("p.started_at"))}), MIN(p.started_at),
       SUM({flag(done)}), MAX(CASE WHEN {done} THEN p.completed_at END),
       SUM({flag("p.status = 'completed' AND " + s.win("p.completed_at"))}),
       MAX({flag(recent.format(c="p.started_at"))}), MAX({flag(previous.format(c="p.started_at"))}),
       MAX({flag("p.status = 'completed' AND " + recent.format(c="p.completed_at"))}),
       MAX({flag("p.status = 'completed' AND " + previous.format(c="p.completed_at"))})
FROM {s.progress_from()} JOIN rep_lesson cur ON cur.lesson_id = p.lesson_id
WHERE {s.before("p.started_at")}
GROUP BY p.learner_id, cur.track, cur.tier"""),
        s.params,
    )
    # Practice tasks done, read once for the headline, the summary, the funnel and the learners.
    conn.execute(
        text(f"""INSERT INTO rep_apply
SELECT r.learner_id, cur.track, MAX({flag(s.after("r.at"))}), SUM({flag(s.after("r.at"))}),
       MAX({flag(recent.format(c="r.at"))}), MAX({flag(previous.format(c="r.at"))})
FROM {s.rows_from("practice_report", "r")} JOIN rep_lesson cur ON cur.lesson_id = r.lesson_id
WHERE r.status = 'done' AND {s.before("r.at")}
GROUP BY r.learner_id, cur.track"""),
        s.params,
    )
    # Step events, read once: each learner's lessons by UTC hour, with whether they fall in the last
    # 7 or 30 days of the period. Weekly activity and recent activity both come from this table,
    # a tenth the size of step_event.
    # To the hour; to the minute for zones such as +05:30.
    hour = s.d.truncate("e.at", to_minutes=not s.whole_hours)
    conn.execute(
        text(f"""INSERT INTO rep_steps
SELECT DISTINCT e.learner_id, e.lesson_id, {hour}, {flag("e.at >= :a7")}, {flag("e.at >= :a30")}
FROM {s.events_from()}
WHERE {s.win("e.at")}"""),
        s.params,
    )
    conn.exec_driver_sql(
        """INSERT INTO rep_recent
SELECT e.learner_id, cur.track, cur.tier, MIN(lr.cohort), MAX(e.r7)
FROM rep_steps e JOIN rep_lesson cur ON cur.lesson_id = e.lesson_id
     JOIN rep_learner lr ON lr.id = e.learner_id
WHERE e.r30 = 1
GROUP BY e.learner_id, cur.track, cur.tier"""
    )
    return s


def tune_postgres(conn: Connection) -> None:
    """Memory for this report's transaction: PostgreSQL's default 4 MB per sort or hash (and 8 MB
    for temporary tables) makes the report's sorts and hashes spill to disk at 100,000 learners.
    SET LOCAL ends with the transaction. temp_buffers can only be set before the session's first
    temporary table, so a pooled connection that made a report before keeps what it had."""
    conn.exec_driver_sql("SET LOCAL work_mem = '64MB'")
    try:
        with conn.begin_nested():
            conn.exec_driver_sql("SET LOCAL temp_buffers = '256MB'")
    except DBAPIError:
        pass  # this session has used temporary tables already: keep its buffers


def choose_paths(conn: Connection, s: Scope) -> Scope:
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


def drop_scope(conn: Connection) -> None:
    d = POSTGRES if conn.dialect.name == "postgresql" else SQLITE
    for name in SCOPE_TABLES:
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {d.temp(name)}")


def rows(conn: Connection, sql: str, scope: Scope) -> list[tuple[Any, ...]]:
    return [tuple(plain(v) for v in row) for row in conn.execute(text(sql), scope.params).all()]


# Cohort rows first (alphabetical), then the "(all)" row.
COHORT_ORDER = f"CASE cohort WHEN '{ALL}' THEN 1 ELSE 0 END, cohort"


def median_ctes(d: Dialect, source: str, keys: str, value: str, name: str) -> str:
    """Two CTEs, `run` and `med`: the median of `value` for each group of `keys`, from `source`'s
    rows of (keys…, value, k), k being how often the value occurs. A running total finds the middle
    (SQLite has no MEDIAN), sorting only the distinct values: the lower middle is the value whose
    run passes (n + 1) / 2, the upper one the value whose run passes (n + 2) / 2. Only those rows
    (one or two a group) are grouped again, not every value."""
    lower, upper = d.half("n + 1"), d.half("n + 2")
    return f"""run AS (
  SELECT {keys}, {value}, SUM(k) OVER w AS upto, SUM(k) OVER w - k AS below, SUM(k) OVER p AS n
  FROM {source}
  WINDOW p AS (PARTITION BY {keys}),
         w AS (PARTITION BY {keys} ORDER BY {value} ROWS UNBOUNDED PRECEDING)),
med AS (
  SELECT {keys},
         (MIN(CASE WHEN upto >= {lower} THEN {value} END)
          + MIN(CASE WHEN upto >= {upper} THEN {value} END)) / 2.0 AS {name}
  FROM run
  WHERE (upto >= {lower} AND below < {lower}) OR (upto >= {upper} AND below < {upper})
  GROUP BY {keys})"""
