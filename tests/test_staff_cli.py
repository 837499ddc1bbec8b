"""An administrator sets up villages and people from the command line: cohorts with their join
links and QR cards to print, roles granted and revoked, mentors listed."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import segno
from PIL import Image

from bot.media.join_card import join_link
from bot.store.database import make_engine, upgrade
from bot.store.mentors import CONFIRMED, INVITED, OFFERED, MentorStore
from bot.store.progress import ProgressStore
from tests.cli_runner import farmskills
from tests.databases import database_for

NOW = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)


def make_card(tmp_path: Path) -> tuple[Image.Image, Image.Image]:
    """Add a village, print its QR card; returns the card and the bare QR code of its link."""
    db = database_for(tmp_path / "fs.db")
    added = farmskills("cohorts", "add", "lijia", "--name", "李家村", "--trainer", "900", "--db", db)
    assert added.returncode == 0, added.stderr
    cards = tmp_path / "cards"
    listed = farmskills("cohorts", "list", "--bot", "FarmSkillsBot", "--qr", str(cards), "--db", db)
    assert listed.returncode == 0, listed.stderr
    link = "https://t.me/FarmSkillsBot?start=lijia"
    assert link in listed.stdout and "李家村" in listed.stdout and "900" in listed.stdout

    card = Image.open(cards / "lijia.png").convert("1")
    expected = io.BytesIO()
    segno.make(link, error="m").save(expected, kind="png", scale=12, border=4)
    code = Image.open(io.BytesIO(expected.getvalue())).convert("1")
    return card, code


def test_a_cohort_is_listed_with_its_join_link_and_a_qr_card_that_encodes_it(tmp_path: Path) -> None:
    card, code = make_card(tmp_path)
    # The top of the card is exactly the QR code of the link (with or without a Chinese font).
    assert card.width == code.width and card.height >= code.height
    assert card.crop((0, 0, code.width, code.height)).tobytes() == code.tobytes()


def test_the_qr_card_has_the_villages_name_under_the_code(tmp_path: Path, cjk_font: Path) -> None:
    card, code = make_card(tmp_path)
    assert card.height > code.height
    caption = card.crop((0, code.height, card.width, card.height))
    assert caption.getextrema() == (0, 255), "the caption band has writing in it"


def test_without_the_bots_name_links_show_a_placeholder_and_no_card_is_printed(tmp_path: Path) -> None:
    db = database_for(tmp_path / "fs.db")
    farmskills("cohorts", "add", "lijia", "--name", "李家村", "--db", db)
    env = {"FARMSKILLS_BOT_USERNAME": ""}
    listed = farmskills("cohorts", "list", "--db", db, env=env)
    assert listed.returncode == 0 and "t.me/<bot>?start=lijia" in listed.stdout
    assert "--bot" in listed.stderr
    no_cards = farmskills("cohorts", "list", "--qr", str(tmp_path / "cards"), "--db", db, env=env)
    assert no_cards.returncode == 2 and not (tmp_path / "cards").exists()
    assert join_link("@FarmSkillsBot", "x") == "https://t.me/FarmSkillsBot?start=x"


def test_roles_are_granted_listed_and_revoked_with_the_villages_mentors(tmp_path: Path) -> None:
    db = database_for(tmp_path / "fs.db")
    upgrade(db)
    engine = make_engine(db)
    store, mentors = ProgressStore(engine, {}), MentorStore(engine)
    learner, _ = store.find_or_create("telegram", "501", lang="zh", name="老李", now=NOW)
    assert learner.id is not None
    mentors.invite(learner.id, "lijia", "ecommerce", NOW)
    mentors.move(learner.id, INVITED, OFFERED, NOW)
    mentors.move(learner.id, OFFERED, CONFIRMED, NOW, by="900")

    assert farmskills("users", "grant", "700", "--role", "admin", "--db", db).returncode == 0
    bad = farmskills("users", "grant", "zhang", "--db", db)
    assert bad.returncode == 2 and "Telegram user id" in bad.stderr
    listed = farmskills("users", "list", "--db", db, env={"FARMSKILLS_ADMINS": ""})
    assert "700" in listed.stdout and "admin" in listed.stdout
    assert "501" in listed.stdout and "mentor" in listed.stdout
    assert "confirmed, lijia, by 900" in listed.stdout

    revoked = farmskills("users", "revoke", "501", "--db", db)
    assert revoked.returncode == 0 and "mentor role" in revoked.stdout
    assert mentors.get(learner.id) is None
    assert "had no granted role" in farmskills("users", "revoke", "501", "--db", db).stdout
