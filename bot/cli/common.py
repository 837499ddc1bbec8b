"""What every subcommand shares: the consoles, the --content option, loading content kindly."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from bot.content.loader import Curriculum, load_curriculum
from bot.content.models import LANGS
from bot.content.problems import ContentError

err = Console(stderr=True, soft_wrap=True)
out = Console(soft_wrap=True)

ContentOpt = Annotated[
    Path | None,
    typer.Option("--content", help="Folder holding lessons/ and content/ (default: the shipped content)."),
]
DbOpt = Annotated[
    str | None, typer.Option("--db", help="Database URL (default: $DATABASE_URL or ./farmskills.db)")
]
LangOpt = Annotated[str, typer.Option("--lang", help="zh or en")]


def load_content(content: Path | None, render_check: bool = True, remembered: bool = False) -> Curriculum:
    """The content, checked; with `remembered`, content found clean before skips the slow checks
    (`bot.content.check_cache`)."""
    try:
        if remembered and render_check:
            from bot.content.check_cache import load_checked

            return load_checked(content)
        return load_curriculum(content, render_check)
    except ContentError as exc:
        err.print(f"[red]✗ The content has {len(exc.problems)} problem(s):[/red]")
        for problem in exc.problems:
            err.print(f"  {problem}", markup=False, highlight=False)
        raise typer.Exit(1) from exc


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        err.print(f"--lang must be one of: {', '.join(LANGS)}")
        raise typer.Exit(2)
    return lang
