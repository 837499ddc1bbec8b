"""The `farmskills` command line: one entry point, a subcommand for each job.

Learners: `chat`. Trainers: `validate`, `preview`, `lessons`. Operators: `db`.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import typer

from bot.cli.common import ContentOpt, LangOpt, check_lang, err, load_content, out
from bot.cli.demo import demo_data
from bot.cli.faq import faq_app
from bot.cli.report import report
from bot.cli.staff import cohorts_app, users_app
from bot.content.models import LANGS

app = typer.Typer(
    help="FarmSkills: teach farmers the digital skills that raise their income.",
    no_args_is_help=True,
    add_completion=False,
)
db_app = typer.Typer(help="Database schema: upgrade, show the current revision.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(faq_app, name="faq")
app.add_typer(cohorts_app, name="cohorts")
app.add_typer(users_app, name="users")
app.command("demo-data")(demo_data)
app.command("report")(report)


@app.command()
def validate(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Only these files or folders (default: all content). Fast while you edit one lesson."
        ),
    ] = None,
    lang: Annotated[
        str | None, typer.Option("--lang", help="zh or en for the messages (default: your locale, else zh)")
    ] = None,
    content: ContentOpt = None,
) -> None:
    """Check lessons, tracks, glossary, snippets, media, UI text and FAQ; name file, line and field.

    Errors exit 1; warnings (an unused picture, a stray file) are printed and exit 0."""
    from bot.cli.trainer import run_validate
    from bot.content.explain import trainer_lang

    run_validate(content, list(paths or []), check_lang(trainer_lang(lang)))


@app.command()
def lessons(
    content: ContentOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """List every lesson: id, track, tier, order, titles, step and question counts."""
    curriculum = load_content(content)
    rows: list[dict[str, Any]] = [
        {
            "id": ls.id,
            "track": ls.track,
            "tier": ls.tier.value,
            "order": ls.order,
            "title": {lang: ls.title.get(lang) for lang in LANGS},
            "steps": len(ls.steps),
            "questions": len(ls.questions),
            "minutes": ls.minutes,
            "file": ls.source,
        }
        for ls in curriculum.ordered_lessons()
    ]
    if as_json:
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return
    from rich.table import Table

    table = Table("id", "track", "tier", "#", "title (zh)", "title (en)", "steps", "questions")
    for r in rows:
        table.add_row(
            r["id"],
            r["track"],
            r["tier"],
            str(r["order"]),
            r["title"]["zh"],
            r["title"]["en"],
            str(r["steps"]),
            str(r["questions"]),
        )
    out.print(table)


@app.command()
def preview(
    lesson_id: Annotated[str, typer.Argument(help="The lesson's id (see `farmskills lessons`).")],
    lang: LangOpt = "zh",
    html: Annotated[
        bool, typer.Option("--html", help="Write a phone-width web page instead of text.")
    ] = False,
    out_file: Annotated[
        Path | None,
        typer.Option("--out", help="Where to write the page (default: preview-LESSON-LANG.html)."),
    ] = None,
    content: ContentOpt = None,
) -> None:
    """Show a lesson as a learner sees it, with the right answers marked and each step's length."""
    from bot.channels.preview import preview_lesson, write_html_preview
    from bot.cli.trainer import unknown_lesson
    from bot.content.loader import check_content

    lang = check_lang(lang)
    loaded = check_content(content)
    curriculum = loaded.partial  # a lesson that loaded can be seen while another file is broken
    if lesson_id not in curriculum.lessons:
        if loaded.errors:
            load_content(content)  # prints every problem and exits 1
        unknown_lesson(curriculum, lesson_id, lang)
    if loaded.errors:
        err.print(f"⚠ {len(loaded.errors)} problem(s) elsewhere in the content: run `farmskills validate`.")
    if html:
        target = out_file or Path(f"preview-{lesson_id}-{lang}.html")
        write_html_preview(curriculum, lesson_id, lang, target)
        out.print(f"✓ {target}")
        return
    preview_lesson(curriculum, lesson_id, lang, sys.stdout)


def pretend_clock(now: str | None, tz: str) -> Callable[[], datetime]:
    """The real clock, or one that starts at `now` (local time) and runs on from there."""
    from bot.store.progress import utcnow

    if now is None:
        return utcnow
    try:
        start = datetime.fromisoformat(now).replace(tzinfo=ZoneInfo(tz)).astimezone(UTC)
    except ValueError as exc:
        err.print(f'--now must be a date and time like "2026-05-11 10:30", not {now!r}')
        raise typer.Exit(2) from exc
    began = utcnow()
    return lambda: start + (utcnow() - began)


@app.command()
def chat(
    lang: Annotated[str | None, typer.Option("--lang", help="zh or en (default: Chinese)")] = None,
    user: Annotated[int, typer.Option("--user", help="Which learner you are (a number).")] = 1,
    db: Annotated[
        str | None,
        typer.Option("--db", help="Database URL (default: $DATABASE_URL or ./farmskills.db)"),
    ] = None,
    content: ContentOpt = None,
    now: Annotated[
        str | None,
        typer.Option(
            "--now",
            help='Pretend it is this local time, e.g. "2026-05-11 10:30", to see a follow-up now.',
        ),
    ] = None,
) -> None:
    """Talk to the bot in this terminal: buttons are numbered, type a number or a label to press one."""
    from bot.app.desk import Identity
    from bot.app.service import build_service
    from bot.channels.console import ConsoleChannel
    from bot.config import Settings
    from bot.faq.matcher import FaqMatcher

    settings = Settings()
    curriculum = load_content(content)
    faq = FaqMatcher.for_curriculum(curriculum)
    service = build_service(
        curriculum,
        db,
        faq=faq,
        admins=settings.admins,
        clock=pretend_clock(now, settings.timezone),
        staff_channel=settings.staff_channel,
    )
    who = Identity(ConsoleChannel.name, str(user), "", check_lang(lang) if lang else None)
    if lang:
        service.set_language(who, lang)
    raise typer.Exit(ConsoleChannel(service, who).run())


@app.command()
def run(
    webhook_url: Annotated[
        str | None,
        typer.Option("--webhook-url", help="Public HTTPS URL for webhook mode (default: long polling)."),
    ] = None,
    listen: Annotated[
        str, typer.Option("--listen", help="Address the webhook server listens on.")
    ] = "0.0.0.0",
    port: Annotated[int, typer.Option("--port", help="Port the webhook server listens on.")] = 8443,
    secret_token: Annotated[
        str | None,
        typer.Option("--secret-token", envvar="TELEGRAM_WEBHOOK_SECRET", help="Webhook secret token."),
    ] = None,
    content: ContentOpt = None,
    watch: Annotated[
        bool,
        typer.Option(
            "--watch", help="Reload the lessons whenever a file under lessons/ or content/ changes."
        ),
    ] = False,
    migrate: Annotated[
        bool | None,
        typer.Option(
            "--migrate/--no-migrate",
            help="Bring the schema up to date at start. Default: yes on a SQLite file (one machine), "
            "no on a database server, where `farmskills db upgrade` is the release step.",
        ),
    ] = None,
) -> None:
    """Run the Telegram bot (TELEGRAM_BOT_TOKEN; optional TELEGRAM_BASE_URL for a self-hosted Bot API)."""
    import logging

    from telegram.error import InvalidToken

    from bot.app.faq_apart import built_apart
    from bot.app.faq_building import MatcherInTheBackground
    from bot.app.service import build_service
    from bot.channels.telegram.app import run_bot
    from bot.config import Settings
    from bot.malloc import limit_malloc_arenas

    settings = Settings()
    if not settings.telegram_token:
        err.print(
            "TELEGRAM_BOT_TOKEN is not set. Create a bot with @BotFather in Telegram, then:\n"
            "  export TELEGRAM_BOT_TOKEN=123456:ABC...\n  farmskills run\n"
            "To try FarmSkills without Telegram, run `farmskills chat`."
        )
        raise typer.Exit(2)
    # Content found clean before (same files, same FarmSkills) is not rendered in full again.
    curriculum = load_content(content or settings.content_root, remembered=True)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # Before any thread starts: worker threads share two arenas (about 18 MB less in a wave).
    limit_malloc_arenas()
    if migrate is None:
        migrate = settings.database_url.startswith("sqlite")
    from bot.store.database import schema_problem, upgrade_apart

    problem = schema_problem(settings.database_url)
    if problem and migrate:
        try:  # in a Python of its own: Alembic then never stays in the bot (about 10 MB less)
            upgrade_apart(settings.database_url)
        except RuntimeError as exc:
            err.print(f"Not starting: {exc}")
            raise typer.Exit(2) from exc
    elif problem:
        err.print(
            f"Not starting: {problem}.\nRun `farmskills db upgrade` once for the release "
            "(with the same DATABASE_URL), then start the workers."
        )
        raise typer.Exit(2)
    # Built in a forked child from now (before any thread starts) and read back by a thread once the
    # bot is receiving (a peak about 10 MB lower than building it here); a question typed before waits.
    faq = MatcherInTheBackground(curriculum, built_apart(curriculum), start=False)
    service = build_service(
        curriculum,
        settings.database_url,
        False,  # brought up to date above
        faq=faq,
        admins=settings.admins,
        staff_channel=settings.staff_channel,
    )
    try:
        run_bot(service, settings, webhook_url, listen, port, secret_token, watch, on_started=faq.start)
    except InvalidToken as exc:
        err.print(f"Telegram rejected the token in TELEGRAM_BOT_TOKEN ({exc}). Check it with @BotFather.")
        raise typer.Exit(2) from exc


@db_app.command("upgrade")
def db_upgrade(
    db: Annotated[str | None, typer.Option("--db", help="Database URL")] = None,
    revision: Annotated[str, typer.Argument(help="Target revision")] = "head",
) -> None:
    """Bring the database schema up to date (runs the Alembic migrations)."""
    from bot.store.database import current_revision, database_url, upgrade

    upgrade(db, revision)
    out.print(f"✓ {database_url(db)} is at revision {current_revision(db)}")


@db_app.command("current")
def db_current(db: Annotated[str | None, typer.Option("--db", help="Database URL")] = None) -> None:
    """Show the schema revision of the database."""
    from bot.store.database import current_revision

    out.print(current_revision(db) or "empty (run `farmskills db upgrade`)")


def main() -> None:
    app()
