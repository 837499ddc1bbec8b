"""The questions demo learners type to the bot: the FAQ bank's own phrasings about their tracks
(opened and closed the way people write), some made-up ones the bank cannot answer, the bot's
decision, and trainers' replies to those sent to a person."""

from __future__ import annotations

from pathlib import PurePosixPath

from bot.demo.constants import ADMIN_ID, HOUR, MINUTE, US
from bot.demo.lessons import Story
from bot.demo.population import Population

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


class Questions(Population):
    """What each learner asked; `Stories` sets `plan_track` and calls `_faq_by_topic` first."""

    plan_track: dict[str, str]  # lesson id -> its track

    def _faq_by_topic(self) -> None:
        entries = list(self.cur.faq.entries)
        self.faq_ids = [e.id for e in entries]
        self.faq_topic: dict[str, list[tuple[str, tuple[str, ...], tuple[str, ...]]]] = {}
        for e in entries:
            topic = PurePosixPath(e.source).stem if e.source else "other"
            self.faq_topic.setdefault(topic, []).append((e.id, tuple(e.questions.zh), tuple(e.questions.en)))
        self.faq_all = [item for items in self.faq_topic.values() for item in items]

    def _questions(self, story: Story) -> None:
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

    def _question(self, story: Story, asked: int, lesson_id: str | None) -> None:
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

    def _learner_topics(self, story: Story) -> list[str]:
        """The tracks the learner studied: their questions are mostly about those."""
        return list(dict.fromkeys(self.plan_track[lesson] for lesson, _b, _e in story.intervals))
