"""`farmskills preview`: a lesson drawn exactly as the console shows it, with answers marked."""

from __future__ import annotations

from dataclasses import replace
from typing import TextIO

from bot.content.loader import Curriculum
from bot.core.audit import SAMPLE_NAMES
from bot.core.engine import LessonEngine
from bot.core.state import LearnerView, Place, Profile, Progress, Screen


def preview_lesson(curriculum: Curriculum, lesson_id: str, lang: str, out: TextIO) -> None:
    from bot.channels.console import ConsoleChannel

    engine = LessonEngine(curriculum)
    lesson = curriculum.lessons[lesson_id]
    text = curriculum.renderer.render_lesson(lesson, lang, SAMPLE_NAMES[lang])
    base = Place(track=lesson.track, tier=lesson.tier, lesson=lesson.id)
    view = LearnerView(Profile(0, lang, SAMPLE_NAMES[lang]), base, Progress())
    drawer = ConsoleChannel.__new__(ConsoleChannel)
    drawer.stdout = out
    drawer.files_dir = curriculum.root
    out.write(f"# {lesson.id} · {lesson.track}/{lesson.tier.value} · {lesson.source}\n")
    for i in range(len(lesson.steps)):
        for msg in engine.screen(view, replace(base, screen=Screen.step, step=i)):
            drawer.draw(msg)
    for q, question in enumerate(lesson.questions):
        for msg in engine.screen(view, replace(base, screen=Screen.question, question=q)):
            drawer.draw(msg)
        right = text.questions[q].options[question.right_index]
        out.write(f"   ✔ right answer: {question.answer} ({right})\n")
        out.write(f"   ✎ after a wrong answer: {text.questions[q].explain}\n")
    for msg in engine.screen(view, replace(base, screen=Screen.finished)):
        drawer.draw(msg)
    follow = lesson.practice.follow_up
    if follow and text.follow_up:
        out.write(
            f"\n⏰ after {follow.after_days} days the bot asks: {text.follow_up} [{follow.unit.value}]\n"
        )
    out.write(f"   evidence asked for: {lesson.practice.evidence.value}\n")
