"""What `farmskills validate` and `farmskills preview` do for a trainer, kept out of the command table.

`validate` checks all content, or only the files named (their references to other content are
still resolved against the content root), and prints each problem in the trainer's language with
file, line, field in plain words and what to do. Errors exit 1; warnings are printed and exit 0.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import typer

from bot.cli.common import err, out
from bot.content.explain import describe, did_you_mean, field_loc, from_audit, suggestion
from bot.content.faq_bank import FaqBank
from bot.content.loader import Curriculum, Loaded, check_content, default_content_root
from bot.content.problems import Problem

# The audit measures keyboards as sent; an answer button too long is already named per option
# by the loader, so the audit's copies (on the question and on its retry) would only repeat it.
_QUESTION_LABEL = re.compile(r"^questions\[\d+\](\.explain)?\.(zh|en)$")


def find_root(paths: list[Path]) -> Path:
    """The content root holding the first path: the nearest folder with lessons/ and content/."""
    for folder in [paths[0].resolve(), *paths[0].resolve().parents]:
        if (folder / "lessons").is_dir() and (folder / "content").is_dir():
            return folder
    return default_content_root()


def selected_files(root: Path, paths: list[Path], lang: str) -> set[str]:
    """The files named (folders stand for every file under them), relative to the root."""
    chosen: set[str] = set()
    for path in paths:
        full = path.resolve()
        if not full.exists():
            err.print(f"找不到 {path}。" if lang == "zh" else f"{path} does not exist.")
            raise typer.Exit(2)
        if not full.is_relative_to(root):
            msg = (
                f"{path} 不在内容根目录 {root} 里。"
                if lang == "zh"
                else f"{path} is not inside the content root {root}."
            )
            err.print(msg)
            raise typer.Exit(2)
        files = [p for p in full.rglob("*") if p.is_file()] if full.is_dir() else [full]
        chosen |= {p.relative_to(root).as_posix() for p in files}
    return chosen


def audit_problems(curriculum: Curriculum, only: set[str] | None) -> list[Problem]:
    """The elder-friendly limits, measured on the messages sent; only those files when named."""
    from bot.core.audit import audit

    if only is not None and not any(f.startswith("content/faq/") for f in only):
        curriculum = dataclasses.replace(curriculum, faq=FaqBank(()))  # the FAQ bank is most of the time
    found = audit(curriculum)
    return [
        p
        for p in found
        if (only is None or p.file in only)
        and not (_QUESTION_LABEL.match(p.field) and p.message.startswith('button "'))
    ]


def _reading_order(problem: Problem) -> tuple[str, int, int, str]:
    """File by file, top to bottom, as a trainer fixes them."""
    return problem.file, problem.line, problem.column, problem.field


def run_validate(root: Path | None, paths: list[Path], lang: str) -> None:
    if paths and root is None:
        root = find_root(paths)
    root = (root or default_content_root()).resolve()
    only = selected_files(root, paths, lang) if paths else None
    loaded: Loaded = check_content(root, only=only)
    problems = [p for p in loaded.problems if only is None or p.file in only]
    elsewhere = len([p for p in loaded.errors if only is not None and p.file not in only])
    # The limits are measured on messages as sent, which needs the files asked about to load:
    # one round of fixes at a time, and no second report of a length the loader already gave.
    if loaded.partial.lessons and not any(p.is_error for p in problems):
        found = audit_problems(loaded.partial, only)
        problems += [from_audit(p, loaded.find(p.file, field_loc(p.field))) for p in found]
    errors = sorted((p for p in problems if p.is_error), key=_reading_order)
    warnings = sorted((p for p in problems if not p.is_error), key=_reading_order)
    zh = lang == "zh"
    for problem in [*errors, *warnings]:
        (err if problem.is_error else out).print(describe(problem, lang), markup=False, highlight=False)
    if elsewhere:
        out.print(
            f"（另外有 {elsewhere} 个错误在别的文件里，运行 farmskills validate 查看全部。）"
            if zh
            else f"({elsewhere} more error(s) in other files: run `farmskills validate` to see them all.)"
        )
    if errors:
        err.print(
            f"✗ {len(errors)} 个错误，{len(warnings)} 个提醒。改好后再运行一次。"
            if zh
            else f"✗ {len(errors)} error(s), {len(warnings)} warning(s). Fix them and run validate again."
        )
        raise typer.Exit(1)
    cur = loaded.partial
    if only is not None:
        out.print(
            f"✓ {len(only)} 个文件没有问题（{len(warnings)} 个提醒）。"
            if zh
            else f"✓ {len(only)} file(s): all valid ({len(warnings)} warning(s))."
        )
        return
    n, t, g, f = len(cur.lessons), len(cur.tracks), len(cur.glossary), len(cur.faq)
    out.print(
        f"✓ {n} 节课、{t} 个方向、{g} 个术语、{f} 条常见问题：全部通过，两种语言齐全，长度都在限制内"
        f"（{len(warnings)} 个提醒）。"
        if zh
        else f"✓ {n} lessons in {t} tracks, {g} glossary terms, {f} FAQ entries: all valid, both languages, "
        f"within the limits ({len(warnings)} warning(s))."
    )


def unknown_lesson(curriculum: Curriculum, lesson_id: str, lang: str) -> None:
    """Say the id is unknown, suggest the close ones, and exit 1."""
    zh, en = suggestion(did_you_mean(lesson_id, curriculum.lessons))
    if lang == "zh":
        words = [f"没有编号为 {lesson_id!r} 的课。", zh, "运行 farmskills lessons 可以看到所有编号。"]
    else:
        words = [f"No lesson with id {lesson_id!r}.", en, "`farmskills lessons` lists them."]
    err.print(" ".join(w for w in words if w), markup=False, highlight=False)
    raise typer.Exit(1)
