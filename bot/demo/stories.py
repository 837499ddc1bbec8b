"""Each demo learner's story: lessons taken in tier order and dropped at some steps more than
others, check answers, practice reports with evidence, follow-ups and outcomes in each lesson's
unit, FAQ questions and trainers' replies — the rows exactly as the running bot would store them.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime
from typing import Any

from bot.channels.telegram import CHANNEL as TELEGRAM  # the made-up learners came by Telegram
from bot.content.loader import Curriculum
from bot.content.models import Tier
from bot.core.engine import placement_tier
from bot.core.state import Screen
from bot.demo.constants import (
    BLOCKED,
    CHINESE,
    CUT,
    DAY,
    DONE,
    FIRST_STEP_EXTRA,
    LEARNERS_PER_LARGE_VILLAGE,
    LEARNERS_PER_VILLAGE,
    MAX_SMALL_VILLAGES,
    NEVER_STARTED,
    ONE_TRACK,
    OTHER_TRACK_POPULARITY,
    PLACEMENT,
    QUIT_AT_TIER_END,
    QUIT_BETWEEN_LESSONS,
    REMINDERS_OFF,
    RETURN_AFTER_DROP,
    STOP,
    TRACK_POPULARITY,
    US,
    VOLUNTEER_INCOME,
    WEEK,
)
from bot.demo.lessons import LessonPlan, Story, lesson_plans
from bot.demo.outcomes import Outcomes
from bot.demo.population import Person
from bot.demo.writer import Sink

Progress = Callable[[int, int], None]  # (learners made so far, learners in all)
PROGRESS_EVERY = 500  # learners between two progress reports


class Stories(Outcomes):
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
        self.plans = lesson_plans(curriculum)
        self.tracks = [t for t in curriculum.track_ids if self.plans.get(t)]
        self.track_weights = [TRACK_POPULARITY.get(t, OTHER_TRACK_POPULARITY) for t in self.tracks]
        self.plan_track = {p.id: p.track for plans in self.plans.values() for p in plans}
        self._faq_by_topic()

    # ----- one learner --------------------------------------------------------------------------

    def learner(self, person: Person) -> None:
        rng = self.rng
        lang = "zh" if rng.random() < CHINESE else "en"
        self.off = person.off
        self.due_off = self.west_off if person.zone == self.west_zone else self.default_off
        story = Story(person.id, lang, person.cohort, rng.random() >= BLOCKED, person.joined)
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
                TELEGRAM,
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

    def _learn(self, story: Story, t: int) -> None:
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

    def _placement(self, story: Story, track: str, t: int) -> tuple[Tier, int]:
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

    def _lesson(self, story: Story, plan: LessonPlan, t: int) -> tuple[int, int]:
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
