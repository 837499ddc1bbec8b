"""`farmskills preview`: a lesson drawn exactly as the console shows it, with answers marked, or as a
phone-width web page (`--html`) with each screen's length against the limit and its buttons.
"""

from __future__ import annotations

import base64
from dataclasses import replace
from html import escape
from pathlib import Path
from typing import TextIO

from bot.content.limits import label_problem, message_size
from bot.content.loader import Curriculum
from bot.core.audit import SAMPLE_NAMES
from bot.core.engine import LessonEngine
from bot.core.messages import Message
from bot.core.state import LearnerView, Place, Profile, Progress, Screen


def _length_line(text: str, lang: str) -> str:
    size, limit = message_size(text, lang)
    unit = "字" if lang == "zh" else "words"
    flag = "  ✗ TOO LONG" if size > limit else ""
    return f"   📏 {size} / {limit} {unit}{flag}\n"


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
            out.write(_length_line(msg.text, lang))
    for q, question in enumerate(lesson.questions):
        for msg in engine.screen(view, replace(base, screen=Screen.question, question=q)):
            drawer.draw(msg)
            out.write(_length_line(msg.text, lang))
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


# ---- the phone-width page ---------------------------------------------------------------------

_PAGE = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ margin: 0; background: #c8d6c0; font: 17px/1.5 "Noto Sans CJK SC", "WenQuanYi Micro Hei",
  "Noto Color Emoji", sans-serif; }}
.phone {{ width: 390px; max-width: 100%; margin: 0 auto; background: #e6ebe1; min-height: 100vh; }}
header {{ background: #2f6b3a; color: #fff; padding: 10px 14px; font-size: 15px; }}
.screen {{ padding: 8px 10px 14px; border-bottom: 2px dashed #b5c2ad; }}
.what {{ font-size: 13px; color: #475; margin: 4px 2px; }}
.bubble {{ background: #fff; border-radius: 12px; padding: 10px 12px; white-space: pre-wrap;
  word-wrap: break-word; }}
.bubble img {{ display: block; width: 100%; border-radius: 8px; margin-bottom: 8px; }}
.count {{ font-size: 13px; text-align: right; margin: 2px 4px; color: #2f6b3a; }}
.over {{ color: #b00020; font-weight: bold; }}
.kb {{ display: grid; gap: 6px; margin-top: 6px; }}
.row {{ display: grid; gap: 6px; }}
.btn {{ background: #f7faf5; border: 1px solid #9fb596; border-radius: 8px; padding: 9px 4px;
  text-align: center; }}
.btn.bad {{ border: 2px solid #b00020; }}
.why {{ font-size: 12px; color: #b00020; }}
.note {{ font-size: 14px; background: #fff8d6; border-radius: 8px; padding: 6px 10px; margin-top: 6px; }}
</style></head>
<body><div class="phone">
<header>{title}<br><small>{source}</small></header>
{screens}
</div></body></html>
"""


def _image_tag(message: Message) -> str:
    """The step's picture (a file of the content) or one the bot drew, inline in the page."""
    if message.picture is not None:
        name, raw = message.picture.filename, message.picture.data
    elif message.image is None:
        return ""
    elif not message.image.is_file():
        return f'<p class="over">🖼️ {escape(message.image.name)} — not found</p>'
    else:
        name, raw = message.image.name, message.image.read_bytes()
    kind = "png" if name.lower().endswith(".png") else "jpeg"
    data = base64.b64encode(raw).decode("ascii")
    return f'<img alt="{escape(name)}" src="data:image/{kind};base64,{data}">'


def _count(text: str, lang: str) -> str:
    size, limit = message_size(text, lang)
    unit = "字" if lang == "zh" else "words"
    over = " over" if size > limit else ""
    return f'<div class="count{over}" data-size="{size}" data-limit="{limit}">{size} / {limit} {unit}</div>'


def _keyboard(message: Message) -> str:
    rows = []
    for row in message.keyboard:
        cells = []
        for button in row:
            problem = label_problem(button.label)
            why = f'<div class="why">{escape(problem)}</div>' if problem else ""
            bad = " bad" if problem else ""
            cells.append(f'<div class="btn{bad}">{escape(button.label)}{why}</div>')
        rows.append(
            f'<div class="row" style="grid-template-columns: repeat({len(row)}, 1fr)">{"".join(cells)}</div>'
        )
    return f'<div class="kb">{"".join(rows)}</div>' if rows else ""


def _screen(what: str, message: Message, lang: str, note: str = "") -> str:
    voice = f"<p>🔊 {escape(message.voice.name)}</p>" if message.voice else ""
    extra = f'<div class="note">{escape(note)}</div>' if note else ""
    return (
        f'<section class="screen"><div class="what">{escape(what)}</div>'
        f'<div class="bubble">{_image_tag(message)}{voice}{escape(message.text)}</div>'
        f"{_count(message.text, lang)}{_keyboard(message)}{extra}</section>"
    )


def html_preview(curriculum: Curriculum, lesson_id: str, lang: str) -> str:
    """The lesson's screens as a 390-pixel-wide phone page, each with its length against the limit."""
    engine = LessonEngine(curriculum)
    lesson = curriculum.lessons[lesson_id]
    text = curriculum.renderer.render_lesson(lesson, lang, SAMPLE_NAMES[lang])
    base = Place(track=lesson.track, tier=lesson.tier, lesson=lesson.id)
    view = LearnerView(Profile(0, lang, SAMPLE_NAMES[lang]), base, Progress())
    zh = lang == "zh"
    screens: list[str] = []
    for i in range(len(lesson.steps)):
        for msg in engine.screen(view, replace(base, screen=Screen.step, step=i)):
            screens.append(_screen(f"第 {i + 1} 步" if zh else f"Step {i + 1}", msg, lang))
    for q, question in enumerate(lesson.questions):
        right = text.questions[q].options[question.right_index]
        note = (
            f"✔ 正确答案：{question.answer}（{right}）。答错后显示：{text.questions[q].explain}"
            if zh
            else f"✔ Right answer: {question.answer} ({right}). "
            f"After a wrong answer: {text.questions[q].explain}"
        )
        for msg in engine.screen(view, replace(base, screen=Screen.question, question=q)):
            screens.append(_screen(f"第 {q + 1} 题" if zh else f"Question {q + 1}", msg, lang, note))
    for msg in engine.screen(view, replace(base, screen=Screen.finished)):
        screens.append(_screen("课后练习" if zh else "Practice", msg, lang))
    title = f"{text.title} · {lesson.id}"
    return _PAGE.format(
        lang=lang, title=escape(title), source=escape(lesson.source), screens="\n".join(screens)
    )


def write_html_preview(curriculum: Curriculum, lesson_id: str, lang: str, target: Path) -> None:
    target.write_text(html_preview(curriculum, lesson_id, lang), encoding="utf-8")
