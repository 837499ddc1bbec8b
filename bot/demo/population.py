"""The demo population: villages (made-up names from common surnames and place words, some in
Xinjiang time) and the people who join them, with the small random helpers every story uses.

`Population` owns the random generator, the clock and the row buffers; `bot.demo.stories` builds
each learner's history on top of it.
"""

from __future__ import annotations

import random
from bisect import bisect
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import accumulate
from typing import Any
from zoneinfo import ZoneInfo

from bot.content.loader import Curriculum
from bot.core.schedule import LEARNER_ZONES
from bot.core.state import Place
from bot.demo.constants import (
    DAY,
    DEFAULT_NAME,
    EPOCH,
    FAR_WEST_VILLAGES,
    FAR_WEST_ZONE_PICKED,
    HOUR,
    HOUR_WEIGHTS,
    JOIN_MEAN_DAYS,
    MINUTE,
    TRAINED_VILLAGES,
    WEEK,
    WITHOUT_VILLAGE,
)
from bot.demo.writer import COLUMNS, Row, Sink

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


@dataclass(frozen=True)
class Village:
    code: str
    name: str
    trainer: str | None
    launched: int  # microseconds since the epoch
    off: int  # the local time's offset from UTC, in microseconds
    far_west: bool  # in Xinjiang, where daily life runs on local time, two hours behind Beijing


@dataclass
class Person:
    id: int
    cohort: int | None  # index into the villages
    joined: int  # microseconds since the epoch
    off: int  # offset of the local time the learner lives by
    zone: str | None  # the time zone the learner picked in the bot (None: the bot's default)


def offset(zone: str, now: datetime) -> int:
    """The zone's offset from UTC at `now`, in microseconds (China keeps no summer time)."""
    return (ZoneInfo(zone).utcoffset(now) or timedelta(0)) // timedelta(microseconds=1)


class Population:
    def __init__(
        self,
        curriculum: Curriculum,
        sink: Sink,
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
        self.default_off = offset(timezone, now)
        self.west_zone = LEARNER_ZONES["xinjiang"]
        self.west_off = offset(self.west_zone, now)
        self.has_west = self.west_off != self.default_off
        self.off = self.due_off = self.default_off  # per learner: the zone lived by, the zone picked
        self.batch_size = batch_size
        self.hour_cum = list(accumulate(HOUR_WEIGHTS))
        self.surname_cum = list(accumulate(1 / (i + 4) for i in range(len(SURNAMES))))
        self.buf: dict[str, list[Row]] = {name: [] for name in COLUMNS}
        self.rows: dict[str, int] = dict.fromkeys(COLUMNS, 0)
        self.place_json: dict[tuple[Any, ...], str] = {}
        self._ramp = list(accumulate(float(k + 1) for k in range(weeks)))  # weekly ramp: later weeks busier
        self.cohorts: list[Village] = []

    # ----- small helpers ------------------------------------------------------------------------

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
            set(rng.sample(range(count), max(round(count * FAR_WEST_VILLAGES), count >= 10)))
            if self.has_west
            else set()
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
            trainer = (
                str(self._span(1_000_000_000, 7_000_000_000)) if rng.random() < TRAINED_VILLAGES else None
            )
            far_west = index in west
            off = self.west_off if far_west else self.default_off
            self.cohorts.append(Village(code, name, trainer, launched, off, far_west))

    def people(self, count: int, first_id: int, start: int) -> list[Person]:
        rng = self.rng
        weights = list(accumulate(rng.lognormvariate(0, 0.6) for _ in self.cohorts))
        people = []
        for _ in range(count):
            cohort: int | None = None
            off, zone = self.default_off, None
            if self.cohorts and rng.random() >= WITHOUT_VILLAGE:
                cohort = bisect(weights, rng.random() * weights[-1])
                village = self.cohorts[cohort]
                launched = village.launched
                if village.far_west:
                    off = self.west_off
                    zone = self.west_zone if rng.random() < FAR_WEST_ZONE_PICKED else None
                raw = launched + int(rng.expovariate(1 / JOIN_MEAN_DAYS) * DAY)
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
            people.append(Person(0, cohort, joined, off, zone))
        people.sort(key=lambda p: p.joined)
        for i, p in enumerate(people):
            p.id = first_id + i
        return people

    def _name(self, lang: str) -> str:
        rng = self.rng
        if rng.random() < DEFAULT_NAME:
            return self.cur.ui.get(lang, {}).get("default_name", "")
        sn, sp = SURNAMES[bisect(self.surname_cum, rng.random() * self.surname_cum[-1])]
        given = [GIVEN[rng.randrange(len(GIVEN))] for _ in range(1 if rng.random() < 0.35 else 2)]
        if lang == "en":
            return f"{sp.capitalize()} {''.join(g[1] for g in given).capitalize()}"
        if rng.random() < 0.08:
            return f"老{sn}"
        return sn + "".join(g[0] for g in given)
