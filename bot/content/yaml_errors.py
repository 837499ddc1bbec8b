"""YAML parser errors, said as what the trainer did: a Tab, a line out of line, a stray colon, a
quote never closed, a key written twice.

The parser reports where it got lost ("did not find expected key"); each detector below looks at
the error and the lines around it and, if it recognises the slip, says it plainly with the line
and column to look at. The first detector that recognises the slip wins; the last one always does.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import yaml

from bot.content.explain import Said, make
from bot.content.problems import Problem
from bot.content.yaml_text import DuplicateKey, Spot

_OPENS_FLOW = re.compile(r"(^\s*|:\s+|-\s+)[\[{]")


@dataclass(frozen=True)
class Slip:
    """A parser error with the text around it, as the detectors read it."""

    exc: yaml.YAMLError
    lines: list[str]
    index: int  # the line the parser stopped at, counted from 0
    column: int  # counted from 0
    problem: str
    context: str
    context_mark: Any

    @property
    def line(self) -> str:
        return self.lines[self.index]

    @property
    def spot(self) -> Spot:
        return Spot(self.index + 1, self.column + 1)

    @property
    def value(self) -> str:
        """The text after "key: " on the line, if any."""
        return self.line.split(": ", 1)[1].strip() if ": " in self.line else ""


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _tab(s: Slip) -> tuple[Said, Spot] | None:
    first = max(0, (s.context_mark.line if s.context_mark else s.index) - 1)
    for j in range(first, s.index + 1):
        if "\t" in s.lines[j][: _indent(s.lines[j]) + 1]:
            said = (
                "这一行用了 Tab 键缩进，请改成空格（每层 2 个空格）。",
                "this line is indented with a Tab: use spaces instead (2 per level).",
            )
            return said, Spot(j + 1, s.lines[j].index("\t") + 1)
    return None


def _twice(s: Slip) -> tuple[Said, Spot] | None:
    if not isinstance(s.exc, DuplicateKey) or s.context_mark is None:
        return None
    key = s.problem.split("'")[1] if "'" in s.problem else ""
    first = s.context_mark.line + 1
    said = (
        f"“{key}”写了两次（第 {first} 行已经有了）。请删掉一个，否则前一个会被悄悄丢掉。",
        f'"{key}" is written twice (already on line {first}). '
        "Delete one: otherwise the first is silently lost.",
    )
    return said, s.spot


def _open_quote(s: Slip) -> tuple[Said, Spot] | None:
    if "quoted scalar" not in s.context:
        return None
    start = Spot(s.context_mark.line + 1, s.context_mark.column + 1) if s.context_mark else s.spot
    said = (
        '这里有一个引号 " 没有配对。请补上另一半引号，或者去掉引号。',
        'a quote " opens here but never closes: add the closing quote or remove it.',
    )
    return said, start


def _open_bracket(s: Slip) -> tuple[Said, Spot] | None:
    if "flow" not in s.context:
        return None
    opened = [j for j in range(s.index, -1, -1) if _OPENS_FLOW.search(s.lines[j])]
    found = _OPENS_FLOW.search(s.lines[opened[0]]) if opened else None
    start = Spot(opened[0] + 1, found.end()) if opened and found else s.spot
    said = (
        "这里的 [ 或 { 让 YAML 以为后面是一个列表，但没有配对的 ] 或 }。文字以 [ 或 { 开头时，请放进引号里。",
        "this [ or { starts a list that never closes with ] or }. "
        "Text that starts with [ or { must be in quotes.",
    )
    return said, start


def _starts_oddly(s: Slip) -> tuple[Said, Spot] | None:
    if s.value.startswith(("{", "[")):
        said = (
            "以 { 或 [ 开头的文字（比如 {{ name }}）要放进引号里，或者在冒号后写 | 再换行写。",
            "text that starts with { or [ (like {{ name }}) must be in quotes, "
            "or go on the next lines after a |.",
        )
        return said, s.spot
    if s.value.startswith(("@", "`", "%")):
        c = s.value[0]
        return (f"以 {c} 开头的文字要放进引号里。", f"text that starts with {c} must be in quotes."), s.spot
    return None


def _colon_in_text(s: Slip) -> tuple[Said, Spot] | None:
    if "mapping values" not in s.problem or ": " not in s.value:
        return None
    said = (
        "这一行的文字里有“英文冒号加空格”（: ）。"
        "请把整段文字放进引号，或改用中文冒号“：”，或在冒号后写 | 再换行写。",
        'the text on this line holds a colon and a space (": "). Put the whole text in quotes, '
        "or write it on the next lines after a |.",
    )
    return said, s.spot


def _out_of_line(s: Slip) -> tuple[Said, Spot] | None:
    if s.column > _indent(s.line):
        return None  # the parser stopped inside the line, not at its indentation
    above = [
        j
        for j in range(s.index - 1, -1, -1)
        if s.lines[j].strip() and not s.lines[j].lstrip().startswith("#")
    ]
    if s.line.lstrip().startswith("- "):  # a list item lines up with the item before it
        above = [j for j in above if s.lines[j].lstrip().startswith("- ")] or above
    if not above:
        return None
    j = above[0]
    here, there = _indent(s.line), _indent(s.lines[j])
    said = (
        f"这一行的缩进（行首的空格）和上面对不齐：这里有 {here} 个空格，第 {j + 1} 行有 {there} 个。"
        "同一层的内容要用同样多的空格，下一层多 2 个；列表的每一项都以“- ”开头并对齐。",
        f"this line's indentation (spaces at the start) does not line up: {here} space(s) here, "
        f"{there} on line {j + 1}. Lines at the same level need the same number of spaces, one level "
        'deeper 2 more; every list item starts with "- " at the same place.',
    )
    return said, Spot(s.index + 1, 1)


def _anything(s: Slip) -> tuple[Said, Spot] | None:
    said = (
        f"这一行的写法 YAML 读不懂（{s.problem}）。请对照 lessons/README.md 的示例检查冒号、引号和缩进。",
        f"this line cannot be read as YAML ({s.problem}). Check colons, quotes and indentation "
        "against the example in lessons/README.md.",
    )
    return said, s.spot


DETECTORS: tuple[Callable[[Slip], tuple[Said, Spot] | None], ...] = (
    _tab,
    _twice,
    _open_quote,
    _open_bracket,
    _starts_oddly,
    _colon_in_text,
    _out_of_line,
    _anything,
)


def from_yaml_error(exc: yaml.YAMLError, file: str, text: str) -> Problem:
    """A parser error on `file` (whose text is `text`), in plain words with its line and column."""
    mark = getattr(exc, "problem_mark", None)
    if mark is None:
        return make(file, "", ("文件格式有错，无法读取。", f"not valid YAML: {exc}"))
    lines = text.splitlines() or [""]
    index = min(mark.line, len(lines) - 1)
    slip = Slip(
        exc,
        lines,
        index,
        mark.column,
        str(getattr(exc, "problem", "") or ""),
        str(getattr(exc, "context", "") or ""),
        getattr(exc, "context_mark", None),
    )
    for detect in DETECTORS:
        found = detect(slip)
        if found is not None:
            return make(file, "", found[0], found[1])
    raise AssertionError("the last detector recognises every slip")
