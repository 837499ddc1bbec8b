"""`farmskills faq`: ask the matcher a question, list what it could not answer, measure it."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from bot.cli.common import ContentOpt, DbOpt, check_lang, err, load_content, out
from bot.content.problems import ContentError

if TYPE_CHECKING:  # the matcher brings jieba and pypinyin: imported when a faq command runs
    from bot.faq.grouping import Asked
    from bot.faq.matcher import FaqMatcher

faq_app = typer.Typer(
    help="The FAQ: try a question, list unanswered ones, measure the matcher.", no_args_is_help=True
)


def _matcher(content: Path | None, faq_file: Path | None) -> FaqMatcher:
    from bot.content.faq_bank import load_faq_bank
    from bot.faq.matcher import FaqMatcher, MatcherSettings

    curriculum = load_content(content)
    if faq_file is None:
        return FaqMatcher.for_curriculum(curriculum)
    try:
        bank = load_faq_bank(faq_file, set(curriculum.lessons))
    except ContentError as exc:
        err.print(f"[red]✗ {faq_file} has {len(exc.problems)} problem(s):[/red]")
        for problem in exc.problems:
            err.print(f"  {problem}", markup=False, highlight=False)
        raise typer.Exit(1) from exc
    return FaqMatcher(bank, MatcherSettings.load(curriculum.faq_settings_path()))


@faq_app.command("ask")
def ask(
    text: Annotated[str, typer.Argument(help="The question, as a farmer would type it.")],
    lang: Annotated[str, typer.Option("--lang", help="The learner's language: zh or en.")] = "zh",
    faq_file: Annotated[
        Path | None, typer.Option("--faq", help="Use this bank (a YAML file or folder), not the shipped one.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object for scripts.")] = False,
    content: ContentOpt = None,
) -> None:
    """Show what the bot decides for a question (answer / choices / none) and its best matches."""
    matcher = _matcher(content, faq_file)
    match = matcher.match(text, check_lang(lang))
    matches = [{"id": m.id, "score": m.score} for m in match.matches]
    if as_json:
        data = {"decision": match.decision.value, "matches": matches}
        sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
        return
    out.print(f"decision: [bold]{match.decision.value}[/bold]")
    for m in match.matches:
        entry = matcher.bank.by_id[m.id]
        shown = "→" if m.id in match.offered else " "
        out.print(f" {shown} {m.score:5.1f}  {m.id}  ({entry.title(lang)})", highlight=False)
    if match.offered:
        out.print("\n" + matcher.bank.by_id[match.offered[0]].answer.get(lang), highlight=False)


def _date(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    except ValueError as exc:
        err.print(f"--since must be a date like 2026-05-01, not {value!r}")
        raise typer.Exit(2) from exc


def _not_answered(db: str | None, since: datetime | None) -> list[Asked]:
    """Stored questions that went to a person, got "none of these", or were shown choices."""
    from sqlalchemy import or_
    from sqlmodel import Session, col, select

    from bot.faq.grouping import Asked
    from bot.store.database import make_engine, upgrade
    from bot.store.tables import FaqQuestion

    upgrade(db)
    query = select(FaqQuestion).where(
        or_(
            col(FaqQuestion.decision).in_(("none", "choices")),
            col(FaqQuestion.picked) == "none",
            col(FaqQuestion.handed_off_at).is_not(None),
        )
    )
    if since is not None:
        query = query.where(FaqQuestion.asked_at >= since)
    with Session(make_engine(db)) as session:
        rows = session.exec(query).all()
    return [
        Asked(
            text=r.text,
            lang=r.lang,
            asked_at=r.asked_at,
            decision=r.decision,
            best_id=r.best_id,
            handed_off=r.handed_off_at is not None,
            answered_by_person=r.answered_at is not None,
        )
        for r in rows
    ]


@faq_app.command("unanswered")
def unanswered(
    since: Annotated[
        str | None, typer.Option("--since", help="Only questions asked on or after DATE.")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", help="How many groups to list.")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
    db: DbOpt = None,
    content: ContentOpt = None,
) -> None:
    """Questions that went to a person or got choices, similar ones grouped, most asked first.

    Each group is a candidate for a new phrasing (when its closest entry is right) or a new entry.
    """
    from bot.faq.grouping import group_questions
    from bot.faq.matcher import FaqMatcher

    matcher = FaqMatcher.for_curriculum(load_content(content))
    groups = group_questions(_not_answered(db, _date(since)), matcher.content_words)[:limit]
    if as_json:
        data = [
            {
                "text": g.text,
                "times": g.times,
                "wordings": g.wordings,
                "lang": g.lang,
                "last_asked": g.last_asked.isoformat(),
                "no_answer": g.count("none"),
                "choices": g.count("choices"),
                "sent_to_trainer": g.handed_off,
                "answered_by_person": g.answered_by_person,
                "closest_entry": g.closest,
            }
            for g in groups
        ]
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=1) + "\n")
        return
    if not groups:
        out.print("No unanswered questions" + (f" since {since}." if since else "."))
        return
    table = Table("times", "questions (most recent first)", "none", "choices", "to trainer", "closest entry")
    for g in groups:
        shown = " / ".join(g.wordings[:3]) + (f" (+{len(g.wordings) - 3})" if len(g.wordings) > 3 else "")
        table.add_row(
            str(g.times),
            shown,
            str(g.count("none")),
            str(g.count("choices")),
            str(g.handed_off),
            g.closest or "",
        )
    out.print(table)
    out.print("Add a phrasing to the closest entry when it is right, or write a new entry; see README.")


EVAL_SET = Path("tests/faq_eval")


@faq_app.command("eval")
def evaluate(
    labelled: Annotated[
        Path, typer.Option("--set", help="Labelled questions (a YAML file or a folder of them).")
    ] = EVAL_SET,
    split: Annotated[
        str | None,
        typer.Option(
            "--split",
            help="tune, test or all (default: test; tune with --calibrate or --misses, which are for "
            "improving the bank while the test split stays unseen)",
        ),
    ] = None,
    calibrate_now: Annotated[
        bool, typer.Option("--calibrate", help="Calibrate thresholds on the tune split and print them.")
    ] = False,
    write: Annotated[
        bool, typer.Option("--write", help="With --calibrate: save them to content/faq/_matcher.yaml.")
    ] = False,
    misses: Annotated[
        bool,
        typer.Option(
            "--misses",
            help="Also list each question not handled right, with its top 3 and why (on the tune split).",
        ),
    ] = False,
    cv: Annotated[
        int,
        typer.Option(
            "--cv",
            help="Cross-validate the calibration in this many folds of the tune split and print "
            "the held-out figures per language (the test split is not read).",
        ),
    ] = 0,
    content: ContentOpt = None,
) -> None:
    """Measure the matcher on labelled questions: top-1, misses, confident wrong answers, per language."""
    from bot.faq.evaluation import (
        MAX_HELD_WRONG,
        calibrate,
        load_labelled,
        rank_all,
        report_lines,
        why_not,
        write_thresholds,
    )
    from bot.faq.heldout import held_out_rows

    matcher = _matcher(content, None)
    items = load_labelled(labelled)
    results = rank_all(matcher, items)
    thresholds = dict(matcher.settings.thresholds)
    if cv:
        from bot.faq.crossval import cross_validate

        if cv < 2:
            err.print("--cv needs at least 2 folds")
            raise typer.Exit(2)
        tune = [r for r in results if r.item.split == "tune"]
        held = held_out_rows(matcher.bank, matcher.settings) if MAX_HELD_WRONG else None
        for figures in cross_validate(tune, cv, partial(calibrate, held=held)).values():
            out.print(figures.line(), highlight=False)
        return
    if calibrate_now:
        tune = [r for r in results if r.item.split == "tune"]
        held = held_out_rows(matcher.bank, matcher.settings) if MAX_HELD_WRONG else None
        thresholds = {lang: calibrate(tune, lang, held) for lang in thresholds}
        for reading, th in thresholds.items():
            out.print(f"{reading}: answer {th.answer:g}  margin {th.margin:g}  choices {th.choices:g}")
        if write:
            path = load_content(content).faq_settings_path()
            write_thresholds(path, thresholds, f"calibrated on the tune split of {labelled.name}")
            out.print(f"✓ saved to {path}")
    split = split or ("tune" if calibrate_now or misses else "test")
    chosen = [r for r in results if split == "all" or r.item.split == split]
    if misses:
        # Read the tune split's misses when improving the bank: the test split stays unseen.
        for r in chosen:
            reason = why_not(r, thresholds)
            if reason:
                out.print(reason, highlight=False, markup=False)
    for line in report_lines(chosen, thresholds):
        out.print(line, highlight=False)


@faq_app.command("phrasings")
def phrasings(
    folds: Annotated[int, typer.Option("--folds", help="Hold out one part in this many at a time.")] = 4,
    content: ContentOpt = None,
) -> None:
    """Ask the bank its own phrasings, each held out of the matcher in turn (no eval set read):
    how well the scoring meets words it has never seen, per language."""
    from bot.faq.heldout import held_out_phrasings

    if folds < 2:
        err.print("--folds needs at least 2")
        raise typer.Exit(2)
    matcher = _matcher(content, None)
    for figures in held_out_phrasings(matcher.bank, matcher.settings, folds).values():
        out.print(figures.line(), highlight=False)
