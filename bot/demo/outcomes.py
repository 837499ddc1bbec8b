"""What demo learners did after a lesson: practice tasks done (with evidence) or put off, the
follow-up a few days on, the outcome they answered it with, and incomes volunteered unasked — in
each lesson's unit, the rows as the running bot stores them.
"""

from __future__ import annotations

import math

from bot.content.models import Evidence, Unit
from bot.core.practice import ranges, shown_number
from bot.core.state import Screen
from bot.demo.constants import DAY, HOUR, MINUTE, PHOTO_ID_CHARS, US
from bot.demo.lessons import LessonPlan, Story
from bot.demo.questions import Questions

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


class Outcomes(Questions):
    """Practice, follow-ups and outcomes; `Stories` builds the rest of each learner's story on it."""

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

    def _practice(self, story: Story, plan: LessonPlan, t: int) -> int:
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

    def _done(self, story: Story, plan: LessonPlan, at: int) -> None:
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

    def _volunteer(self, story: Story) -> None:
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
