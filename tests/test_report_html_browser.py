"""The HTML report opened in a real browser (Chromium through Playwright), on a desktop and a phone.

An administrator opens the file from an e-mail or a USB stick and has 30 seconds: the headline
cards with the income total must be on the first screen without scrolling, the page has a table of
contents, no chart runs off the side of a 390 px phone, the Chinese report shows no column key or
English code, no error reaches the console, and nothing is fetched from anywhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.content.loader import Curriculum
from bot.reports.build import build_report
from bot.reports.charts import CHARTS
from bot.reports.html import render_html
from bot.reports.model import ALL, NONE, ReportFilter
from bot.store.database import make_engine
from tests.databases import database_for
from tests.village import NOW, build_village, village_content

CHROMIUM = Path("/usr/bin/chromium")
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
SNAKE = re.compile(r"\b[a-z]+_[a-z0-9_]+\b")


@pytest.fixture
def village(tmp_path: Path) -> tuple[Curriculum, Path]:
    curriculum: Curriculum = village_content(tmp_path / "content")
    db_url = database_for(tmp_path / "village.db")
    build_village(db_url)
    engine = make_engine(db_url)
    try:
        report = build_report(engine, curriculum, ReportFilter(), NOW, "Asia/Shanghai", "zh")
    finally:
        engine.dispose()
    path = tmp_path / "report.html"
    path.write_text(render_html(report), encoding="utf-8")
    return curriculum, path


@pytest.fixture
def browser() -> Iterator[Any]:
    sync_api: Any = pytest.importorskip(
        "playwright.sync_api", reason="the playwright package is not installed"
    )
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium not installed at {CHROMIUM}: apt-get install chromium")
    with sync_api.sync_playwright() as playwright:
        try:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        except sync_api.Error as exc:
            pytest.skip(f"Chromium not installed at {CHROMIUM}: it would not start ({exc})")
        try:
            yield chromium
        finally:
            chromium.close()


def test_the_first_screen_answers_is_it_working_on_desktop_and_phone(
    village: tuple[Curriculum, Path], browser: Any, tmp_path: Path
) -> None:
    _, report_file = village
    url = report_file.as_uri()
    for name, viewport in VIEWPORTS.items():
        page = browser.new_page(viewport=viewport)
        problems: list[str] = []
        requests: list[str] = []
        page.on("console", lambda m, p=problems: p.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e, p=problems: p.append(str(e)))
        page.on("request", lambda r, q=requests: q.append(r.url))
        page.goto(url, wait_until="load")
        # The headline cards, income included, on the first screen: nothing to scroll.
        for card in ("learners", "started", "completed_lesson", "applied", "outcome", "income"):
            box = page.locator(f"#card-{card}").bounding_box()
            assert box is not None, (name, card)
            assert box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"], (name, card, box)
        assert "¥950" in page.locator("#card-income").inner_text()
        # A table of contents that leads to every section.
        links = page.locator("nav#toc a")
        assert links.count() == page.locator("section.report-table").count() >= len(CHARTS)
        # Every chart fits the screen's width and keeps a readable size; no sideways scrolling.
        for chart in CHARTS:
            figure = page.locator(f"#figure-{chart} svg#chart-{chart}")
            figure.scroll_into_view_if_needed()
            box = figure.bounding_box()
            frame = page.locator(f"#figure-{chart}").bounding_box()
            assert box is not None and frame is not None, (name, chart)
            assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], (name, chart, box)
            assert box["width"] >= min(340, viewport["width"] - 40) and box["height"] > 150, (
                name,
                chart,
                box,
            )
            assert (
                page.evaluate(f"document.querySelector('#figure-{chart}').scrollWidth") <= frame["width"] + 1
            )
            # its table is folded under it
            assert page.locator(f"#table-{chart} figure + details.rows table").count() == 1
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"], name
        page.screenshot(path=str(tmp_path / f"report-{name}.png"))
        assert problems == [], (name, problems)
        assert requests == [url], (name, requests)
        page.close()
    assert (tmp_path / "report-phone.png").stat().st_size > 10_000


def test_saved_as_pdf_the_page_is_one_a4_sheet_of_headline_cards_and_funnel(
    village: tuple[Curriculum, Path], browser: Any
) -> None:
    _, report_file = village
    page = browser.new_page()
    page.goto(report_file.as_uri(), wait_until="load")
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1
    page.emulate_media(media="print")
    shown = [s for s in page.locator("section").all() if s.is_visible()]
    assert [s.get_attribute("id") for s in shown] == ["table-funnel"]
    assert page.locator("#card-income").is_visible() and not page.locator("nav#toc").is_visible()
    page.close()


def test_the_chinese_report_shows_words_not_column_keys_or_codes(
    village: tuple[Curriculum, Path], browser: Any
) -> None:
    curriculum, report_file = village
    page = browser.new_page(viewport=VIEWPORTS["phone"])
    page.goto(report_file.as_uri(), wait_until="load")
    for details in page.locator("details").all():
        details.evaluate("d => d.open = true")  # read the folded tables too
    headers = page.locator("th").all_inner_texts()
    assert headers and not [h for h in headers if SNAKE.search(h) or h.isascii()], headers
    # Everything but free text (questions in the trainers' or the learners' own words).
    shown = page.evaluate(
        "() => { const c = document.body.cloneNode(true);"
        " c.querySelectorAll('td.text').forEach(t => t.remove()); document.body.after(c);"
        " const s = c.innerText; c.remove(); return s; }"
    )
    codes = {
        *curriculum.track_ids,
        *curriculum.lessons,
        "basic",
        "intermediate",
        "advanced",
        "yuan",
        "mu",
        ALL,
        NONE,
    }
    words = set(re.findall(r"[\w()\-]+", shown))
    assert not codes & words, codes & words
    assert not SNAKE.search(shown), SNAKE.findall(shown)
    assert "基础" in shown and "元" in shown and "完成率" in shown
    page.close()
