"""Synthetic learners and their history, for trying the administrator reports and for benchmarks.

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

import math
import random
import time
from bisect import bisect
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from pathlib import PurePosixPath
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, func, insert, select, text
from sqlmodel import SQLModel, col

from bot.content.loader import Curriculum
from bot.content.models import Evidence, Tier, Unit
from bot.core.engine import placement_tier
from bot.core.practice import ranges, shown_number
from bot.core.schedule import LEARNER_ZONES
from bot.core.state import Place, Screen
from bot.store.tables import (
    CheckAnswer,
    Cohort,
    FaqQuestion,
    Learner,
    LessonProgress,
    Nudge,
    Outcome,
    PlacementResult,
    PracticeReport,
    StepEvent,
    TrackProgress,
)

US = 1_000_000
MINUTE = 60 * US
HOUR = 60 * MINUTE
DAY = 24 * HOUR
WEEK = 7 * DAY
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

Row = tuple[Any, ...]

# Table name -> (model, columns in the order the rows are built). Learner ids are given explicitly.
COLUMNS: dict[str, tuple[type[SQLModel], tuple[str, ...]]] = {
    "cohort": (Cohort, ("code", "name", "trainer_id", "created_at")),
    "learner": (
        Learner,
        (
            "id",
            "channel",
            "external_id",
            "name",
            "lang",
            "cohort",
            "place",
            "created_at",
            "last_active_at",
            "active",
            "reminders_on",
            "reminder_hour",
            "timezone",
        ),
    ),
    "lesson_progress": (
        LessonProgress,
        ("learner_id", "lesson_id", "track", "tier", "status", "step", "started_at", "completed_at"),
    ),
    "track_progress": (TrackProgress, ("learner_id", "track", "unlocked_tier", "placed_tier", "updated_at")),
    "step_event": (StepEvent, ("learner_id", "lesson_id", "step", "action", "at")),
    "check_answer": (CheckAnswer, ("learner_id", "lesson_id", "question", "option", "correct", "at")),
    "placement_result": (PlacementResult, ("learner_id", "track", "answers", "placed_tier", "at")),
    "practice_report": (
        PracticeReport,
        ("learner_id", "lesson_id", "status", "evidence_kind", "evidence", "at"),
    ),
    "outcome": (Outcome, ("learner_id", "lesson_id", "value", "unit", "asked", "exact", "at")),
    "faq_question": (
        FaqQuestion,
        (
            "learner_id",
            "asked_at",
            "lang",
            "text",
            "decision",
            "best_id",
            "best_score",
            "offered",
            "lesson_id",
            "picked",
            "handed_off_at",
            "answered_at",
            "answered_by",
            "answer",
        ),
    ),
    "nudge": (Nudge, ("learner_id", "kind", "key", "lesson_id", "due_at", "sent_at", "answered_at")),
}

# ----- the population's words ----------------------------------------------------------------------

SURNAMES: tuple[tuple[str, str], ...] = (
    ("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"), ("杨", "yang"),
    ("黄", "huang"), ("赵", "zhao"), ("吴", "wu"), ("周", "zhou"), ("徐", "xu"), ("孙", "sun"),
    ("马", "ma"), ("朱", "zhu"), ("胡", "hu"), ("郭", "guo"), ("何", "he"), ("高", "gao"),
    ("林", "lin"), ("罗", "luo"), ("郑", "zheng"), ("梁", "liang"), ("谢", "xie"), ("宋", "song"),
    ("唐", "tang"), ("韩", "han"), ("冯", "feng"), ("邓", "deng"), ("曹", "cao"), ("彭", "peng"),
    ("曾", "zeng"), ("肖", "xiao"), ("田", "tian"), ("董", "dong"), ("袁", "yuan"), ("潘", "pan"),
    ("于", "yu"), ("蒋", "jiang"), ("蔡", "cai"), ("杜", "du"), ("叶", "ye"), ("程", "cheng"),
    ("苏", "su"), ("魏", "wei"), ("吕", "lv"), ("丁", "ding"), ("任", "ren"), ("沈", "shen"),
)  # fmt: skip
GIVEN: tuple[tuple[str, str], ...] = (
    ("建", "jian"), ("国", "guo"), ("军", "jun"), ("华", "hua"), ("明", "ming"), ("秀", "xiu"),
    ("英", "ying"), ("兰", "lan"), ("芳", "fang"), ("桂", "gui"), ("珍", "zhen"), ("红", "hong"),
    ("梅", "mei"), ("玉", "yu"), ("平", "ping"), ("伟", "wei"), ("强", "qiang"), ("勇", "yong"),
    ("德", "de"), ("福", "fu"), ("海", "hai"), ("春", "chun"), ("丽", "li"), ("霞", "xia"),
    ("凤", "feng"), ("根", "gen"), ("生", "sheng"), ("永", "yong"), ("志", "zhi"), ("文", "wen"),
    ("富", "fu"), ("金", "jin"), ("山", "shan"), ("荣", "rong"), ("成", "cheng"), ("芬", "fen"),
    ("琴", "qin"), ("云", "yun"), ("庆", "qing"), ("宝", "bao"), ("喜", "xi"), ("发", "fa"),
)  # fmt: skip
PLACE_WORDS: tuple[tuple[str, str], ...] = (
    ("庄", "zhuang"), ("村", "cun"), ("湾", "wan"), ("沟", "gou"), ("屯", "tun"), ("营", "ying"),
    ("坡", "po"), ("寨", "zhai"), ("河", "he"), ("铺", "pu"), ("店", "dian"), ("桥", "qiao"),
    ("堡", "bao"), ("岭", "ling"), ("坪", "ping"), ("洼", "wa"),
)  # fmt: skip
DIRECTIONS: tuple[tuple[str, str], ...] = (
    ("东", "dong"), ("西", "xi"), ("南", "nan"), ("北", "bei"), ("前", "qian"), ("后", "hou"),
    ("大", "da"), ("小", "xiao"),
)  # fmt: skip

# Local hours people study at: before field work, at midday, and after supper; never at night.
HOUR_WEIGHTS = (0, 0, 0, 0, 0, 0, 2, 5, 6, 4, 3, 3, 5, 5, 3, 3, 3, 4, 5, 8, 9, 7, 1, 0)

TIER_HAZARD = {Tier.basic: 0.018, Tier.intermediate: 0.030, Tier.advanced: 0.045}
HARD_STEP_FACTOR = 4.0
FIRST_STEP_EXTRA = 0.08  # the very first step anyone sees: some only came to look
RETURN_AFTER_DROP = 0.30
QUIT_BETWEEN_LESSONS = 0.06
QUIT_AT_TIER_END = 0.15

TEXT_EVIDENCE = {
    "zh": (
        "店铺开好了，先上了自家的苹果",
        "标题改成了：新鲜现摘 红富士 5斤装 包邮",
        "今天回了三个买家的消息",
        "跟儿子一起试了一遍，能行",
        "直播了20分钟，有人问价格",
        "和合作社商量好了一起卖",
        "按课上说的检查了一遍，没问题",
        "记在本子上了",
    ),
    "en": (
        "Shop is open, listed our apples first",
        "Changed the title to: fresh picked Fuji apples 2.5 kg free delivery",
        "Answered three buyers today",
        "Tried it with my son, it works",
        "Went live for 20 minutes, people asked the price",
        "Agreed with the co-op to sell together",
    ),
}
MADE_UP_QUESTIONS = {
    "zh": (
        "今年玉米价格会涨吗",
        "我家的猪不吃食怎么办",
        "村里啥时候通5G",
        "能帮我申请贷款不",
        "化肥哪里买便宜",
        "明天下雨吗",
        "手机屏幕碎了去哪修",
        "儿子在外地打工咋给他寄钱",
        "新农合怎么交",
        "苹果树叶子发黄是啥病",
        "养老金什么时候到账",
        "鸡蛋多少钱一斤合适",
        "土地流转合同怎么签",
        "种子买到假的找谁",
        "羊拉稀用什么药",
        "县里的补贴啥时候发",
        "微信钱包忘了密码",
        "大棚草莓怎么防冻",
    ),
    "en": (
        "will corn prices go up this year",
        "my pig won't eat what do i do",
        "can you help me get a loan",
        "where is fertiliser cheapest",
        "is it going to rain tomorrow",
        "when does my pension arrive",
        "what disease makes apple leaves yellow",
        "how do i sign a land lease",
        "forgot my wechat pay password",
    ),
}
# How people open or close a question, so the same worry is not always typed the same way.
QUESTION_OPENINGS = {"zh": ("", "", "", "请问", "老师，", "你好 "), "en": ("", "", "", "hi ", "please ")}
QUESTION_ENDINGS = {"zh": ("", "", "？", "啊", "呢"), "en": ("", "", "?")}
TRAINER_REPLIES = {
    "zh": (
        "您好，这个问题我周六到村里当面给您讲。",
        "可以的，拍张照片发给我，我帮您看看。",
        "这个不在课程里，建议问问村里的农技员。",
        "先按课程里的步骤试一遍，不行再找我。",
    ),
    "en": (
        "Hello, I'll show you in person when I'm in the village on Saturday.",
        "Yes, send me a photo and I'll take a look.",
        "That's not in the course; the village extension worker can help.",
        "Try the steps in the lesson first, then tell me how it went.",
    ),
}
ADMIN_ID = "900000001"  # who answers when a village has no trainer
PHOTO_ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


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


# ----- content, prepared for speed ------------------------------------------------------------------


@dataclass(frozen=True)
class _Question:
    options: int
    right: int
    first_try: float  # chance the first answer is right


@dataclass(frozen=True)
class _Lesson:
    id: str
    track: str
    tier: Tier
    rank: int  # the tier's rank: 0 basic, 1 intermediate, 2 advanced
    steps: int
    hazards: tuple[float, ...]
    read_factor: tuple[float, ...]
    voice: tuple[bool, ...]
    questions: tuple[_Question, ...]
    evidence: Evidence
    follow_days: int | None
    unit: Unit | None
    ends_tier: bool


def _lesson_plans(curriculum: Curriculum) -> dict[str, list[_Lesson]]:
    """Per track, its lessons in teaching order with their difficulty (fixed by the content)."""
    plans: dict[str, list[_Lesson]] = {}
    for track in curriculum.track_ids:
        out: list[_Lesson] = []
        for tier in Tier:
            cell = curriculum.lessons_in(track, tier)
            for i, lesson in enumerate(cell):
                r = random.Random(f"farmskills-demo:{lesson.id}")
                hard = r.randrange(1, len(lesson.steps)) if len(lesson.steps) > 1 else 0
                base = TIER_HAZARD[tier]
                hazards = tuple(
                    base * (HARD_STEP_FACTOR if s == hard else 1.0) for s in range(len(lesson.steps))
                )
                questions = []
                for q in lesson.questions:
                    u = r.random()
                    p = 0.50 + 0.15 * r.random() if u < 0.25 else 0.72 + 0.23 * r.random()
                    questions.append(_Question(len(q.options), q.right_index, max(0.5, p - 0.03 * tier.rank)))
                follow = lesson.practice.follow_up
                out.append(
                    _Lesson(
                        id=lesson.id,
                        track=track,
                        tier=tier,
                        rank=tier.rank,
                        steps=len(lesson.steps),
                        hazards=hazards,
                        read_factor=tuple(1.6 if s == hard else 1.0 for s in range(len(lesson.steps))),
                        voice=tuple(bool(s.voice and (s.voice.zh or s.voice.en)) for s in lesson.steps),
                        questions=tuple(questions),
                        evidence=lesson.practice.evidence,
                        follow_days=follow.after_days if follow else None,
                        unit=follow.unit if follow else None,
                        ends_tier=i == len(cell) - 1,
                    )
                )
        plans[track] = out
    return plans


# ----- writing ------------------------------------------------------------------------------------


def _sqlite_clock() -> Callable[[int], str]:
    """Microseconds since the epoch -> the text SQLAlchemy stores for a UTC datetime in SQLite."""
    days: dict[int, str] = {}
    clock = [f"{h:02d}:{m:02d}:{s:02d}." for h in range(24) for m in range(60) for s in range(60)]

    def stamp(us: int) -> str:
        day, rest = divmod(us, DAY)
        prefix = days.get(day)
        if prefix is None:
            prefix = days[day] = (EPOCH + timedelta(days=day)).strftime("%Y-%m-%d ")
        second, micro = divmod(rest, US)
        return f"{prefix}{clock[second]}{micro:06d}"

    return stamp


def _datetime_clock(us: int) -> datetime:
    return EPOCH + timedelta(microseconds=us)


class _Sink:
    """Inserts batches of rows, one transaction per batch."""

    def __init__(self, engine: Engine, force_core: bool = False) -> None:
        self.engine = engine
        self.sqlite = engine.dialect.name == "sqlite" and not force_core
        self.stamp: Callable[[int], Any] = _sqlite_clock() if self.sqlite else _datetime_clock
        self._raw: Any = None
        if self.sqlite:
            self._raw = engine.raw_connection()
            self._con = self._raw.driver_connection
            self._con.execute("PRAGMA synchronous=OFF")
            self._con.execute("PRAGMA cache_size=-65536")  # 64 MB: index pages stay in memory

    def write(self, batch: dict[str, list[Row]]) -> None:
        if self.sqlite:
            con = self._con
            try:
                for table, rows in batch.items():
                    if rows:
                        cols = COLUMNS[table][1]
                        sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
                        con.executemany(sql, rows)
                con.commit()
            except BaseException:
                con.rollback()
                raise
            return
        with self.engine.begin() as conn:
            for table, rows in batch.items():
                if rows:
                    model, cols = COLUMNS[table]
                    conn.execute(insert(model.__table__), [dict(zip(cols, r, strict=True)) for r in rows])  # type: ignore[attr-defined]

    def close(self) -> None:
        if self._raw is not None:
            self._con.execute("PRAGMA synchronous=NORMAL")
            self._con.execute("PRAGMA cache_size=-2000")
            self._raw.close()
            self._raw = None
        elif self.engine.dialect.name == "postgresql":
            with self.engine.begin() as conn:  # explicit learner ids: move the sequence past them
                sequence = "pg_get_serial_sequence('learner', 'id')"
                conn.execute(text(f"SELECT setval({sequence}, (SELECT MAX(id) FROM learner))"))


# ----- the generator ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Village:
    code: str
    name: str
    trainer: str | None
    launched: int  # microseconds since the epoch
    off: int  # the local time's offset from UTC, in microseconds
    far_west: bool  # in Xinjiang, where daily life runs on local time, two hours behind Beijing


@dataclass
class _Person:
    id: int
    cohort: int | None  # index into the villages
    joined: int  # microseconds since the epoch
    off: int  # offset of the local time the learner lives by
    zone: str | None  # the time zone the learner picked in the bot (None: the bot's default)


@dataclass
class _Story:
    """One learner's running state while their history is written."""

    id: int
    lang: str
    cohort: int | None
    active: bool
    last: int  # latest moment the learner did something
    sittings: list[int] = field(default_factory=list)
    intervals: list[tuple[str, int, int]] = field(default_factory=list)  # lesson, started, ended
    place: tuple[Any, ...] = (Screen.menu,)
    first_step_seen: bool = False
    completed: int = 0


def _offset(zone: str, now: datetime) -> int:
    """The zone's offset from UTC at `now`, in microseconds (China keeps no summer time)."""
    return (ZoneInfo(zone).utcoffset(now) or timedelta(0)) // timedelta(microseconds=1)


STOP, CUT, DONE = 0, 1, 2  # lesson results: dropped for good, reached `now`, completed


class _Generator:
    def __init__(
        self,
        curriculum: Curriculum,
        sink: _Sink,
        seed: int,
        now: datetime,
        weeks: int,
        timezone: str,
        batch_size: int,
    ) -> None:
        self.cur = curriculum
        self.sink = sink
        self.stamp = sink.stamp
        self.rng = random.Random(seed)
        self.now = (now - EPOCH) // timedelta(microseconds=1)
        self.weeks = weeks
        self.default_off = _offset(timezone, now)
        self.west_zone = LEARNER_ZONES["xinjiang"]
        self.west_off = _offset(self.west_zone, now)
        self.has_west = self.west_off != self.default_off
        self.off = self.due_off = self.default_off  # per learner: the zone lived by, the zone picked
        self.batch_size = batch_size
        self.plans = _lesson_plans(curriculum)
        self.tracks = [t for t in curriculum.track_ids if self.plans.get(t)]
        popularity = {"ecommerce": 0.45, "livestream": 0.35, "machinery": 0.20}
        self.track_weights = [popularity.get(t, 0.3) for t in self.tracks]
        self.hour_cum = list(accumulate(HOUR_WEIGHTS))
        self.surname_cum = list(accumulate(1 / (i + 4) for i in range(len(SURNAMES))))
        self.buf: dict[str, list[Row]] = {name: [] for name in COLUMNS}
        self.rows: dict[str, int] = dict.fromkeys(COLUMNS, 0)
        self.place_json: dict[tuple[Any, ...], str] = {}
        self.plan_track = {p.id: p.track for plans in self.plans.values() for p in plans}
        self._ramp = list(accumulate(float(k + 1) for k in range(weeks)))  # weekly ramp: later weeks busier
        self._faq_by_topic()
        self.cohorts: list[_Village] = []

    # ----- small helpers ------------------------------------------------------------------------

    def _faq_by_topic(self) -> None:
        entries = list(self.cur.faq.entries)
        self.faq_ids = [e.id for e in entries]
        self.faq_topic: dict[str, list[tuple[str, tuple[str, ...], tuple[str, ...]]]] = {}
        for e in entries:
            topic = PurePosixPath(e.source).stem if e.source else "other"
            self.faq_topic.setdefault(topic, []).append((e.id, tuple(e.questions.zh), tuple(e.questions.en)))
        self.faq_all = [item for items in self.faq_topic.values() for item in items]

    def _span(self, low: int, high: int) -> int:
        """A whole number from `low` up to (not including) `high`; quicker than randrange."""
        return low + int(self.rng.random() * (high - low))

    def _hour(self) -> int:
        return bisect(self.hour_cum, self.rng.random() * self.hour_cum[-1])

    def _daytime(self, day: int, off: int) -> int:
        """A moment at a daytime hour of local day `day` (days since the epoch), in UTC microseconds."""
        return day * DAY + self._hour() * HOUR + self.rng.randrange(HOUR) - off

    def _sitting_after(self, t: int, days: float) -> int:
        """The start of a later sitting, about `days` after `t`, at a daytime hour."""
        day = (t + int(days * DAY) + self.off) // DAY
        start = self._daytime(day, self.off)
        while start <= t + 20 * MINUTE:
            start += DAY
        return start

    def _place(self, key: tuple[Any, ...]) -> str:
        found = self.place_json.get(key)
        if found is None:
            screen, track, tier, lesson, step, question = key + (None, None, None, 0, 0)[len(key) - 1 :]
            found = Place(
                screen=screen, track=track, tier=tier, lesson=lesson, step=step, question=question
            ).to_json()
            self.place_json[key] = found
        return found

    def _amount(self, unit: Unit | None) -> float:
        """A typed answer to "what did it bring?", in `unit`."""
        rng = self.rng
        if rng.random() < 0.08:
            return 0.0  # 没有 / nothing yet
        match unit:
            case Unit.yuan | None:
                value = rng.lognormvariate(math.log(300), 1.1)
                return float(round(value, -1) if value > 100 else round(value))
            case Unit.orders | Unit.items | Unit.times:
                return float(1 + int(rng.expovariate(1 / 4)))
            case Unit.viewers | Unit.followers:
                return float(round(rng.lognormvariate(math.log(40), 0.9)))
            case Unit.mu:
                return float(round(rng.lognormvariate(math.log(25), 0.7)))
            case Unit.kg:
                return float(round(rng.lognormvariate(math.log(120), 0.9), -1) or 5)
            case Unit.hours:
                return float(rng.randint(1, 12))
        return float(rng.randint(1, 10))

    def _add(self, table: str, row: Row) -> None:
        self.buf[table].append(row)

    def flush(self) -> None:
        batch = {name: rows for name, rows in self.buf.items() if rows}
        if not batch:
            return
        self.sink.write(batch)
        for name, rows in batch.items():
            self.rows[name] += len(rows)
        self.buf = {name: [] for name in COLUMNS}

    # ----- villages and people ------------------------------------------------------------------

    def make_cohorts(self, count: int, start: int, taken: set[str]) -> None:
        rng = self.rng
        used = set(taken)
        # 5% of villages are in Xinjiang, at least one once there are ten.
        west = (
            set(rng.sample(range(count), max(round(count * 0.05), count >= 10))) if self.has_west else set()
        )
        for index in range(count):
            for attempt in range(60):
                (sn, sp) = SURNAMES[rng.randrange(30)]
                word, wp = PLACE_WORDS[rng.randrange(len(PLACE_WORDS))]
                jia = rng.random() < 0.5
                dn, dp = DIRECTIONS[rng.randrange(len(DIRECTIONS))] if rng.random() < 0.25 else ("", "")
                name = f"{dn}{sn}{'家' if jia else ''}{word}{'' if word == '村' else '村'}"
                code = f"v-{dp}{sp}{'jia' if jia else ''}{wp}"
                if attempt >= 50:
                    code += f"-{attempt}"
                if code not in used:
                    break
            used.add(code)
            week = bisect(self._ramp, rng.random() * self._ramp[-1])
            launched = min(start + week * WEEK + rng.randrange(WEEK), self.now - HOUR)
            trainer = str(self._span(1_000_000_000, 7_000_000_000)) if rng.random() < 0.85 else None
            far_west = index in west
            off = self.west_off if far_west else self.default_off
            self.cohorts.append(_Village(code, name, trainer, launched, off, far_west))

    def people(self, count: int, first_id: int, start: int) -> list[_Person]:
        rng = self.rng
        weights = list(accumulate(rng.lognormvariate(0, 0.6) for _ in self.cohorts))
        people = []
        for _ in range(count):
            cohort: int | None = None
            off, zone = self.default_off, None
            if self.cohorts and rng.random() >= 0.07:
                cohort = bisect(weights, rng.random() * weights[-1])
                village = self.cohorts[cohort]
                launched = village.launched
                if village.far_west:
                    off = self.west_off
                    zone = self.west_zone if rng.random() < 0.6 else None
                raw = launched + int(rng.expovariate(1 / 6) * DAY)
                if raw > self.now:
                    raw = launched + rng.randrange(max(1, self.now - launched))
            else:
                week = bisect(self._ramp, rng.random() * self._ramp[-1])
                raw = min(start + week * WEEK + rng.randrange(WEEK), self.now - 1)
                launched = start
            joined = self._daytime((raw + off) // DAY, off)
            if joined > self.now:
                joined -= DAY
            if joined < launched:
                joined = raw
            people.append(_Person(0, cohort, joined, off, zone))
        people.sort(key=lambda p: p.joined)
        for i, p in enumerate(people):
            p.id = first_id + i
        return people

    def _name(self, lang: str) -> str:
        rng = self.rng
        if rng.random() < 0.05:
            return self.cur.ui.get(lang, {}).get("default_name", "")
        sn, sp = SURNAMES[bisect(self.surname_cum, rng.random() * self.surname_cum[-1])]
        given = [GIVEN[rng.randrange(len(GIVEN))] for _ in range(1 if rng.random() < 0.35 else 2)]
        if lang == "en":
            return f"{sp.capitalize()} {''.join(g[1] for g in given).capitalize()}"
        if rng.random() < 0.08:
            return f"老{sn}"
        return sn + "".join(g[0] for g in given)

    # ----- one learner --------------------------------------------------------------------------

    def learner(self, person: _Person) -> None:
        rng = self.rng
        lang = "zh" if rng.random() < 0.85 else "en"
        self.off = person.off
        self.due_off = self.west_off if person.zone == self.west_zone else self.default_off
        story = _Story(person.id, lang, person.cohort, rng.random() >= 0.03, person.joined)
        story.sittings.append(person.joined)
        name = self._name(lang)
        t = person.joined + self._span(30 * US, 180 * US)  # welcome, name, menu
        if rng.random() >= 0.12 and t <= self.now:
            self._learn(story, t)
        self._questions(story)
        if story.completed and rng.random() < 0.04:
            self._volunteer(story)
        reminders_on = rng.random() >= 0.08
        hour = 19 if rng.random() < 0.8 else (8 if rng.random() < 0.5 else 12)
        cohort = self.cohorts[person.cohort].code if person.cohort is not None else None
        self._add(
            "learner",
            (
                person.id,
                "telegram",
                str(6_100_000_000 + person.id),
                name,
                lang,
                cohort,
                self._place(story.place),
                self.stamp(person.joined),
                self.stamp(story.last),
                int(story.active),
                int(reminders_on),
                hour,
                person.zone,
            ),
        )

    def _learn(self, story: _Story, t: int) -> None:
        rng = self.rng
        k = 1 if rng.random() < 0.65 or len(self.tracks) < 2 else 2
        tracks = rng.choices(self.tracks, self.track_weights, k=1)
        if k == 2:
            rest = [i for i, tr in enumerate(self.tracks) if tr != tracks[0]]
            pick = rng.choices(rest, [self.track_weights[i] for i in rest])[0]
            tracks.append(self.tracks[pick])
        for n, track in enumerate(tracks):
            if n:
                t = self._sitting_after(t, rng.expovariate(1 / 3))
                if t > self.now:
                    return
                story.sittings.append(t)
            unlocked: list[Any] | None = None  # [unlocked tier, placed tier, updated_at]
            start_tier = Tier.basic
            if rng.random() < 0.08 and self.cur.tracks[track].placement:
                start_tier, t = self._placement(story, track, t)
                if start_tier is not Tier.basic:
                    unlocked = [start_tier, start_tier, t]
            result = DONE
            start_rank = start_tier.rank
            for plan in self.plans[track]:
                if plan.rank < start_rank:
                    continue
                result, t = self._lesson(story, plan, t)
                if result != DONE:
                    break
                if plan.ends_tier:
                    higher = plan.tier.next()
                    if higher is not None and (unlocked is None or unlocked[0].rank < higher.rank):
                        unlocked = [higher, unlocked[1] if unlocked else None, t]
                t = self._practice(story, plan, t)
                if rng.random() < (QUIT_AT_TIER_END if plan.ends_tier else QUIT_BETWEEN_LESSONS):
                    result = STOP if rng.random() < 0.5 else DONE
                    break
                if rng.random() < 0.55:
                    t += self._span(5 * US, 60 * US)
                else:
                    t = self._sitting_after(t, rng.expovariate(1 / 1.5))
                    story.sittings.append(t)
                if t > self.now:
                    result = CUT
                    break
            if unlocked is not None:
                tier, placed, at = unlocked
                self._add(
                    "track_progress",
                    (story.id, track, tier.value, placed.value if placed else None, self.stamp(at)),
                )
            if result != DONE:
                return

    def _placement(self, story: _Story, track: str, t: int) -> tuple[Tier, int]:
        rng = self.rng
        questions = self.cur.tracks[track].placement
        answers = []
        for q in questions:
            t += self._span(8 * US, 40 * US)
            if rng.random() < (0.75 if q.tier is Tier.basic else 0.55):
                answers.append(q.right_index)
            else:
                answers.append(rng.choice([i for i in range(len(q.options)) if i != q.right_index]))
        placed = placement_tier(questions, tuple(answers))
        t = min(t, self.now)
        self._add(
            "placement_result",
            (story.id, track, ",".join(map(str, answers)), placed.value, self.stamp(t)),
        )
        story.last = max(story.last, t)
        return placed, t

    def _lesson(self, story: _Story, plan: _Lesson, t: int) -> tuple[int, int]:
        """Open a lesson at `t` and go through it; returns (STOP | CUT | DONE, the time after it)."""
        rng = self.rng
        random_ = rng.random
        lognorm = rng.lognormvariate
        stamp = self.stamp
        now = self.now
        lid, lesson = story.id, plan.id
        steps = self.buf["step_event"]
        started = t
        steps.append((lid, lesson, 0, "open", stamp(t)))
        step = 0
        last_step = plan.steps - 1
        result = DONE
        extra = 0.0 if story.first_step_seen else FIRST_STEP_EXTRA
        story.first_step_seen = True
        at_question = -1
        while True:
            if plan.voice[step] and random_() < 0.3:
                t += self._span(2 * US, 6 * US)
                steps.append((lid, lesson, step, "voice", stamp(t)))
            t += int(lognorm(3.55, 0.5) * plan.read_factor[step] * US)  # median ~35 s
            if t > now:
                result = CUT
                break
            if random_() < 0.04:
                steps.append((lid, lesson, step, "repeat", stamp(t)))
                t += int(lognorm(3.0, 0.4) * US)
            if step and random_() < 0.03:
                steps.append((lid, lesson, step - 1, "back", stamp(t)))
                t += int(lognorm(2.8, 0.5) * US)
                steps.append((lid, lesson, step, "next", stamp(t)))
                t += int(lognorm(2.5, 0.5) * US)
            if random_() < plan.hazards[step] + extra:
                extra = 0.0
                if random_() < RETURN_AFTER_DROP:
                    t = self._sitting_after(t, 0.5 + rng.expovariate(1 / 1.5))
                    if t > now:
                        result = CUT
                        break
                    story.sittings.append(t)
                    steps.append((lid, lesson, step, "open", stamp(t)))
                    continue
                result = STOP
                break
            extra = 0.0
            t += self._span(1 * US, 4 * US)
            if step < last_step:
                step += 1
                steps.append((lid, lesson, step, "next", stamp(t)))
                continue
            steps.append((lid, lesson, step, "finish", stamp(t)))
            break
        if result == DONE:
            answers = self.buf["check_answer"]
            for qi, q in enumerate(plan.questions):
                tried: set[int] = set()
                chance = q.first_try
                while True:
                    t += self._span(8 * US, 40 * US)
                    if t > now:
                        result = CUT
                        break
                    if random_() < chance:
                        answers.append((lid, lesson, qi, q.right, 1, stamp(t)))
                        break
                    wrong = [o for o in range(q.options) if o != q.right and o not in tried]
                    if not wrong:
                        answers.append((lid, lesson, qi, q.right, 1, stamp(t)))
                        break
                    option = wrong[rng.randrange(len(wrong))]
                    tried.add(option)
                    answers.append((lid, lesson, qi, option, 0, stamp(t)))
                    chance = 0.85
                if result != DONE:
                    at_question = qi
                    break
                if random_() < 0.01:  # left in the middle of the questions
                    result, at_question = STOP, min(qi + 1, len(plan.questions) - 1)
                    break
        if result == CUT:
            t = min(t, now)
        story.last = max(story.last, min(t, now) if result != DONE else t)
        completed_at = stamp(t) if result == DONE else None
        status = "completed" if result == DONE else "started"
        self._add(
            "lesson_progress",
            (lid, lesson, plan.track, plan.tier.value, status, step, stamp(started), completed_at),
        )
        story.intervals.append((lesson, started, min(t, now)))
        if result == DONE:
            story.completed += 1
            story.place = (Screen.finished, plan.track, plan.tier, lesson)
        elif at_question >= 0:
            story.place = (Screen.question, plan.track, plan.tier, lesson, step, at_question)
        else:
            story.place = (Screen.step, plan.track, plan.tier, lesson, step)
        return result, t

    def _practice(self, story: _Story, plan: _Lesson, t: int) -> int:
        """The practice task after a completed lesson; returns when the learner moves on."""
        rng = self.rng
        r = rng.random()
        if r < 0.36:
            done = t + self._span(1 * MINUTE, 8 * MINUTE)
            if done > self.now:
                return t
            self._done(story, plan, done)
            return done
        if r < 0.62:
            t += self._span(5 * US, 30 * US)
            if t > self.now:
                return t
            self._add("practice_report", (story.id, plan.id, "later", "none", None, self.stamp(t)))
            story.last = max(story.last, t)
            story.place = (Screen.menu, plan.track)
            if rng.random() < 0.55:
                done = self._sitting_after(t, rng.expovariate(1 / 1.5))
                if done <= self.now:
                    self._done(story, plan, done)
        return t

    def _done(self, story: _Story, plan: _Lesson, at: int) -> None:
        rng = self.rng
        kind, evidence = plan.evidence, None
        if kind is not Evidence.none and rng.random() < (0.2 if kind is Evidence.text else 0.15):
            kind = Evidence.none  # skipped the evidence
        if kind is Evidence.photo:
            body = "".join(rng.choices(PHOTO_ID_CHARS, k=60))
            evidence = f"AgACAgUAAxkBAAI{body}"
        elif kind is Evidence.number:
            evidence = shown_number(self._amount(plan.unit) or 1.0)
        elif kind is Evidence.text:
            evidence = rng.choice(TEXT_EVIDENCE[story.lang])
        self._add("practice_report", (story.id, plan.id, "done", kind.value, evidence, self.stamp(at)))
        story.last = max(story.last, at)
        if plan.follow_days is None:
            return
        # As follow_up_time: 10:00 N days on, in the zone the learner picked (or the bot's default).
        local_day = (at + self.due_off) // DAY + plan.follow_days
        due = local_day * DAY + 10 * HOUR - self.due_off
        sent = answered = None
        if due <= self.now and story.active:
            sent = due + self._span(2 * US, 59 * US)
            if sent > self.now:
                sent = None
            elif rng.random() < 0.40:
                answered = sent + int(rng.expovariate(1 / 3) * HOUR) + self._span(20 * US, 300 * US)
                if answered > self.now:
                    answered = None
        self._add(
            "nudge",
            (
                story.id,
                "follow_up",
                plan.id,
                plan.id,
                self.stamp(due),
                self.stamp(sent) if sent is not None else None,
                self.stamp(answered) if answered is not None else None,
            ),
        )
        if answered is not None:
            unit = plan.unit or Unit.yuan
            if rng.random() < 0.35:
                _label, value, exact = rng.choice(ranges(unit))
            else:
                value, exact = self._amount(unit), True
            self._add("outcome", (story.id, plan.id, value, unit.value, 1, int(exact), self.stamp(answered)))
            story.last = max(story.last, answered)

    def _volunteer(self, story: _Story) -> None:
        """An income reported unasked with /income."""
        rng = self.rng
        at = self._sitting_after(story.sittings[-1], rng.expovariate(1 / 4))
        if at > self.now:
            return
        if rng.random() < 0.3:
            _label, value, exact = rng.choice(ranges(Unit.yuan)[1:])
        else:
            value, exact = max(self._amount(Unit.yuan), 10.0), True
        self._add("outcome", (story.id, None, value, Unit.yuan.value, 0, int(exact), self.stamp(at)))
        story.last = max(story.last, at)

    def _questions(self, story: _Story) -> None:
        rng = self.rng
        r = rng.random()
        count = 0 if r < 0.55 else 1 if r < 0.80 else 2 if r < 0.93 else 3
        for _ in range(count):
            lesson_id = None
            if story.intervals and rng.random() < 0.4:
                lesson_id, begun, ended = story.intervals[rng.randrange(len(story.intervals))]
                asked = begun + rng.randrange(max(1, ended - begun))
            else:
                asked = story.sittings[rng.randrange(len(story.sittings))] + self._span(10 * US, 120 * US)
            if asked > self.now:
                continue
            self._question(story, asked, lesson_id)

    def _question(self, story: _Story, asked: int, lesson_id: str | None) -> None:
        rng = self.rng
        lang = story.lang
        stamp = self.stamp
        made_up = not self.faq_all or rng.random() < 0.08
        if made_up:
            text_ = (
                rng.choice(QUESTION_OPENINGS[lang])
                + rng.choice(MADE_UP_QUESTIONS[lang])
                + rng.choice(QUESTION_ENDINGS[lang])
            )
            decision = "none" if rng.random() < 0.8 else "choices"
            true_id = None
        else:
            topics = [t for t in self._learner_topics(story) if t in self.faq_topic]
            r = rng.random()
            pool = (
                self.faq_topic[rng.choice(topics)]
                if topics and r < 0.7
                else self.faq_topic.get("bot", self.faq_all)
                if r < 0.9
                else self.faq_all
            )
            true_id, zh, en = pool[rng.randrange(len(pool))]
            phrasings = zh if lang == "zh" else en
            text_ = phrasings[rng.randrange(len(phrasings))]
            r = rng.random()
            decision = "answer" if r < 0.815 else "choices" if r < 0.965 else "none"
        others = [i for i in self.faq_ids if i != true_id]
        best: str | None
        score: float | None
        picked: str | None = None
        handed: int | None = None
        if decision == "answer":
            assert true_id is not None
            best, score, offered = true_id, round(rng.uniform(65, 99), 1), [true_id]
            if rng.random() < 0.05:
                handed = asked + self._span(10 * US, 60 * US)
        elif decision == "choices":
            offered = rng.sample(others, min(len(others), rng.randint(1, 2)))
            if true_id is not None:
                offered.insert(0 if rng.random() < 0.7 else min(1, len(offered)), true_id)
            best, score = offered[0], round(rng.uniform(40, 64), 1)
            r = rng.random()
            if r < 0.7:
                picked = true_id if true_id is not None and rng.random() < 0.85 else offered[-1]
            elif r < 0.9:
                picked = "none"
                if rng.random() < 0.5:
                    handed = asked + self._span(10 * US, 90 * US)
        else:
            best = (true_id if true_id and rng.random() < 0.5 else rng.choice(others)) if others else None
            score, offered = round(rng.uniform(8, 37), 1) if best else None, []
            if rng.random() < 0.5:
                handed = asked + self._span(10 * US, 90 * US)
        if handed is not None and handed > self.now:
            handed = None
        answered = by = reply = None
        if handed is not None and rng.random() < 0.65:
            answered = handed + int(rng.expovariate(1 / 8) * HOUR) + self._span(MINUTE, 10 * MINUTE)
            if answered <= self.now:
                trainer = self.cohorts[story.cohort].trainer if story.cohort is not None else None
                by, reply = trainer or ADMIN_ID, rng.choice(TRAINER_REPLIES[lang])
            else:
                answered = None
        self._add(
            "faq_question",
            (
                story.id,
                stamp(asked),
                lang,
                text_,
                decision,
                best,
                score,
                ",".join(offered),
                lesson_id,
                picked,
                stamp(handed) if handed is not None else None,
                stamp(answered) if answered is not None else None,
                by,
                reply,
            ),
        )
        story.last = max(story.last, handed or asked)

    def _learner_topics(self, story: _Story) -> list[str]:
        """The tracks the learner studied: their questions are mostly about those."""
        return list(dict.fromkeys(self.plan_track[lesson] for lesson, _b, _e in story.intervals))

    # ----- the whole run ------------------------------------------------------------------------

    def run(self, learners: int, first_id: int, taken_cohorts: set[str]) -> None:
        start = self.now - self.weeks * WEEK
        # About one village per 50 learners, at most 60 up to ~10,000; beyond, one per 160.
        n_cohorts = min(max(learners // 50, 1), 60) if learners <= 60 * 160 else math.ceil(learners / 160)
        self.make_cohorts(n_cohorts, start, taken_cohorts)
        for person in self.people(learners, first_id, start):
            self.learner(person)
            if len(self.buf["step_event"]) >= self.batch_size:
                self.flush()
        for v in self.cohorts:
            self._add("cohort", (v.code, v.name, v.trainer, self.stamp(v.launched - DAY)))
        self.flush()


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
) -> DemoSummary:
    """Write `learners` synthetic learners and their history (see the module docstring).

    The schema must exist (`bot.store.database.upgrade`). Raises `DemoDataError` if the database
    already has learners, unless `append`. `force_core` uses SQLAlchemy Core inserts even on SQLite.
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
    sink = _Sink(engine, force_core=force_core)
    try:
        generator = _Generator(curriculum, sink, seed, now, weeks, timezone, batch_size)
        first_id = int(top or 0) + 1
        generator.run(learners, first_id, taken)
    finally:
        sink.close()
    order = ("cohort", "learner", *(name for name in COLUMNS if name not in ("cohort", "learner")))
    rows = {name: generator.rows[name] for name in order}
    return DemoSummary(learners, rows, time.perf_counter() - began, first_id)
