"""The HTML report opened in a real browser (Chromium through Playwright), on a desktop and a phone.

An administrator opens the file from an e-mail or a USB stick: it must show every chart at a
readable size, raise no error in the browser's console, and fetch nothing from anywhere.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.content.loader import Curriculum
from bot.reports.charts import CHARTS
from bot.reports.html import render_html
from bot.reports.model import ReportFilter
from bot.reports.build import build_report
from bot.store.database import make_engine
from tests.test_reports_numbers import NOW, build_village, village_content

CHROMIUM = Path("/usr/bin/chromium")
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 360, "height": 740}}


@pytest.fixture
def report_file(tmp_path: Path) -> Path:
    curriculum: Curriculum = village_content(tmp_path / "content")
    db_url = f"sqlite:///{tmp_path / 'village.db'}"
    build_village(db_url)
    engine = make_engine(db_url)
    try:
        report = build_report(engine, curriculum, ReportFilter(), NOW, "Asia/Shanghai", "zh")
    finally:
        engine.dispose()
    path = tmp_path / "report.html"
    path.write_text(render_html(report), encoding="utf-8")
    return path


def test_the_html_report_shows_every_chart_on_desktop_and_phone_and_fetches_nothing(
    report_file: Path, tmp_path: Path
) -> None:
    sync_api: Any = pytest.importorskip(
        "playwright.sync_api", reason="the playwright package is not installed"
    )
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium not installed at {CHROMIUM}: apt-get install chromium")
    url = report_file.as_uri()
    with sync_api.sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        except sync_api.Error as exc:
            pytest.skip(f"Chromium not installed at {CHROMIUM}: it would not start ({exc})")
        try:
            for name, viewport in VIEWPORTS.items():
                page = browser.new_page(viewport=viewport)
                problems: list[str] = []
                requests: list[str] = []
                page.on("console", lambda m, p=problems: p.append(m.text) if m.type == "error" else None)
                page.on("pageerror", lambda e, p=problems: p.append(str(e)))
                page.on("request", lambda r, q=requests: q.append(r.url))
                page.goto(url, wait_until="load")
                for chart in CHARTS:
                    figure = page.locator(f"#figure-{chart} svg#chart-{chart}")
                    figure.scroll_into_view_if_needed()
                    box = figure.bounding_box()
                    assert box is not None, (name, chart)
                    assert box["width"] > 50 and box["height"] > 50, (name, chart, box)
                    # The chart's box fits the screen; on a phone the chart inside keeps a
                    # readable width and scrolls sideways within that box, like the tables.
                    frame = page.locator(f"#figure-{chart}").bounding_box()
                    assert frame is not None, (name, chart)
                    assert frame["x"] >= 0 and frame["x"] + frame["width"] <= viewport["width"] + 1, (
                        name,
                        chart,
                        frame,
                    )
                    assert box["width"] >= min(560, viewport["width"] - 40), (name, chart, box)
                    # a table follows each chart
                    assert page.locator(f"#table-{chart} figure + .table-wrap table").count() == 1
                # The page itself never scrolls sideways: wide tables scroll inside their box.
                page_width = page.evaluate("document.documentElement.scrollWidth")
                assert page_width <= viewport["width"], (name, page_width)
                page.screenshot(path=str(tmp_path / f"report-{name}.png"), full_page=True)
                assert problems == [], (name, problems)
                assert requests == [url], (name, requests)
                page.close()
        finally:
            browser.close()
    assert (tmp_path / "report-phone.png").stat().st_size > 10_000
