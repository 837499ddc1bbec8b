"""Each demo learner's story: lessons taken in tier order and dropped at some steps more than
others, check answers, practice reports with evidence, follow-ups and outcomes in each lesson's
unit, FAQ questions and trainers' replies — the rows exactly as the running bot would store them.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePosixPath
from typing import Any

from bot.content.loader import Curriculum
from bot.content.models import Evidence, Tier, Unit
from bot.core.engine import placement_tier
from bot.core.practice import ranges, shown_number
from bot.core.state import Screen
from bot.demo.constants import (
    ADMIN_ID,
    BLOCKED,
    CHINESE,
    CUT,
    DAY,
    DONE,
    FIRST_STEP_EXTRA,
    HARD_STEP_FACTOR,
    HOUR,
    LEARNERS_PER_LARGE_VILLAGE,
    LEARNERS_PER_VILLAGE,
    MAX_SMALL_VILLAGES,
    MINUTE,
    NEVER_STARTED,
    ONE_TRACK,
    OTHER_TRACK_POPULARITY,
    PHOTO_ID_CHARS,
    PLACEMENT,
    QUIT_AT_TIER_END,
    QUIT_BETWEEN_LESSONS,
    REMINDERS_OFF,
    RETURN_AFTER_DROP,
    STOP,
    TIER_HAZARD,
    TRACK_POPULARITY,
    US,
    VOLUNTEER_INCOME,
    WEEK,
)
from bot.demo.population import Person, Population
from bot.demo.writer import Sink

Progress = Callable[[int, int], None]  # (learners made so far, learners in all)
PROGRESS_EVERY = 500  # learners between two progress reports

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


class Stories(Population):
    """The population, and what each of its learners did."""

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
        super().__init__(curriculum, sink, seed, now, weeks, timezone, batch_size)
        self.plans = _lesson_plans(curriculum)
        self.tracks = [t for t in curriculum.track_ids if self.plans.get(t)]
        self.track_weights = [TRACK_POPULARITY.get(t, OTHER_TRACK_POPULARITY) for t in self.tracks]
        self.plan_track = {p.id: p.track for plans in self.plans.values() for p in plans}
        self._faq_by_topic()

    def _faq_by_topic(self) -> None:
        entries = list(self.cur.faq.entries)
        self.faq_ids = [e.id for e in entries]
        self.faq_topic: dict[str, list[tuple[str, tuple[str, ...], tuple[str, ...]]]] = {}
        for e in entries:
            topic = PurePosixPath(e.source).stem if e.source else "other"
            self.faq_topic.setdefault(topic, []).append((e.id, tuple(e.questions.zh), tuple(e.questions.en)))
        self.faq_all = [item for items in self.faq_topic.values() for item in items]

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

    # ----- one learner --------------------------------------------------------------------------

    def learner(self, person: Person) -> None:
        rng = self.rng
        lang = "zh" if rng.random() < CHINESE else "en"
        self.off = person.off
        self.due_off = self.west_off if person.zone == self.west_zone else self.default_off
        story = _Story(person.id, lang, person.cohort, rng.random() >= BLOCKED, person.joined)
        story.sittings.append(person.joined)
        name = self._name(lang)
        t = person.joined + self._span(30 * US, 180 * US)  # welcome, name, menu
        if rng.random() >= NEVER_STARTED and t <= self.now:
            self._learn(story, t)
        self._questions(story)
        if story.completed and rng.random() < VOLUNTEER_INCOME:
            self._volunteer(story)
        reminders_on = rng.random() >= REMINDERS_OFF
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
        k = 1 if rng.random() < ONE_TRACK or len(self.tracks) < 2 else 2
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
            if rng.random() < PLACEMENT and self.cur.tracks[track].placement:
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

    def run(
        self, learners: int, first_id: int, taken_cohorts: set[str], progress: Progress | None = None
    ) -> None:
        start = self.now - self.weeks * WEEK
        # About one village per 50 learners, at most 60 up to ~10,000; beyond, one per 160.
        small = learners <= MAX_SMALL_VILLAGES * LEARNERS_PER_LARGE_VILLAGE
        n_cohorts = (
            min(max(learners // LEARNERS_PER_VILLAGE, 1), MAX_SMALL_VILLAGES)
            if small
            else math.ceil(learners / LEARNERS_PER_LARGE_VILLAGE)
        )
        self.make_cohorts(n_cohorts, start, taken_cohorts)
        for done, person in enumerate(self.people(learners, first_id, start), start=1):
            self.learner(person)
            if len(self.buf["step_event"]) >= self.batch_size:
                self.flush()
            if progress is not None and done % PROGRESS_EVERY == 0:
                progress(done, learners)
        for v in self.cohorts:
            self._add("cohort", (v.code, v.name, v.trainer, self.stamp(v.launched - DAY)))
        self.flush()
