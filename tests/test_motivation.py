"""Streaks, badges and certificates: a finished tier earns a picture with the learner's name in it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from PIL import Image

from bot.content.loader import Curriculum
from bot.media.certificate import CertificateText, covers, render_certificate
from bot.store.progress import days_in_a_row
from tests.conftest import Clock
from tests.dialog import Learner, finish_open_lesson, open_basic_lesson

TEXT = CertificateText("结业证书", "王建国大爷", "完成了《网上卖货》基础课程", "2026年5月4日 · 农技通")


def test_a_certificate_draws_its_chinese_text_with_a_font_that_covers_it(
    tmp_path: Path, cjk_font: Path
) -> None:
    font = cjk_font
    for line in (TEXT.heading, TEXT.name, TEXT.line, TEXT.issued):
        assert covers(font, line), line
    png = tmp_path / "certificate.png"
    png.write_bytes(render_certificate(TEXT, font))
    image = Image.open(png).convert("L")
    assert image.size == (1000, 700)
    # The name's band is not blank: many dark pixels where the name is written.
    name_band = image.crop((100, 290, 900, 390))
    dark = sum(1 for value in name_band.tobytes() if value < 100)
    assert dark > 2000
    # And the picture is a real picture, not a flat colour.
    assert len(set(image.tobytes())) > 20


def test_the_font_check_notices_characters_the_font_lacks(cjk_font: Path) -> None:
    assert not covers(cjk_font, "ሰላም")  # Ethiopic: not in a Chinese font


def test_finishing_a_tier_sends_a_certificate_and_progress_shows_the_badge(
    learner: Learner, curriculum: Curriculum, cjk_font: Path
) -> None:
    learner.onboard()
    for n in (1, 2):
        learner.command("menu")
        open_basic_lesson(learner, n)
        finish_open_lesson(learner, curriculum)
    pictures = [m for m in learner.last.messages if m.picture is not None]
    assert len(pictures) == 1 and "结业证书" in pictures[0].text
    assert pictures[0].picture is not None and len(pictures[0].picture.data) > 5000
    assert learner.last.messages[-1].keyboard, "the buttons stay on the last message"
    learner.command("progress")
    assert "1 枚奖章" in learner.text
    learner.tap("我的证书")
    assert [m.picture is not None for m in learner.last.messages] == [True]


def test_without_a_finished_tier_there_is_no_certificate_yet(learner: Learner) -> None:
    learner.onboard()
    learner.press("cert")
    assert "学完一个级别" in learner.text


def test_a_streak_counts_days_in_a_row_up_to_today_or_yesterday() -> None:
    day = datetime(2026, 5, 4, 3, 0, tzinfo=UTC)  # 11:00 in Shanghai
    moments = [day - timedelta(days=d) for d in (0, 1, 2, 4)]
    assert days_in_a_row(moments, day, "Asia/Shanghai") == 3
    assert days_in_a_row(moments, day + timedelta(days=1), "Asia/Shanghai") == 3  # yesterday still counts
    assert days_in_a_row(moments, day + timedelta(days=2), "Asia/Shanghai") == 0


def test_progress_shows_the_streak(learner: Learner, clock: Clock) -> None:
    learner.onboard()
    open_basic_lesson(learner)
    for _ in range(2):
        clock.advance(days=1)
        learner.tap("下一步")
    learner.command("progress")
    assert "连续学习 3 天" in learner.text
