"""Turning every content mistake into words a trainer can act on, in Chinese and in English.

This module owns the trainer's vocabulary: every problem is made here (`make`), with the file,
line and column, the field named in plain words ("第 3 步的英文" / "step 3, English"), what is
wrong and what to do, and a "did you mean" where a name was mistyped (`did_you_mean`); `describe`
prints it in the trainer's language. Pydantic field errors are translated here (`from_pydantic`);
YAML parser errors by the detectors of `bot.content.yaml_errors`, Jinja slips by
`bot.content.template_check`, both in these words.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from bot.content.problems import ERROR, Problem
from bot.content.yaml_text import Spot

Said = tuple[str, str]  # (Chinese, English)


def trainer_lang(explicit: str | None = None) -> str:
    """--lang if given, else the terminal's locale; Chinese unless the locale says English."""
    if explicit:
        return explicit
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = os.environ.get(var, "")
        if value.startswith("en"):
            return "en"
        if value.startswith("zh"):
            return "zh"
    return "zh"


def did_you_mean(word: str, choices: Iterable[str], extra: Sequence[str] = ()) -> list[str]:
    """The names a trainer probably meant: `extra` (known aliases) first, then the closest spellings
    (only those about as close as the best, so one clear guess is not buried among weak ones)."""
    options = sorted(set(choices))
    folded = [c for c in options if c.casefold() == word.casefold()]
    scored = sorted(((difflib.SequenceMatcher(None, word, c).ratio(), c) for c in options), reverse=True)
    best = scored[0][0] if scored else 0.0
    close = [c for score, c in scored if score >= 0.6 and score >= best - 0.08]
    out: list[str] = []
    for name in [*extra, *folded, *close]:
        if name not in out and name != word:
            out.append(name)
    return out[:3]


def suggestion(names: Sequence[str]) -> Said:
    if not names:
        return "", ""
    quoted = "、".join(f"“{n}”" for n in names), " or ".join(f'"{n}"' for n in names)
    return f"您是不是想写 {quoted[0]}？", f"Did you mean {quoted[1]}?"


def join(*parts: Said) -> Said:
    zh = "".join(p[0] for p in parts if p[0])
    en = " ".join(p[1] for p in parts if p[1])
    return zh, en


def make(file: str, field: str, said: Said, spot: Spot | None = None, severity: str = ERROR) -> Problem:
    line, column = (spot.line, spot.column) if spot else (0, 0)
    return Problem(file, field, said[1], severity, line, column, said[0])


# ---- the field, in plain words ------------------------------------------------------------

_INDEXED: dict[str, Said] = {
    "steps": ("第 {n} 步", "step {n}"),
    "questions": ("第 {n} 题", "question {n}"),
    "options": ("第 {n} 个选项", "option {n}"),
    "placement": ("分级测试第 {n} 题", "placement question {n}"),
}
_NAMED: dict[str, Said] = {
    "id": ("编号 id", "id"),
    "order": ("顺序号 order", "order number"),
    "minutes": ("时长 minutes", "minutes"),
    "title": ("标题", "title"),
    "ask": ("问题", "question text"),
    "answer": ("正确答案的编号", "number of the right answer"),
    "options": ("选项", "options"),
    "explain": ("答错后的解释", "explanation after a wrong answer"),
    "practice": ("课后练习", "practice"),
    "task": ("任务", "task"),
    "evidence": ("凭证 evidence", "evidence"),
    "follow_up": ("回访", "follow-up"),
    "after_days": ("几天后问 after_days", "after_days"),
    "question": ("问题", "question"),
    "unit": ("单位 unit", "unit"),
    "image": ("图片", "image"),
    "voice": ("语音", "voice clip"),
    "zh": ("中文", "Chinese"),
    "en": ("英文", "English"),
    "track": ("方向名 track", "track name"),
    "icon": ("图标", "icon"),
    "tier": ("级别 tier", "tier"),
    "name": ("显示的名称", "displayed name"),
    "lesson": ("对应的课程 lesson", "linked lesson"),
    "keywords": ("关键词", "keywords"),
}
_PART = re.compile(r"([^.\[\]]+)?((?:\[\d+\])*)")


_FAQ_NAMED: dict[str, Said] = {"answer": ("回答", "answer"), "questions": ("问法", "phrasings")}


def field_words(field: str, lang: str, faq: bool = False) -> str:
    """ "steps[3].en" → "第 3 步的英文" / "step 3, English"; unknown names are kept as written.
    In the FAQ bank (`faq`) "answer" is the answer's text and "questions" its phrasings."""
    if not field or field.startswith("line "):
        return ""
    words: list[str] = []
    i = 0 if lang == "zh" else 1
    for chunk in field.split("."):
        match = _PART.fullmatch(chunk)
        if match is None:
            words.append(chunk)
            continue
        name, indexes = match.group(1) or "", re.findall(r"\d+", match.group(2) or "")
        if faq and name in _FAQ_NAMED:
            words.append(_FAQ_NAMED[name][i])
            words.extend(("第 {n} 项" if lang == "zh" else "item {n}").format(n=n) for n in indexes)
            continue
        if name in _INDEXED and len(indexes) == 1:
            words.append(_INDEXED[name][i].format(n=indexes[0]))
            continue
        if name:
            words.append(_NAMED[name][i] if name in _NAMED else name)
        words.extend(("第 {n} 项" if lang == "zh" else "item {n}").format(n=n) for n in indexes)
    return ("的" if lang == "zh" else ", ").join(words)


def field_loc(field: str) -> list[Any]:
    """ "steps[3].en" → ["steps", 2, "en"]: a field path back to the keys and positions in the file."""
    return [int(index) - 1 if index else name for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", field)]


def from_audit(problem: Problem, spot: Spot | None) -> Problem:
    """A limit the audit measured on a sent message, with its line, in both languages and with the fix."""
    en = problem.message
    if en.startswith("message is"):
        en += ": shorten it, or split it into two steps."
    line, column = (spot.line, spot.column) if spot else (problem.line, problem.column)
    return replace(problem, message=en, zh=problem.zh or _reword(problem.message), line=line, column=column)


def describe(problem: Problem, lang: str) -> str:
    """One line a trainer reads: where, which field, what is wrong and what to do."""
    zh = lang == "zh"
    where = problem.file
    if problem.line:
        where += f" 第 {problem.line} 行" if zh else f", line {problem.line}"
        if problem.column:
            where += f"第 {problem.column} 列" if zh else f", column {problem.column}"
    words = field_words(problem.field, lang, faq=problem.file.startswith("content/faq/"))
    message = (problem.zh or _reword(problem.message)) if zh else problem.message
    mark = ("错误" if problem.is_error else "提醒") if zh else ("error" if problem.is_error else "warning")
    head = f"[{mark}] {where}"
    if words:
        head += f" · {words}"
    return f"{head}{'：' if zh else ': '}{message}"


# Messages written elsewhere in English only (the FAQ bank's field checks, the limits audit):
# the common ones in Chinese; anything else is shown as it is.
_REWORDS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^Field required$"), "缺少这一项，请加上。"),
    (re.compile(r"^String should have at least 1 character$"), "是空的，请填上内容。"),
    (re.compile(r"^Extra inputs are not permitted$"), "多了这一项，系统不认识；请检查拼写或删掉。"),
    (re.compile(r"^Input should be a valid string$"), "应该是一段文字。"),
    (re.compile(r"^String should match pattern"), "写法不对：只能用小写英文字母、数字和短横线 -。"),
    (re.compile(r"^List should have at least (\d+) items?.*not (\d+)$"), r"只有 \2 个，至少要 \1 个。"),
    (
        re.compile(r"^message is (\d+) characters as shown; the limit is (\d+)$"),
        r"学员看到的这条消息有 \1 个字，最多 \2 个字。请删短，或分成两步。",
    ),
    (
        re.compile(r"^message is (\d+) words as shown; the limit is (\d+)$"),
        r"学员看到的这条消息有 \1 个英文词，最多 \2 个。请删短，或分成两步。",
    ),
    (
        re.compile(r'^button "(.*)" is (\d+) Chinese characters; at most (\d+)$'),
        r"按钮“\1”有 \2 个字，最多 \3 个字。请改短。",
    ),
    (
        re.compile(r'^button "(.*)" is (\d+) characters; at most (\d+)$'),
        r"按钮“\1”有 \2 个字母，最多 \3 个。请改短。",
    ),
    (re.compile(r'^button "(.*)" should start with an icon$'), r"按钮“\1”要以一个图标（表情符号）开头。"),
    (
        re.compile(r"^is (\d+) characters as shown; the limit is (\d+)$"),
        r"有 \1 个字，最多 \2 个字。请删短。",
    ),
    (re.compile(r"^is (\d+) words as shown; the limit is (\d+)$"), r"有 \1 个英文词，最多 \2 个。请删短。"),
]


def _reword(message: str) -> str:
    for pattern, zh in _REWORDS:
        if pattern.search(message):
            return pattern.sub(zh, message)
    return message


# ---- pydantic ---------------------------------------------------------------------------------

# Every field name trainers write, for "did you mean" on a misspelt key.
FIELD_NAMES = [
    "id",
    "order",
    "minutes",
    "title",
    "steps",
    "questions",
    "practice",
    "zh",
    "en",
    "image",
    "voice",
    "ask",
    "options",
    "answer",
    "explain",
    "task",
    "evidence",
    "follow_up",
    "after_days",
    "question",
    "unit",
    "track",
    "icon",
    "placement",
    "tier",
    "name",
    "lesson",
    "keywords",
]


def loc_field(loc: Sequence[Any]) -> str:
    """A pydantic location as a field path, list positions counted from 1: steps[3].en."""
    out = ""
    for part in loc:
        out += f"[{part + 1}]" if isinstance(part, int) else ("." if out else "") + str(part)
    return out


def _range(ctx: dict[str, Any]) -> Said:
    if "ge" in ctx:
        return f"不能小于 {ctx['ge']}。", f"must be at least {ctx['ge']}."
    if "le" in ctx:
        return f"不能大于 {ctx['le']}。", f"must be at most {ctx['le']}."
    return "超出了允许的范围。", "is out of range."


def _pattern(loc: Sequence[Any]) -> Said:
    if loc and loc[-1] == "track":
        return (
            "方向名只能用小写英文字母、数字和下划线 _，以字母开头。",
            "a track name uses only lowercase letters, digits and _, starting with a letter.",
        )
    return (
        "编号只能用小写英文字母、数字和短横线 -，3 到 32 个字符，比如 ecom-b-open-shop。",
        "an id uses only lowercase letters, digits and dashes, 3 to 32 characters, like ecom-b-open-shop.",
    )


def _few_options(ctx: dict[str, Any], placement: bool) -> Said:
    """Too few options: say how many there are, how many are needed and what makes a good wrong one."""
    n, need = ctx.get("actual_length", "?"), ctx.get("min_length", 3)
    if placement:
        return (
            f"这道分级测试题只有 {n} 个选项，要 {need} 个：对的一个，再加两个初学者会信的错答案，"
            "这样靠猜很难跳级。",
            f"this placement question has {n} options; it needs {need}: the right one and two a beginner "
            "could believe, so guessing rarely skips a tier.",
        )
    return (
        f"这道题只有 {n} 个选项，至少要 {need} 个：对的一个，再加两个农民真会犯的错（常见的错误做法、"
        "半对半错的说法），别写一看就错的。答错后的解释要说清为什么错。",
        f"this check question has {n} options; it needs at least {need}: the right one and two mistakes "
        "a real farmer makes (a common wrong habit, a half-truth), never silly ones. Let the explanation "
        "say why they are wrong.",
    )


def _value_error(err: dict[str, Any]) -> Said:
    text = str(err.get("ctx", {}).get("error", err["msg"]))
    match = re.search(r"answer is (\d+) but there are only (\d+) options", text)
    if match:
        a, n = match.groups()
        return (
            f"正确答案写的是第 {a} 个，但只有 {n} 个选项。请改成 1 到 {n} 之间的数字。",
            f"the right answer is given as {a} but there are only {n} options: use a number from 1 to {n}.",
        )
    if "placement questions" in text:
        return (
            "分级测试的题只能是 basic 或 intermediate 级别。",
            "placement questions are for tier basic or intermediate only.",
        )
    return text, text


def from_pydantic(err: dict[str, Any], file: str, spot: Spot | None, prefix: Sequence[Any] = ()) -> Problem:
    """One pydantic error on a content file, in plain words with what to do."""
    loc = [*prefix, *err["loc"]]
    kind, ctx, key = err["type"], err.get("ctx", {}), str(loc[-1]) if loc else ""
    field = loc_field(loc)
    if kind == "missing":
        said: Said = (f"缺少这一项。请加上一行 {key}: ……", f'missing. Add a line "{key}: ..."')
    elif kind == "extra_forbidden":
        field = loc_field(loc[:-1])
        said = join(
            (
                f"多了一项“{key}”，系统不认识。请改正拼写，不需要就删掉这一行。",
                f'"{key}" is not a field lessons have. Fix its spelling or delete the line.',
            ),
            suggestion(did_you_mean(key, FIELD_NAMES)),
        )
    elif kind == "string_too_short":
        said = ("是空的，请填上内容。", "is empty: write the text.")
    elif kind in ("string_type", "model_type", "dict_type", "model_attributes_type"):
        said = (
            (
                "这里应该是几行“名称: 内容”，比如下一行写 zh: ……，并多缩进 2 个空格。",
                'should hold fields like "zh: ...", on the next lines, indented 2 more spaces.',
            )
            if kind != "string_type"
            else (
                "这里应该是一段文字。如果文字里有冒号或引号，请在冒号后写 | 再换行写。",
                "should be a piece of text. If the text holds a colon or quotes, "
                "write | and the text on the next lines.",
            )
        )
    elif kind == "list_type":
        said = (
            "这里应该是一个列表：每一项另起一行，以“- ”开头。",
            'should be a list: each item on its own line, starting with "- ".',
        )
    elif kind in ("int_type", "int_parsing", "int_from_float"):
        said = ("应该是一个整数，比如 1。", "should be a whole number, like 1.")
    elif kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        said = _range(ctx)
    elif kind == "too_short" and key == "options":
        said = _few_options(ctx, "placement" in loc)
    elif kind in ("too_short", "too_long"):
        n = ctx.get("actual_length", "?")
        limit = ctx.get("min_length") if kind == "too_short" else ctx.get("max_length")
        said = (
            (f"只有 {n} 个，至少要 {limit} 个。", f"has {n}; at least {limit} are needed.")
            if kind == "too_short"
            else (f"有 {n} 个，最多 {limit} 个。", f"has {n}; at most {limit} are allowed.")
        )
    elif kind == "enum":
        expected = str(ctx.get("expected", ""))
        options = re.findall(r"'([^']+)'", expected)
        said = join(
            (f"只能填 {expected}。", f"must be one of {expected}."),
            suggestion(did_you_mean(str(err.get("input", "")), options)),
        )
    elif kind == "string_pattern_mismatch":
        said = _pattern(loc)
    elif kind == "value_error":
        said = _value_error(err)
    else:
        said = (err["msg"], err["msg"])
    return make(file, field, said, spot)
