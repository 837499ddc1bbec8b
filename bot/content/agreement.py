"""The Chinese and the English of each piece of content must say the same numbers and lessons.

A farmer reads one language only. When the Chinese says 5 米 and the English 10 m, or the Chinese
sends the farmer to a lesson the English never names, one of them is wrong and nobody reading
only one language can tell. For every lesson step, question, option, explanation and task, every
FAQ answer, placement question, glossary explanation and snippet, the figures
(`bot.content.numbers`) and the lessons named (《title》, "Title" or a lesson id) must agree.

A real difference (rare: a unit conversion the rules do not know) is allowed by a comment on the
field's `zh:` or `en:` line, `# numbers differ: why` (or `# 数字不同：原因`); in a snippet, a
`{# numbers differ: why #}` line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from bot.content.explain import Said, make
from bot.content.models import Lesson, Text
from bot.content.numbers import unmatched
from bot.content.yaml_text import Places, parse_with_places

if TYPE_CHECKING:  # the loader imports this module; these names are for type checking only
    from bot.content.loader import Curriculum, Reader

_OPT_OUT = re.compile(r"#\s*(numbers differ|数字不同)", re.I)
_QUOTED = re.compile(r'“([^“”]+)”|"([^"]+)"|「([^」]+)」')


def lesson_fields(lesson: Lesson) -> Iterator[tuple[list[Any], Text]]:
    """(where, both languages) for every piece of text in a lesson that a farmer reads."""
    yield ["title"], lesson.title
    for i, step in enumerate(lesson.steps):
        yield ["steps", i], Text(zh=step.zh, en=step.en)
    for i, q in enumerate(lesson.questions):
        yield ["questions", i, "ask"], q.ask
        for j, option in enumerate(q.options):
            yield ["questions", i, "options", j], option
        yield ["questions", i, "explain"], q.explain
    yield ["practice", "task"], lesson.practice.task
    if lesson.practice.follow_up:
        yield ["practice", "follow_up", "question"], lesson.practice.follow_up.question


def _field(loc: list[Any]) -> str:
    return "".join(f"[{p + 1}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".")


def _numbers_said(zh_only: list[str], en_only: list[str]) -> Said:
    zh_parts, en_parts = [], []
    if zh_only:
        zh_parts.append(f"中文有 {'、'.join(zh_only)}，英文里没有")
        en_parts.append(f"{', '.join(zh_only)} only in the Chinese")
    if en_only:
        zh_parts.append(f"英文有 {'、'.join(en_only)}，中文里没有")
        en_parts.append(f"{', '.join(en_only)} only in the English")
    return (
        f"中文和英文的数字对不上：{'；'.join(zh_parts)}。请改成一样的（斤换成公斤、数字写成汉字都算一样）。"
        "确实要不一样，在这一项的 zh: 或 en: 那一行末尾加注释 # numbers differ: 原因。",
        f"the numbers in Chinese and English differ: {'; '.join(en_parts)}. Make them agree "
        "(jin written as kg, or a number written as a word, counts as agreeing). If they really must "
        "differ, end the zh: or en: line of this field with a comment: # numbers differ: why.",
    )


def _lessons_named(text: str, lang: str, lessons: dict[str, Lesson]) -> set[str]:
    """Ids of the lessons a text names: by id, or by title (《title》 in Chinese, "Title" in English)."""
    named = {lid for lid in lessons if re.search(rf"(?<![\w-]){re.escape(lid)}(?![\w-])", text)}
    if lang == "zh":
        titles = set(re.findall(r"《([^》]+)》", text))
        named |= {lid for lid, ls in lessons.items() if ls.title.zh.strip() in titles}
    else:
        quoted = {"".join(groups).strip().casefold() for groups in _QUOTED.findall(text)}
        named |= {lid for lid, ls in lessons.items() if ls.title.en.strip().casefold() in quoted}
    return named


def _lessons_said(lessons: dict[str, Lesson], zh_only: set[str], en_only: set[str]) -> Said:
    zh_parts, en_parts = [], []
    for lid in sorted(zh_only):
        title = lessons[lid].title
        zh_parts.append(f"中文提到课程《{title.zh}》，英文没有提（英文标题是 “{title.en}”）")
        en_parts.append(f'the Chinese names the lesson 《{title.zh}》, the English not ("{title.en}")')
    for lid in sorted(en_only):
        title = lessons[lid].title
        zh_parts.append(f"英文提到课程 “{title.en}”，中文没有写《{title.zh}》")
        en_parts.append(f'the English names the lesson "{title.en}", the Chinese not (《{title.zh}》)')
    return (
        "；".join(zh_parts) + "。两种语言要指向同一节课。",
        "; ".join(en_parts) + ". Both languages should send the farmer to the same lesson.",
    )


def _opted_out(lines: list[str], places: Places | None, loc: list[Any]) -> bool:
    if places is None:
        return False
    for lang in ("zh", "en"):
        spot = places.find([*loc, lang])
        if spot is not None and 0 < spot.line <= len(lines) and _OPT_OUT.search(lines[spot.line - 1]):
            return True
    return False


class _Checker:
    """Compares the two languages of each field of one file and records what differs."""

    def __init__(self, reader: Reader, lessons: dict[str, Lesson], file: str, places: Places | None) -> None:
        self.reader, self.lessons, self.file, self.places = reader, lessons, file, places
        path = reader.root / file
        self.lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []

    def compare(
        self, loc: list[Any], field: str, text: Text, opted_out: bool | None = None, own: str = ""
    ) -> None:
        """`own`: the id of the lesson this text is in; a lesson naming itself refers to nothing."""
        if opted_out is None:
            opted_out = _opted_out(self.lines, self.places, loc)
        spot = self.places.find([*loc, "zh"]) if self.places else None
        zh_only, en_only = unmatched(text.zh, text.en)
        if (zh_only or en_only) and not opted_out:
            self.reader.problems.append(make(self.file, field, _numbers_said(zh_only, en_only), spot))
        zh_named = _lessons_named(text.zh, "zh", self.lessons) - {own}
        en_named = _lessons_named(text.en, "en", self.lessons) - {own}
        if zh_named != en_named:
            said = _lessons_said(self.lessons, zh_named - en_named, en_named - zh_named)
            self.reader.problems.append(make(self.file, field, said, spot))


def _faq_places(path: Path) -> Places | None:
    try:
        return parse_with_places(path.read_text(encoding="utf-8"))[1]
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None  # already reported when the bank was read


def check_agreement(reader: Reader, cur: Curriculum, lessons: list[Lesson], only: set[str] | None) -> None:
    """Every field of the given lessons, and (unless `only` names other files) the FAQ answers,
    the placement questions, the glossary and the snippets: the same figures and lessons in
    Chinese and English."""
    for lesson in lessons:
        checker = _Checker(reader, cur.lessons, lesson.source, reader.places.get(lesson.source))
        for loc, text in lesson_fields(lesson):
            checker.compare(loc, _field(loc), text, own=lesson.id)

    def wanted(file: str) -> bool:
        return only is None or file in only

    faq_files: dict[str, _Checker] = {}
    for index, entry in enumerate(cur.faq.entries):
        if not wanted(entry.source):
            continue
        if entry.source not in faq_files:
            places = _faq_places(reader.root / entry.source)
            faq_files[entry.source] = _Checker(reader, cur.lessons, entry.source, places)
        checker = faq_files[entry.source]
        position = _position(checker.places, entry.id, index)
        checker.compare([position, "answer"], f"{entry.id}.answer", entry.answer)
    for track in cur.tracks.values():
        if track.source and wanted(track.source):
            checker = _Checker(reader, cur.lessons, track.source, reader.places.get(track.source))
            for i, q in enumerate(track.placement):
                for loc, text in [(["placement", i, "ask"], q.ask)] + [
                    (["placement", i, "options", j], option) for j, option in enumerate(q.options)
                ]:
                    checker.compare(loc, _field(loc), text)
    glossary_files: dict[str, _Checker] = {}
    for key, term in cur.glossary.items():
        file = reader.term_files.get(key, "")
        if file and wanted(file):
            if file not in glossary_files:
                glossary_files[file] = _Checker(reader, cur.lessons, file, reader.places.get(file))
            glossary_files[file].compare([key], key, Text(zh=term.zh, en=term.en))
    _check_snippets(reader, cur, wanted)


def _position(places: Places | None, entry_id: str, fallback: int) -> int:
    """The entry's place in its file's list (the bank holds every file's entries in one list)."""
    root = places.root if places else None
    if isinstance(root, yaml.SequenceNode):
        for i, item in enumerate(root.value):
            if isinstance(item, yaml.MappingNode) and any(
                k.value == "id" and getattr(v, "value", None) == entry_id for k, v in item.value
            ):
                return i
    return fallback


def _check_snippets(reader: Reader, cur: Curriculum, wanted: Callable[[str], bool]) -> None:
    folder = reader.root / "content" / "snippets"
    for zh_path in sorted(folder.glob("*.zh.j2")) if folder.is_dir() else []:
        en_path = zh_path.with_name(zh_path.name.replace(".zh.j2", ".en.j2"))
        file = reader.rel(zh_path)
        if not en_path.is_file() or not (wanted(file) or wanted(reader.rel(en_path))):
            continue
        zh, en = zh_path.read_text(encoding="utf-8"), en_path.read_text(encoding="utf-8")
        if not zh.strip() or not en.strip():
            continue
        checker = _Checker(reader, cur.lessons, file, None)
        checker.compare([], "", Text(zh=zh, en=en), opted_out=bool(_OPT_OUT.search(zh + en)))
