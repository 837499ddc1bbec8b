"""Checks across content files, so that nothing passes silently.

Files the loader would never read (a lesson saved as `.yml`, a lesson outside a tier folder),
two lessons with the same `order` in one tier, FAQ entries linked to a lesson that does not
exist, template slips, pictures and voice clips that are missing or too big, and glossary terms,
snippets and pictures that nothing uses. Each is an error (the content cannot be served) or a
warning (it can, but a trainer should look).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from bot.content.agreement import check_agreement
from bot.content.explain import Said, did_you_mean, field_loc, join, make, suggestion
from bot.content.limits import label_size
from bot.content.media_check import image_problem, voice_problem
from bot.content.models import LANGS, Lesson, Tier
from bot.content.problems import WARNING
from bot.content.render import RenderError
from bot.content.template_check import syntax_words, template_slips, used_names
from bot.content.yaml_text import Spot

if TYPE_CHECKING:  # the loader imports this module; these names are for type checking only
    from bot.content.loader import Curriculum, Reader

_CONTENT_FOLDERS = {"glossary": ".yaml", "ui": ".yaml", "faq": ".yaml", "snippets": ".j2"}
_SNIPPET_NAME = re.compile(r"^[A-Za-z0-9_-]+\.(zh|en)\.j2$")


def _stray(rel: str, parts: tuple[str, ...]) -> Said | None:
    """Why the loader would not read this file, or None if it reads it."""
    name = parts[-1]
    if name.endswith(".yml"):
        return (
            f"文件名以 .yml 结尾，系统只读 .yaml 文件，这个文件会被忽略。请改名为 {name[:-4]}.yaml。",
            f"ends in .yml, so it would be ignored: only .yaml files are read. Rename it {name[:-4]}.yaml.",
        )
    if parts[0] == "lessons":
        if len(parts) == 3 and name != "track.yaml" and name.endswith(".yaml"):
            return (
                "课程文件要放在级别文件夹（basic、intermediate、advanced）里，放在这里学员看不到。",
                "a lesson file belongs in a tier folder (basic, intermediate, advanced); "
                "here learners never see it.",
            )
        if len(parts) > 4:
            return (
                "这个文件在太深的文件夹里，系统不会读它。课程文件放在 lessons/方向/级别/ 里。",
                "this file is too deep to be read: lesson files go in lessons/<track>/<tier>/.",
            )
    return None


def _ignored(parts: tuple[str, ...]) -> bool:
    """True for a file the loader does not read and nobody needs warning about."""
    name = parts[-1]
    if name.startswith(".") or name.lower().endswith(".md"):
        return True
    if parts[0] == "lessons":
        return (len(parts) == 3 and name == "track.yaml") or (len(parts) == 4 and name.endswith(".yaml"))
    folder = parts[1] if len(parts) > 2 else ""
    if folder == "media":
        return True
    if folder == "snippets":
        return len(parts) == 3 and _SNIPPET_NAME.match(name) is not None
    return folder in _CONTENT_FOLDERS and len(parts) == 3 and name.endswith(_CONTENT_FOLDERS[folder])


def check_stray_files(reader: Reader, cur: Curriculum) -> None:
    """Every file under lessons/ and content/ is either read, or named as an error or a warning."""
    for top in ("lessons", "content"):
        base = reader.root / top
        for path in sorted(base.rglob("*")) if base.is_dir() else []:
            if not path.is_file():
                continue
            parts = path.relative_to(reader.root).parts
            rel = "/".join(parts)
            said = _stray(rel, parts)
            if said is not None:
                reader.problems.append(make(rel, "", said))
            elif not _ignored(parts):
                said = (
                    "系统不读这个文件（文件名或位置不对），里面写的内容不会生效。",
                    "this file is not read (its name or place is not one the bot knows): "
                    "what it says has no effect.",
                )
                reader.problems.append(make(rel, "", said, severity=WARNING))


def lesson_texts(lesson: Lesson) -> Iterator[tuple[list[Any], str, str]]:
    """(where, language, template) for every piece of text in a lesson, in reading order."""
    for lang in LANGS:
        yield ["title", lang], lang, lesson.title.get(lang)
        for i, step in enumerate(lesson.steps):
            yield ["steps", i, lang], lang, step.template(lang)
        for i, q in enumerate(lesson.questions):
            yield ["questions", i, "ask", lang], lang, q.ask.get(lang)
            for j, option in enumerate(q.options):
                yield ["questions", i, "options", j, lang], lang, option.get(lang)
            yield ["questions", i, "explain", lang], lang, q.explain.get(lang)
        yield ["practice", "task", lang], lang, lesson.practice.task.get(lang)
        if lesson.practice.follow_up:
            yield (
                ["practice", "follow_up", "question", lang],
                lang,
                lesson.practice.follow_up.question.get(lang),
            )


def field_of(loc: list[Any]) -> str:
    return "".join(f"[{p + 1}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".")


def _line_in(spot: Spot | None, template_line: int) -> Spot | None:
    if spot is None:
        return None
    if spot.block:
        return Spot(spot.line + template_line, 0)
    return Spot(spot.line + template_line - 1, spot.column if template_line == 1 else 0)


def _check_templates(reader: Reader, cur: Curriculum, lessons: list[Lesson]) -> None:
    env = cur.renderer.env
    snippets = {lang: cur.renderer.snippet_names(lang) for lang in LANGS}
    for lesson in lessons:
        slipped: set[str] = set()
        for loc, lang, source in lesson_texts(lesson):
            for slip in template_slips(env, source, cur.glossary, snippets[lang]):
                spot = _line_in(reader.find(lesson.source, loc), slip.line)
                reader.problems.append(make(lesson.source, field_of(loc), slip.said, spot))
                slipped.add(lang)
        for lang in LANGS:
            if lang in slipped:
                continue  # already said plainly; rendering would only repeat it in Jinja's words
            try:
                shown = cur.renderer.render_lesson(lesson, lang, "张三" if lang == "zh" else "Sam")
            except RenderError as exc:
                said = syntax_words(exc.message.removeprefix("template error: "))
                spot = reader.find(lesson.source, field_loc(exc.field))
                reader.problems.append(make(lesson.source, exc.field, said, spot))
                continue
            _check_options(reader, lesson, lang, [q.options for q in shown.questions])


def _check_options(reader: Reader, lesson: Lesson, lang: str, options: list[tuple[str, ...]]) -> None:
    """Each answer button as shown (after its number icon) fits the label limit; names the option
    and its length against the limit."""
    for i, texts in enumerate(options):
        for j, text in enumerate(texts):
            size, limit, unit = label_size(text)
            if size <= limit:
                continue
            zh_unit = "个字" if unit.startswith("Chinese") else "个字母"
            said = (
                f"选项“{text}”有 {size} {zh_unit}，按钮上最多 {limit} {zh_unit}。"
                "请改短，长的说明放到问题或解释里。",
                f'the option "{text}" is {size} {unit}; a button holds at most {limit}. '
                "Shorten it and put the longer words in the question or the explanation.",
            )
            loc = ["questions", i, "options", j, lang]
            reader.problems.append(make(lesson.source, field_of(loc), said, reader.find(lesson.source, loc)))


def _check_snippet_files(reader: Reader, cur: Curriculum) -> tuple[set[str], set[str]]:
    """Each snippet file's own slips; returns the terms and snippets the snippets use."""
    terms: set[str] = set()
    used: set[str] = set()
    folder = reader.root / "content" / "snippets"
    for path in sorted(folder.glob("*.j2")) if folder.is_dir() else []:
        rel = reader.rel(path)
        lang = path.name.split(".")[-2]
        source = path.read_text(encoding="utf-8")
        names = cur.renderer.snippet_names(lang)
        for slip in template_slips(cur.renderer.env, source, cur.glossary, names, ("lang",), ("term",)):
            reader.problems.append(make(rel, "", slip.said, Spot(slip.line, 0)))
        t, s = used_names(cur.renderer.env, source)
        terms |= t
        used |= s
    return terms, used


def _check_orders(reader: Reader, cur: Curriculum) -> None:
    for track in cur.tracks.values():
        for tier in Tier:
            by_order: dict[int, list[Lesson]] = {}
            for lesson in cur.lessons_in(track.track, tier):
                by_order.setdefault(lesson.order, []).append(lesson)
            for order, clash in by_order.items():
                for lesson in clash if len(clash) > 1 else []:  # named in each file: either may be the slip
                    others = ", ".join(o.source for o in clash if o is not lesson)
                    said = (
                        f"order {order} 已经被同一级别的 {others} 用了。同一级别里每节课的顺序号要不一样。",
                        f"order {order} is also used by {others} in the same tier: "
                        "each lesson in a tier needs its own number.",
                    )
                    reader.problems.append(
                        make(lesson.source, "order", said, reader.find(lesson.source, ["order"]))
                    )
            if not cur.lessons_in(track.track, tier) and track.source:
                said = (f"级别 {tier.value} 里还没有课。", f"no lessons in tier {tier.value}")
                reader.problems.append(make(track.source, "", said))


def _check_faq_links(reader: Reader, cur: Curriculum) -> None:
    if any(p.file.startswith("lessons/") and p.is_error for p in reader.problems):
        return  # a lesson that failed to load would make every link to it look wrong
    for entry in cur.faq.entries:
        if entry.lesson and entry.lesson not in cur.lessons:
            said = join(
                (f"没有编号为“{entry.lesson}”的课。", f"no lesson with id {entry.lesson!r}."),
                suggestion(did_you_mean(entry.lesson, cur.lessons)),
            )
            reader.problems.append(make(entry.source, f"{entry.id}.lesson", said))


def _media_problem(cur: Curriculum, kind: str, value: str) -> Said | None:
    base = (cur.root / "content" / "media").resolve()
    path = cur.media_path(value).resolve()
    shown = f"content/media/{value}"
    if not path.is_relative_to(base):
        return (
            f"{kind} 要放在 content/media/ 文件夹里，写它在里面的路径，比如 ecommerce/photo-front.png。",
            f"a {kind} must be inside content/media/: write its path there, like ecommerce/photo-front.png.",
        )
    if not path.is_file():
        close = (
            [p.relative_to(base).as_posix() for p in base.rglob("*") if p.is_file()] if base.is_dir() else []
        )
        return join(
            (f"找不到文件 {shown}。请检查文件名和文件夹。", f"file {shown} not found."),
            suggestion(did_you_mean(value, close)),
        )
    return image_problem(path, shown) if kind == "image" else voice_problem(path, shown)


def _check_media(reader: Reader, cur: Curriculum, lessons: list[Lesson]) -> set[str]:
    used: set[str] = set()
    for lesson in lessons:
        for i, step in enumerate(lesson.steps):
            media = [(["steps", i, "image"], "image", step.image)] + [
                (["steps", i, "voice", lang], "voice", step.voice.get(lang) if step.voice else None)
                for lang in LANGS
            ]
            for loc, kind, value in media:
                if not value:
                    continue
                used.add(value)
                said = _media_problem(cur, kind, value)
                if said is not None:
                    reader.problems.append(
                        make(lesson.source, field_of(loc), said, reader.find(lesson.source, loc))
                    )
    return used


def _warn_unused(
    reader: Reader, cur: Curriculum, terms: set[str], snippets: set[str], media: set[str]
) -> None:
    for key in sorted(set(cur.glossary) - terms):
        said = (
            f'术语“{key}”没有课用到。用不到可以删掉，或在课里写 {{{{ term("{key}") }}}}。',
            f'the term "{key}" is used by no lesson: delete it, or use it with {{{{ term("{key}") }}}}.',
        )
        file = reader.term_files.get(key, "content/glossary")
        reader.problems.append(make(file, key, said, reader.find(file, [key]), WARNING))
    for name in sorted(cur.renderer.snippet_names("zh") | cur.renderer.snippet_names("en")):
        if name not in snippets:
            said = (f"片段“{name}”没有课用到。", f'the snippet "{name}" is used by no lesson.')
            reader.problems.append(make(f"content/snippets/{name}.zh.j2", "", said, severity=WARNING))
    base = cur.root / "content" / "media"
    for path in sorted(base.rglob("*")) if base.is_dir() else []:
        rel = path.relative_to(base).as_posix()
        # content/media/guide/ holds the trainers' guide's own pictures, which no lesson needs to use.
        if (
            rel.startswith("guide/")
            or not path.is_file()
            or path.name.startswith(".")
            or path.suffix == ".md"
        ):
            continue
        if rel not in media:
            said = (
                "还没有课用到这个文件。要用它，在某一步里写 image: " + rel,
                f"no lesson step uses this file yet. To show it, add to a step: image: {rel}",
            )
            reader.problems.append(make(f"content/media/{rel}", "", said, severity=WARNING))


def check_references(reader: Reader, cur: Curriculum, render_check: bool, only: set[str] | None) -> None:
    """Everything that links one file to another, and the templates and media of each lesson."""
    # A glossary, snippet or media file named alone is checked by the lessons that use it.
    just_lessons = only is not None and all(f.startswith("lessons/") for f in only)
    lessons = [ls for ls in cur.lessons.values() if not just_lessons or ls.source in (only or ())]
    _check_orders(reader, cur)
    _check_faq_links(reader, cur)
    media = _check_media(reader, cur, lessons)
    if not render_check:
        return
    _check_templates(reader, cur, lessons)
    check_agreement(reader, cur, lessons, only)
    snippet_terms, snippet_uses = _check_snippet_files(reader, cur)
    if only is None:
        terms, snippets = set(snippet_terms), set(snippet_uses)
        for lesson in cur.lessons.values():
            for _, _, source in lesson_texts(lesson):
                t, s = used_names(cur.renderer.env, source)
                terms |= t
                snippets |= s
        _warn_unused(reader, cur, terms, snippets, media)
