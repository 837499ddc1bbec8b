"""Pictures the bot draws travel in the outbox itself: a certificate and a report chart owed by one
worker are stored with no path to that machine's disk, and another process delivers them."""

from __future__ import annotations

import base64
import json
import tempfile
from pathlib import Path

from bot.app.service import build_service
from bot.content.loader import Curriculum
from bot.faq.matcher import FaqMatcher
from tests.conftest import Clock
from tests.databases import database_for, query
from tests.dialog import Learner, finish_open_lesson, open_basic_lesson
from tests.telegram_harness import running

FARMER, TRAINER = 501, 900


def owe_a_certificate_and_a_chart(curriculum: Curriculum, db_url: str, clock: Clock) -> None:
    """On the first worker: a farmer finishes the basic tier, their trainer asks for /report.
    No sender runs here, so everything said stays owed in the outbox."""
    service = build_service(curriculum, db_url, faq=FaqMatcher.for_curriculum(curriculum), clock=clock)
    service.staff.add_cohort("lijia", "李家村", str(TRAINER), clock())
    farmer = Learner(service, str(FARMER), channel="telegram")
    farmer.onboard("老王")
    farmer.command("start", "lijia")
    for n in (1, 2):
        farmer.command("menu")
        open_basic_lesson(farmer, n)
        finish_open_lesson(farmer, curriculum)
    trainer = Learner(service, str(TRAINER), channel="telegram")
    trainer.onboard("张老师")
    trainer.command("report")


def stored_pictures(db_url: str) -> dict[str, bytes]:
    """Every owed picture by who it is for, checking that no stored row names a file."""
    found = {}
    for user_id, payload in query(db_url, "SELECT user_id, payload FROM outbox ORDER BY id"):
        assert tempfile.gettempdir() not in payload  # where pictures used to be written
        stored = json.loads(payload)
        assert stored["image"] is None and stored["voice"] is None
        if stored.get("picture"):
            found[user_id] = base64.b64decode(stored["picture"]["data"])
    return found


async def test_a_certificate_and_a_chart_are_owed_as_bytes_and_delivered_by_another_process(
    tmp_path: Path, curriculum: Curriculum, clock: Clock, cjk_font: Path
) -> None:
    db_url = database_for(tmp_path / "tg.db")  # the database the running bot below opens
    owe_a_certificate_and_a_chart(curriculum, db_url, clock)
    pictures = stored_pictures(db_url)
    assert set(pictures) == {str(FARMER), str(TRAINER)}
    assert all(p.startswith(b"\x89PNG") for p in pictures.values())

    async with running(tmp_path, curriculum) as tg:
        await tg.drained()
        [certificate] = [s for s in tg.fake.to(FARMER) if s.method == "sendPhoto"]
        [chart] = [s for s in tg.fake.to(TRAINER) if s.method == "sendPhoto"]
    assert "结业证书" in certificate.text
    assert certificate.params["photo"]["data"] == pictures[str(FARMER)]
    assert chart.params["photo"]["data"] == pictures[str(TRAINER)]
    assert chart.labels == ["🌐 网页报告", "📄 表格", "🏠 主页"]
    assert query(db_url, "SELECT COUNT(*) FROM outbox")[0][0] == 0
