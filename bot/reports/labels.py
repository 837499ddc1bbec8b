"""The report's words: table titles, notes and column keys (the CSV's stable names).

Column keys are English snake_case because the tidy CSV and scripts read them; people see the
headers and values from `bot.reports.words`, in the report's language.
"""

from __future__ import annotations

MIN_RANKED = 5  # a village where fewer started is listed after the ranked ones: 1 of 1 is not 100%

TITLES: dict[str, dict[str, str]] = {
    "headline": {"en": "Is it working? The headline numbers", "zh": "效果如何：主要数字"},
    "villages": {"en": "Villages side by side", "zh": "各村对比"},
    "stages_weekly": {"en": "The funnel week by week", "zh": "每周的学习、实践和成果"},
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
    "headline": {
        "en": "Each number counts learners who did it in the period (learners: joined by its end). The "
        "change compares two windows of the same length; for learners it counts new learners.",
        "zh": "每个数字是期内做到这一步的人数（学员：截至期末的人数）。"
        "变化比较两段同样长的时间；学员一项比较新加入的人数。",
    },
    "villages": {
        "en": "Ranked by completion (finished a lesson / started); villages where fewer than 5 learners "
        "started are listed last. Same counts as the funnel.",
        "zh": "按完成率（学完一课 / 开始学习）排序；开始学习不足5人的村排在最后。数字与漏斗一致。",
    },
    "stages_weekly": {
        "en": "Learners who did each step in that local week (Monday to Sunday), and the yuan reported.",
        "zh": "每周（周一到周日，当地时间）做到每一步的人数，以及报告的收入（元）。",
    },
    "summary": {
        "en": "learners: joined by the end of the period; active: a lesson step in the last 7 or 30 days "
        "of the period; lessons and tiers finished within the period.",
        "zh": "学员：截至期末加入的人数；近7/30天活跃：期末前7/30天内学过一步；完成数按期内计。",
    },
    "completion": {
        "en": "started: began a lesson of the tier in the period; completed: of those, finished every "
        "lesson of the tier by the period's end; median days: first start to last lesson finished.",
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
        "en": "An outcome's track is its lesson's track; none when it was reported without a lesson. "
        "reports counts answers, learners counts people; the funnel's last stage counts only learners "
        "who passed every earlier stage in the period.",
        "zh": "成果按所属课的方向统计；没有对应课的记为“无”。报告次数按回答算，人数按人算；"
        "漏斗最后一级只算前面每一步也在期内做到的人。",
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
    "headline": ("measure", "value", "recent", "previous", "change"),
    "villages": (
        "cohort",
        "learners",
        "started",
        "completed_lesson",
        "completion_rate",
        "applied",
        "outcome",
        "result_rate",
        "income",
    ),
    "stages_weekly": ("week", "started", "completed_lesson", "applied", "outcome", "income"),
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
