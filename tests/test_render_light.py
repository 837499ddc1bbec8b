"""Rendering what is needed and no more: plain lesson text is shown as Jinja would show it without
being compiled, and a reminder or the menu names a lesson by its title without the whole lesson
being rendered and kept for a learner who may not open it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.app.service import LearningService, build_service
from bot.content.loader import Curriculum, load_curriculum
from bot.content.render import _clean
from tests.conftest import Clock
from tests.dialog import Learner, open_basic_lesson

SEVEN_PM_SHANGHAI = datetime(2026, 5, 4, 11, 0, tzinfo=UTC)


def every_text_of(cur: Curriculum) -> list[tuple[str, str]]:
    texts = []
    for lesson in cur.lessons.values():
        for lang in ("zh", "en"):
            texts.append((lesson.title.get(lang), lang))
            texts += [(step.template(lang), lang) for step in lesson.steps]
            for q in lesson.questions:
                texts += [(q.ask.get(lang), lang), (q.explain.get(lang), lang)]
                texts += [(o.get(lang), lang) for o in q.options]
            texts.append((lesson.practice.task.get(lang), lang))
    return texts


def test_plain_lesson_text_reads_exactly_as_jinja_would_show_it(shipped: Curriculum) -> None:
    renderer = shipped.renderer
    awkward = ["  两行  \r\n 第二行 \r\n\n", "a\u2028b\n", "\n\n  indented\n\tand tabbed  \n", "100% } ok"]
    plain = [(text, lang) for text, lang in every_text_of(shipped) if "{" not in text]
    assert len(plain) > 1000  # most of what the trainers write
    for text, lang in [*plain, *((t, "zh") for t in awkward)]:
        through_jinja = _clean(renderer.env.from_string(text).render(name="老王", lang=lang))
        assert renderer.render_text(text, lang, "老王", set(), "field") == through_jinja
    assert not any(source in renderer._compiled for source, _ in plain)  # and none was compiled


def test_a_reminder_names_the_next_lesson_without_rendering_all_of_it(
    learner: Learner, service: LearningService, content_root: Path, db_url: str, clock: Clock
) -> None:
    learner.onboard()
    open_basic_lesson(learner)
    learner.tap("下一步")
    # The next evening, from a bot started since: nothing is rendered for this learner there yet.
    restarted = load_curriculum(content_root)
    bot = build_service(restarted, db_url, clock=clock)
    clock.now = SEVEN_PM_SHANGHAI + timedelta(days=1, minutes=1)
    checked = len(restarted.renderer._lessons)  # rendered by the content check, for no learner
    [reminder] = bot.due_nudges()
    assert len(restarted.renderer._lessons) == checked  # no lesson rendered whole for the reminder
    first = next(iter(restarted.lessons.values()))  # the lesson begun
    title = restarted.renderer.render_lesson(first, "zh", "老王").title  # as the lesson itself shows it
    assert "第1课" in title and title in reminder.message.text


def test_the_menu_names_the_next_lesson_as_the_lesson_itself_titles_it(
    learner: Learner, curriculum: Curriculum
) -> None:
    learner.onboard()
    open_basic_lesson(learner)
    learner.tap("下一步")
    learner.tap("主页")
    first = next(iter(curriculum.lessons.values()))
    assert "接下来：《" + curriculum.renderer.render_lesson(first, "zh", "老王").title + "》" in learner.text
