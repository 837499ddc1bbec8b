"""Where a learner lands when the lessons change under them (a trainer's fix, reloaded live).

Pure: the learner's saved place and the new content in, a place that exists in that content out.
The same lesson and step when they still exist; the lesson's start when the step or question is
gone; Home when the lesson, tier or track itself is gone.
"""

from __future__ import annotations

from dataclasses import replace

from bot.content.loader import Curriculum
from bot.core.state import Place, Screen


def place_after_change(place: Place, curriculum: Curriculum) -> Place:
    if place.track is not None and place.track not in curriculum.tracks:
        return Place(screen=Screen.menu)
    if place.lesson is None:
        return place
    lesson = curriculum.lessons.get(place.lesson)
    if lesson is None:
        return Place(screen=Screen.menu)
    if place.step >= len(lesson.steps) or (
        place.screen is Screen.question and place.question >= len(lesson.questions)
    ):
        return replace(place, screen=Screen.step, step=0, question=0)
    return place
