"""`farmskills cohorts` and `farmskills users`: villages with their trainers, and who may do what."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from bot.cli.common import DbOpt, err, out
from bot.store.mentors import MentorStore
from bot.store.progress import ProgressStore
from bot.store.staff import StaffStore

cohorts_app = typer.Typer(help="Cohorts (villages or groups) and their trainers.", no_args_is_help=True)
users_app = typer.Typer(help="Admins and trainers: grant, revoke, list.", no_args_is_help=True)


def _staff(db: str | None) -> StaffStore:
    from bot.config import Settings
    from bot.store.database import make_engine, upgrade

    upgrade(db)
    return StaffStore(make_engine(db), Settings().admins)


def _staff_channel() -> str:
    """The channel staff user ids belong to (bot.app.channels): Telegram unless set otherwise."""
    import bot.channels  # noqa: F401  (the built-in channels register themselves)
    from bot.app.channels import staff_channel
    from bot.config import Settings

    return staff_channel(Settings().staff_channel)


def _user_id(value: str) -> str:
    if not value.isdecimal():
        err.print(f"A user id is the person's Telegram user id (digits), not {value!r}.")
        raise typer.Exit(2)
    return value


@cohorts_app.command("add")
def cohorts_add(
    code: Annotated[str, typer.Argument(help="Short code used in the join link, e.g. lijiacun")],
    name: Annotated[str, typer.Option("--name", help="Name people know it by, e.g. 李家村")] = "",
    trainer: Annotated[str | None, typer.Option("--trainer", help="The trainer's Telegram user id")] = None,
    db: DbOpt = None,
) -> None:
    """Add a cohort (or change its name or trainer)."""
    from bot.store.progress import utcnow

    if not re.fullmatch(r"[A-Za-z0-9_-]{1,32}", code):
        err.print("A cohort code is 1–32 letters, digits, _ or - (it goes into a Telegram link).")
        raise typer.Exit(2)
    cohort = _staff(db).add_cohort(code, name, _user_id(trainer) if trainer else None, utcnow())
    trainer_shown = cohort.trainer_id or "none (questions go to the admins)"
    out.print(f"✓ cohort {cohort.code} ({cohort.name or 'no name'}), trainer: {trainer_shown}")


BotOpt = Annotated[
    str | None,
    typer.Option("--bot", help="The bot's username for join links (default: $FARMSKILLS_BOT_USERNAME)."),
]


@cohorts_app.command("list")
def cohorts_list(
    bot: BotOpt = None,
    qr: Annotated[
        Path | None, typer.Option("--qr", help="Folder to write a printable QR card per cohort (CODE.png).")
    ] = None,
    db: DbOpt = None,
) -> None:
    """List cohorts with their trainers and join links; --qr writes a QR card to print for each."""
    from bot.media.join_card import join_card, join_link

    rows = _staff(db).cohorts()
    if not rows:
        out.print("No cohorts yet. Add one: farmskills cohorts add CODE --name NAME --trainer USER_ID")
        return
    username = bot or os.environ.get("FARMSKILLS_BOT_USERNAME")
    if not username:
        err.print("No bot username: join links show <bot>. Pass --bot NAME or set FARMSKILLS_BOT_USERNAME.")
    table = Table("code", "name", "trainer", "join link", *(["QR card"] if qr else []))
    for c in rows:
        link = join_link(username or "<bot>", c.code)
        card = ""
        if qr and username:
            qr.mkdir(parents=True, exist_ok=True)
            path = qr / f"{c.code}.png"
            path.write_bytes(join_card(link, c.name or c.code))
            card = str(path)
        table.add_row(c.code, c.name, c.trainer_id or "— (admins)", link, *([card] if qr else []))
    out.print(table)
    if qr and not username:
        err.print("No QR cards written: a card needs the bot's real username (--bot).")
        raise typer.Exit(2)


@users_app.command("grant")
def users_grant(
    user_id: Annotated[str, typer.Argument(help="Telegram user id")],
    role: Annotated[str, typer.Option("--role", help="admin or trainer")] = "trainer",
    db: DbOpt = None,
) -> None:
    """Make someone an admin or a trainer."""
    from bot.store.progress import utcnow

    try:
        _staff(db).grant(_user_id(user_id), role, utcnow())
    except ValueError as exc:
        err.print(str(exc))
        raise typer.Exit(2) from exc
    out.print(f"✓ {user_id} is now {role}")


def _mentors(db: str | None) -> tuple[MentorStore, ProgressStore]:
    engine = _staff(db).engine
    return MentorStore(engine), ProgressStore(engine, {})


@users_app.command("revoke")
def users_revoke(user_id: Annotated[str, typer.Argument(help="Telegram user id")], db: DbOpt = None) -> None:
    """Take a granted role or a mentor role away (admins from FARMSKILLS_ADMINS stay until removed there)."""
    revoked = _staff(db).revoke(_user_id(user_id))
    mentors, store = _mentors(db)
    learner = store.find(_staff_channel(), user_id)
    unmentored = learner is not None and learner.id is not None and mentors.remove(learner.id)
    if revoked or unmentored:
        what = " and ".join(w for w, done in (("role", revoked), ("mentor role", unmentored)) if done)
        out.print(f"✓ {user_id} no longer has a granted {what}")
    else:
        out.print(f"{user_id} had no granted role")


@users_app.command("list")
def users_list(db: DbOpt = None) -> None:
    """Everyone with a role, where the role comes from, and the villages' mentors."""
    table = Table("user id", "role", "from")
    for user_id, role, source in _staff(db).roles():
        table.add_row(user_id, role, source)
    mentors, _ = _mentors(db)
    staff_channel = _staff_channel()
    for mentor, learner in mentors.everyone():
        who = (
            learner.external_id
            if learner.channel == staff_channel
            else f"{learner.channel}:{learner.external_id}"
        )
        source = f"{mentor.status}, {mentor.cohort}" + (
            f", by {mentor.decided_by}" if mentor.decided_by else ""
        )
        table.add_row(who, "mentor", source)
    out.print(table)
