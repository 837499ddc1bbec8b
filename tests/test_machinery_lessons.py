"""The shipped machinery track, read as a farmer meets it: safety before spraying, quizzes that teach.

These guard the subject review's findings (issue 13) against a later edit that quietly undoes them:
the pesticide-safety lesson must come before any lesson that handles pesticide, the national drone
rules and the pre-harvest interval must stay in the lessons, and every check question must offer
three choices with the right one not always in the same place.
"""

from __future__ import annotations

from collections import Counter

import pytest

from bot.content.loader import Curriculum
from bot.content.models import Lesson
from bot.content.render import RenderedLesson

TRACK = "machinery"
SAFETY_LESSON = "mach-i-pesticide"


def machinery(curriculum: Curriculum) -> list[Lesson]:
    return [lesson for lesson in curriculum.ordered_lessons() if lesson.track == TRACK]


def read(curriculum: Curriculum, lesson: Lesson, lang: str) -> RenderedLesson:
    return curriculum.renderer.render_lesson(lesson, lang, "张三" if lang == "zh" else "Sam")


def whole_text(rendered: RenderedLesson) -> str:
    quiz = [part for q in rendered.questions for part in (q.ask, *q.options, q.explain)]
    return "\n".join([*rendered.steps, *quiz, rendered.task])


def test_a_farmer_learns_pesticide_safety_before_any_lesson_that_handles_pesticide(
    shipped: Curriculum,
) -> None:
    lessons = machinery(shipped)
    ids = [lesson.id for lesson in lessons]
    handles_pesticide = [
        lesson.id
        for lesson in lessons
        if "pesticide" in whole_text(read(shipped, lesson, "en")).lower() and lesson.id != SAFETY_LESSON
    ]
    assert handles_pesticide, "the drone lessons talk about pesticide"
    first = min(ids.index(i) for i in handles_pesticide)
    assert ids.index(SAFETY_LESSON) < first
    # A learner placed straight into intermediate still meets it: it is not hidden in basic.
    safety = shipped.lessons[SAFETY_LESSON]
    assert safety.tier.value == "intermediate" and safety.order == 1


def test_the_safety_lesson_teaches_gear_who_must_not_spray_storage_and_waiting_days(
    shipped: Curriculum,
) -> None:
    text = whole_text(read(shipped, shipped.lessons[SAFETY_LESSON], "zh"))
    for must in ("防毒口罩", "怀孕", "上锁", "原来的瓶子", "冲三遍", "安全间隔期"):
        assert must in text, must


def test_the_drone_lessons_state_the_national_rules_and_physical_dangers(shipped: Curriculum) -> None:
    prep = whole_text(read(shipped, shipped.lessons["mach-i-drone-prep"], "zh"))
    for must in ("无人驾驶航空器飞行管理暂行条例", "实名登记", "操作证书", "责任保险", "管制空域"):
        assert must in prep, must
    route = whole_text(read(shipped, shipped.lessons["mach-i-drone-route"], "zh"))
    for must in ("95598", "桨叶", "警示牌", "安全间隔期"):
        assert must in route, must
    battery = whole_text(read(shipped, shipped.lessons["mach-i-drone-battery"], "zh"))
    for must in ("鼓包", "接地", "存储电量"):
        assert must in battery, must


def test_every_check_question_offers_three_choices_and_an_explanation(shipped: Curriculum) -> None:
    for lesson in machinery(shipped):
        for number, question in enumerate(lesson.questions, start=1):
            where = f"{lesson.id} question {number}"
            assert len(question.options) >= 3, where
            assert question.explain.zh.strip() and question.explain.en.strip(), where


def test_the_right_answer_is_not_always_in_the_same_place(shipped: Curriculum) -> None:
    slots = Counter(q.answer for lesson in machinery(shipped) for q in lesson.questions)
    assert set(slots) == {1, 2, 3}
    assert max(slots.values()) <= 2 * min(slots.values())


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_lesson_opens_with_its_goal_in_one_line(shipped: Curriculum, lang: str) -> None:
    for lesson in machinery(shipped):
        first_line = read(shipped, lesson, lang).steps[0].splitlines()[0]
        assert first_line.startswith("🎯"), lesson.id
