"""Demo data: synthetic learners and their history, for trying the administrator reports and for benchmarks.

`fill_demo` writes rows exactly as the running bot would (`ProgressStore.record` and friends):
the same tables, columns, statuses, actions and 0-based step numbers, and datetimes as SQLAlchemy
stores them in SQLite (UTC without an offset, "YYYY-MM-DD HH:MM:SS.ffffff", read back as aware
UTC). It is deterministic for a given seed and `now`, and every activity timestamp lies at or
before `now` (only the due time of a follow-up not yet sent may lie ahead, as in a live database).

The model, in short (all "local" times are the learners' time zone, Asia/Shanghai by default):

- **Cohorts**: villages with made-up names built from common surnames and place words (李家庄村,
  code `v-lijiazhuang`); about one per 50 learners, at most 60 up to ~10,000 learners and about
  one per 160 beyond that, so a cohort holds from a handful to a few hundred learners (log-normal
  sizes). 85% have a trainer. 5% (at least one once there are ten) are in Xinjiang, where life
  runs two hours behind Beijing time; 60% of their learners picked Xinjiang time in the bot. A
  village "launches" on a day picked with a weekly ramp over the last `weeks` weeks (later weeks
  likelier); its learners join after it, mostly in the first week or two (exponential, mean 6
  days). 7% of learners came without a village link.
- **Learners**: 85% Chinese, 15% English; synthetic names from common surnames and given-name
  characters (in pinyin for English speakers); a few keep the default name. 3% blocked the bot
  (inactive), 8% turned reminders off, some moved them to 08:00 or 12:00.
- **Learning**: 12% never open a lesson. The others pick one track (65%) or two, 8% take the
  placement test first (and may skip a tier), then go through the lessons in order, basic →
  intermediate → advanced. Each step is read for ~35 s (log-normal; longer on a lesson's one
  "hard" step), sometimes repeated or gone back to. At every step the learner may drop off: the
  chance grows with the tier (1.8% / 3% / 4.5% a step), is four times higher on each lesson's
  hard step, and higher on the very first step a learner ever sees. 30% of those who drop come
  back a day or two later and resume at the same step. Between lessons 6% stop (15% at the end
  of a tier); otherwise they carry on in the same sitting or another day.
- **Check questions** have a first-try success rate fixed per question (from the content, the
  same for every seed): most 72–95%, a quarter notably hard at 50–65%, a little lower in higher
  tiers. A wrong answer is followed by a retry (another option) until right, one row per try.
- **Practice**: after a completed lesson 36% report the task done at once and 26% tap "Later"
  (about half of them report it done a day or so later): ~50% done overall, with the evidence the
  lesson asks for (a fake Telegram photo file id, a number, or a few words), skipped by 15–20%.
  Each done task of a lesson with a follow-up gets its `nudge` row (due N days later at 10:00
  local, sent within a minute once due); 40% of the sent ones are answered with an outcome in
  the lesson's unit (typed, or a range button's middle): yuan log-normal (tens to thousands),
  orders and counts small, mu in the tens, some zeros. 4% of learners also volunteer an income
  with /income.
- **Questions**: 0–3 FAQ questions each (55% / 25% / 13% / 7%), mostly the bank's own Chinese or
  English phrasings about the learner's tracks or the bot, 8% made-up ones the bank can't answer;
  decisions roughly 75% answer / 15% choices / 10% none. Some are sent to a person; two thirds
  of those get a trainer's reply within hours.
- **Time**: activity happens at daytime hours (peaks in the early morning, at midday and in the
  evening), in sittings spread over days; the story of a learner simply stops at `now`.

Not written: daily reminder nudges, mentors, staff roles, reply drafts and the outbox.

Speed: rows are built as tuples and inserted in batches of ~50,000 with the DB-API `executemany`
on the raw SQLite connection (`PRAGMA synchronous=OFF` during the load), one transaction per
batch; other databases get SQLAlchemy Core inserts. Row ids of event tables are in learner
order, not time order.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, func, select
from sqlmodel import col

from bot.content.loader import Curriculum
from bot.demo.stories import Stories
from bot.demo.writer import COLUMNS, Sink
from bot.store.tables import Cohort, Learner

__all__ = ["COLUMNS", "DemoDataError", "DemoSummary", "fill_demo"]


class DemoDataError(Exception):
    """The database can't take demo data as asked (it already has learners)."""


@dataclass(frozen=True)
class DemoSummary:
    """What `fill_demo` wrote: rows per table (in insertion order) and the time it took."""

    learners: int
    rows: dict[str, int]
    seconds: float
    first_learner_id: int = 1

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def fill_demo(
    engine: Engine,
    curriculum: Curriculum,
    learners: int,
    seed: int = 1,
    now: datetime | None = None,
    weeks: int = 12,
    *,
    append: bool = False,
    timezone: str = "Asia/Shanghai",
    batch_size: int = 50_000,
    force_core: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> DemoSummary:
    """Write `learners` synthetic learners and their history (see the module docstring).

    The schema must exist (`bot.store.database.upgrade`). Raises `DemoDataError` if the database
    already has learners, unless `append`. `force_core` uses SQLAlchemy Core inserts even on SQLite;
    `progress` is told (learners written, learners in all) after each batch.
    """
    if learners < 1:
        raise ValueError("learners must be at least 1")
    if weeks < 1:
        raise ValueError("weeks must be at least 1")
    began = time.perf_counter()
    now = now or datetime.now(UTC)
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    with engine.connect() as conn:
        existing = int(conn.execute(select(func.count()).select_from(Learner)).scalar_one())
        top = conn.execute(select(func.max(col(Learner.id)))).scalar_one()
        taken = set(conn.execute(select(col(Cohort.code))).scalars())
    if existing and not append:
        raise DemoDataError(
            f"The database already has {existing} learner(s); demo data goes into an empty one "
            "(or add --append to add demo learners to it)."
        )
    sink = Sink(engine, force_core=force_core)
    try:
        generator = Stories(curriculum, sink, seed, now, weeks, timezone, batch_size)
        first_id = int(top or 0) + 1
        generator.run(learners, first_id, taken, progress)
    finally:
        sink.close()
    order = ("cohort", "learner", *(name for name in COLUMNS if name not in ("cohort", "learner")))
    rows = {name: generator.rows[name] for name in order}
    return DemoSummary(learners, rows, time.perf_counter() - began, first_id)
