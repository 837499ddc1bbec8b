"""Auditing what learners will actually see against the brief's elder-friendly limits.

Every lesson is walked through the real engine, in both languages, and every message and keyboard
it would send is measured: a step, a question, the retry after a wrong answer, the lesson's end,
the placement test and the menus. `farmskills validate` and the tests use it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from bot.content.faq_bank import FaqBank
from bot.content.limits import keyboard_problems, message_problem
from bot.content.loader import Curriculum
from bot.content.models import LANGS, Tier
from bot.content.problems import Problem
from bot.core.engine import LessonEngine
from bot.core.messages import Message
from bot.core.questions import QuestionDesk
from bot.core.state import LearnerView, Place, Profile, Progress, Screen

# Names as long as a learner may choose, so the limits hold for real people, not just "Sam".
SAMPLE_NAMES = {"zh": "王建国大爷", "en": "Grandpa Wang Jianguo"}


def _view(curriculum: Curriculum, lang: str, place: Place) -> LearnerView:
    unlocked = dict.fromkeys(curriculum.tracks, Tier.advanced)
    progress = Progress(unlocked=unlocked)
    return LearnerView(Profile(1, lang, SAMPLE_NAMES[lang]), place, progress)


def sent_messages(curriculum: Curriculum) -> Iterator[tuple[str, str, str, Message]]:
    """(file, field, lang, message) for every message the lessons and menus can send."""
    engine = LessonEngine(curriculum)
    for lang in LANGS:
        for screen in (
            Screen.welcome,
            Screen.name,
            Screen.menu,
            Screen.more,
            Screen.language,
            Screen.tracks,
            Screen.progress,
            Screen.forget,
            Screen.reminders,
            Screen.reminder_hours,
            Screen.reminder_zones,
        ):
            view = _view(curriculum, lang, Place(screen=screen))
            for msg in engine.screen(view):
                yield f"content/ui/{lang}.yaml", screen.value, lang, msg
        for msg in engine.screen(_view(curriculum, lang, Place(screen=Screen.more, step=1))):
            yield f"content/ui/{lang}.yaml", "more_2", lang, msg
        for track in curriculum.tracks.values():
            for screen in (Screen.track, Screen.locked):
                place = Place(screen=screen, track=track.track, tier=Tier.intermediate)
                for msg in engine.screen(_view(curriculum, lang, place)):
                    yield track.source, f"{screen.value}", lang, msg
            for i in range(len(track.placement)):
                place = Place(screen=Screen.placement, track=track.track, answers=(0,) * i)
                for msg in engine.screen(_view(curriculum, lang, place)):
                    yield track.source, f"placement[{i + 1}].{lang}", lang, msg
            # The result, as long as it gets: every question answered right, all three tiers scored.
            view = _view(curriculum, lang, Place(screen=Screen.placement, track=track.track))
            for n, asked in enumerate(track.placement):
                outcome = engine.press(view, f"pla:{track.track}:{n}:{asked.right_index}")
                view = replace(view, place=outcome.place)
            for msg in outcome.response.messages:
                yield f"content/ui/{lang}.yaml", "placement_means_all", lang, msg
        for lesson in curriculum.lessons.values():
            base = Place(track=lesson.track, tier=lesson.tier, lesson=lesson.id)
            view = _view(curriculum, lang, base)
            for msg in engine.screen(view, replace(base, screen=Screen.tier)):
                yield lesson.source, "title", lang, msg
            for i in range(len(lesson.steps)):
                for msg in engine.screen(view, replace(base, screen=Screen.step, step=i)):
                    yield lesson.source, f"steps[{i + 1}].{lang}", lang, msg
            for q, question in enumerate(lesson.questions):
                place = replace(base, screen=Screen.question, question=q)
                qview = replace(view, place=place)
                for msg in engine.screen(qview):
                    yield lesson.source, f"questions[{q + 1}].{lang}", lang, msg
                wrong = (question.right_index + 1) % len(question.options)
                outcome = engine.press(qview, f"ans:{lesson.id}:{q}:{wrong}")
                for msg in outcome.response.messages:
                    yield lesson.source, f"questions[{q + 1}].explain.{lang}", lang, msg
                for msg in engine.say(
                    qview, "这个我不太懂" if lang == "zh" else "what does this mean"
                ).response.messages:
                    yield f"content/ui/{lang}.yaml", "quiz_tap_hint", lang, msg
            for msg in engine.screen(view, replace(base, screen=Screen.finished)):
                yield lesson.source, f"practice.task.{lang}", lang, msg
            if lesson.practice.evidence.value != "none":
                for msg in engine.screen(view, replace(base, screen=Screen.evidence)):
                    yield lesson.source, "practice.evidence", lang, msg
            if lesson.practice.follow_up is not None:
                msg = engine.practice.follow_up_message(lang, SAMPLE_NAMES[lang], lesson)
                yield lesson.source, f"practice.follow_up.question.{lang}", lang, msg
                msg = engine.practice.amounts_prompt(view, lesson.id)
                yield lesson.source, "practice.follow_up.unit", lang, msg
        for msg in engine.screen(_view(curriculum, lang, Place(screen=Screen.income))):
            yield f"content/ui/{lang}.yaml", "income_prompt", lang, msg
        yield from _faq_messages(curriculum, engine, lang)


def _faq_messages(
    curriculum: Curriculum, engine: LessonEngine, lang: str
) -> Iterator[tuple[str, str, str, Message]]:
    """Each FAQ answer as sent: outside a lesson (with its lesson's title), and as a list of choices."""
    if not curriculum.faq.entries:
        return
    from bot.faq.matcher import FaqMatcher  # the numeric stack, only when an audit runs

    desk = QuestionDesk(engine, FaqMatcher(FaqBank(())))
    desk.matcher.bank = curriculum.faq  # only the bank is read here; no index is needed
    view = _view(curriculum, lang, Place(screen=Screen.menu))
    for entry in curriculum.faq.entries:
        yield entry.source, f"{entry.id}.answer.{lang}", lang, desk.answer_message(view, entry.id)
    for entry in curriculum.faq.entries:
        # Offered among choices, each entry's button must fit on its own.
        yield entry.source, f"{entry.id}.keywords.{lang}", lang, desk.choices_message(view, (entry.id,))


def audit(curriculum: Curriculum) -> list[Problem]:
    """Every message or keyboard that breaks the limits, named by file and field."""
    problems: set[Problem] = set()
    for file, field, lang, msg in sent_messages(curriculum):
        text_problem = message_problem(msg.text, lang)
        if text_problem:
            problems.add(Problem(file, field, f"message {text_problem}"))
        rows = [[b.label for b in row] for row in msg.keyboard]
        for kb_problem in keyboard_problems(rows):
            problems.add(Problem(file, field, f"button {kb_problem}"))
    return sorted(problems)
