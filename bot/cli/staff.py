"""`farmskills cohorts` and `farmskills users`: villages with their trainers, and who may do what."""

from __future__ import annotations

import re
from typing import Annotated

import typer
from rich.table import Table

from bot.cli.common import DbOpt, err, out
from bot.store.staff import StaffStore

cohorts_app = typer.Typer(help="Cohorts (villages or groups) and their trainers.", no_args_is_help=True)
users_app = typer.Typer(help="Admins and trainers: grant, revoke, list.", no_args_is_help=True)


def _staff(db: str | None) -> StaffStore:
    from bot.config import Settings
    from bot.store.database import make_engine, upgrade

    upgrade(db)
    return StaffStore(make_engine(db), Settings().admins)


def _user_id(value: str) -> str:
    if not value.isdigit():
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


@cohorts_app.command("list")
def cohorts_list(db: DbOpt = None) -> None:
    """List cohorts with their trainers."""
    rows = _staff(db).cohorts()
    if not rows:
        out.print("No cohorts yet. Add one: farmskills cohorts add CODE --name NAME --trainer USER_ID")
        return
    table = Table("code", "name", "trainer")
    for c in rows:
        table.add_row(c.code, c.name, c.trainer_id or "— (admins)")
    out.print(table)


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


@users_app.command("revoke")
def users_revoke(user_id: Annotated[str, typer.Argument(help="Telegram user id")], db: DbOpt = None) -> None:
    """Take a granted role away (admins from FARMSKILLS_ADMINS stay until removed there)."""
    if _staff(db).revoke(_user_id(user_id)):
        out.print(f"✓ {user_id} no longer has a granted role")
    else:
        out.print(f"{user_id} had no granted role")


@users_app.command("list")
def users_list(db: DbOpt = None) -> None:
    """Everyone with a role, and where the role comes from."""
    table = Table("user id", "role", "from")
    for user_id, role, source in _staff(db).roles():
        table.add_row(user_id, role, source)
    out.print(table)
