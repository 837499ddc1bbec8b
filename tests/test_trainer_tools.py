"""A trainer's tools: validating just the file being edited, the phone preview, the shipped pictures
and the guide, run the way a trainer runs them."""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from PIL import Image

from bot.content.loader import check_content
from bot.content.models import Lesson
from bot.media.lesson_pictures import PICTURES, draw_all
from tests.cli_runner import farmskills
from tests.content_builder import REPO, write_yaml

LESSON = "lessons/shop/basic/01.yaml"
CHROMIUM = Path("/usr/bin/chromium")


def break_file(path: Path) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    del data["title"]["en"]
    write_yaml(path, data)


def test_validating_one_file_checks_only_that_file(content_root: Path) -> None:
    break_file(content_root / "lessons/shop/basic/02.yaml")
    good = farmskills("validate", "--lang", "en", str(content_root / LESSON))
    assert good.returncode == 0, good.stderr
    assert "1 file(s): all valid" in good.stdout and "1 more error(s) in other files" in good.stdout
    bad = farmskills(
        "validate", str(content_root / "lessons/shop/basic/02.yaml"), env={"LANG": "zh_CN.UTF-8"}
    )
    assert bad.returncode == 1
    assert "lessons/shop/basic/02.yaml 第 " in bad.stderr and "标题的英文：缺少这一项" in bad.stderr


def test_validate_speaks_the_trainers_locale_and_lang_overrides_it(content_root: Path) -> None:
    break_file(content_root / LESSON)
    english = farmskills("validate", "--content", str(content_root), env={"LANG": "en_GB.UTF-8"})
    assert "title, English: missing" in english.stderr
    chinese = farmskills(
        "validate", "--lang", "zh", "--content", str(content_root), env={"LANG": "en_GB.UTF-8"}
    )
    assert "标题的英文：缺少这一项" in chinese.stderr


def test_a_step_too_long_is_named_with_its_line_its_length_and_the_fix(content_root: Path) -> None:
    path = content_root / LESSON
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["steps"][1]["zh"] = "第 2 步。" + "很长的一步。" * 40  # the same step number as the English
    write_yaml(path, data)
    line = next(n for n, text in enumerate(path.read_text("utf-8").splitlines(), 1) if "很长的一步" in text)
    result = farmskills("validate", "--lang", "zh", str(path))
    assert result.returncode == 1
    assert f"第 {line} 行" in result.stderr and "第 2 步的中文" in result.stderr
    assert "最多 200 个字。请删短，或分成两步" in result.stderr


def test_warnings_are_printed_and_validate_still_passes(content_root: Path) -> None:
    (content_root / "lessons/shop/basic/notes.txt").write_text("todo", encoding="utf-8")
    result = farmskills("validate", "--lang", "en", "--content", str(content_root))
    assert result.returncode == 0, result.stderr
    assert "[warning] lessons/shop/basic/notes.txt" in result.stdout and "1 warning(s)" in result.stdout


def test_preview_of_a_mistyped_id_suggests_the_real_one(content_root: Path) -> None:
    result = farmskills("preview", "b-lesson-1", "--lang", "en", "--content", str(content_root))
    assert result.returncode == 1 and 'Did you mean "b-lesson-01"' in result.stderr


def test_the_html_preview_fits_a_phone_in_a_real_browser(content_root: Path) -> None:
    sync_api: Any = pytest.importorskip(
        "playwright.sync_api", reason="the playwright package is not installed"
    )
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium not installed at {CHROMIUM}")
    page_file = content_root / "page.html"
    result = farmskills(
        "preview", "b-lesson-01", "--html", "--out", str(page_file), "--content", str(content_root)
    )
    assert result.returncode == 0, result.stderr
    with sync_api.sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        except sync_api.Error as exc:
            pytest.skip(f"Chromium would not start ({exc})")
        try:
            page = browser.new_page(viewport={"width": 390, "height": 800})
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(page_file.as_uri())
            assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing to scroll sideways
            buttons = page.locator(".btn")
            assert buttons.count() > 0
            widths = [buttons.nth(i).bounding_box()["width"] for i in range(buttons.count())]
            assert min(widths) >= 100  # big enough to press with a thumb
            assert errors == []
        finally:
            browser.close()


class PhonePage(HTMLParser):
    """The screens, counts and buttons of a preview page."""

    def __init__(self) -> None:
        super().__init__()
        self.screens: list[dict[str, list[str]]] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        cls = dict(attrs).get("class") or ""
        if tag == "section":
            self.screens.append({"what": [], "bubble": [], "count": [], "btn": [], "img": []})
        elif tag == "img" and self.screens:
            self.screens[-1]["img"].append(dict(attrs).get("src") or "")
        for kind in ("what", "bubble", "count", "btn"):
            if kind in cls.split():
                self._in = kind
                if self.screens:
                    self.screens[-1][kind].append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "div":
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in and self.screens:
            self.screens[-1][self._in][-1] += data


def test_the_html_preview_shows_each_screen_at_phone_width_with_counts_and_buttons(
    content_root: Path,
) -> None:
    media = content_root / "content" / "media"
    shutil.copytree(REPO / "content" / "media" / "ecommerce", media / "ecommerce")
    path = content_root / LESSON
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["steps"][1]["image"] = "ecommerce/four-photos.png"
    write_yaml(path, data)
    page = content_root / "page.html"
    result = farmskills(
        "preview", "b-lesson-01", "--html", "--out", str(page), "--content", str(content_root)
    )
    assert result.returncode == 0, result.stderr
    html = page.read_text(encoding="utf-8")
    assert "width: 390px" in html
    parsed = PhonePage()
    parsed.feed(html)
    steps = [s for s in parsed.screens if s["what"][0].startswith("第")]
    assert [s["what"][0] for s in steps[:3]] == ["第 1 步", "第 2 步", "第 3 步"]
    first = steps[0]
    assert "b-lesson-01 第1步" in first["bubble"][0]
    size, limit = re.fullmatch(r"(\d+) / (\d+) 字", first["count"][0]).groups()  # type: ignore[union-attr]
    assert limit == "200" and int(size) == sum(1 for ch in first["bubble"][0] if not ch.isspace())
    assert any("下一步" in b for b in first["btn"]) and len(first["btn"]) <= 4
    assert steps[1]["img"] and steps[1]["img"][0].startswith("data:image/png;base64,")
    question = next(s for s in parsed.screens if s["what"][0] == "第 1 题")
    assert question["btn"][0].startswith("1️⃣")


def test_the_shipped_pictures_are_small_real_pngs_and_a_step_may_show_one(
    tmp_path: Path, content_root: Path
) -> None:
    sizes = draw_all(tmp_path / "media")
    assert set(sizes) == set(PICTURES)
    for name, size in sizes.items():
        assert size < 150 * 1024, name
        with Image.open(tmp_path / "media" / name) as image:
            assert image.format == "PNG" and image.size == (800, 600)
    shutil.copytree(tmp_path / "media", content_root / "content" / "media")
    path = content_root / LESSON
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["steps"][0]["image"] = "machinery/drone-spraying-safety.png"
    write_yaml(path, data)
    loaded = check_content(content_root)
    assert loaded.errors == []
    unused = {p.file for p in loaded.warnings}
    assert "content/media/machinery/drone-spraying-safety.png" not in unused
    assert "content/media/ecommerce/four-photos.png" in unused
    assert not any("guide/" in f for f in unused)  # the guide's own pictures need no lesson


def test_the_guides_example_lesson_is_a_valid_lesson_with_real_glossary_keys(tmp_path: Path) -> None:
    guide = (REPO / "lessons" / "README.md").read_text(encoding="utf-8")
    example = re.search(r"```yaml\n(id: .*?)```", guide, re.S)
    assert example, "the guide shows a whole lesson file"
    root = tmp_path / "root"
    shutil.copytree(REPO / "content", root / "content")
    shutil.copytree(REPO / "lessons", root / "lessons")
    data = yaml.safe_load(example.group(1))
    Lesson.model_validate(data)
    target = root / "lessons" / "ecommerce" / "basic" / "09-guide-example.yaml"
    target.write_text(example.group(1).replace(f"id: {data['id']}", "id: guide-example"), encoding="utf-8")
    target.write_text(re.sub(r"^order: \d+", "order: 9", target.read_text("utf-8"), flags=re.M), "utf-8")
    loaded = check_content(root)
    mine = [str(p) for p in loaded.errors if p.file.endswith("09-guide-example.yaml")]
    assert mine == []
    assert "您" in example.group(1) and "你" not in example.group(1).replace("您", "")
    assert data["id"] in {ls for ls in check_content(REPO).partial.lessons}


def test_every_id_term_snippet_and_picture_the_guide_names_is_real() -> None:
    guide = (REPO / "lessons" / "README.md").read_text(encoding="utf-8")
    shipped = check_content(REPO).partial
    ids = set(re.findall(r"\b(?:ecom|live|mach)-[abi]-[a-z0-9-]+\b", guide)) - {
        "ecom-b-my-lesson"
    }  # the new one
    terms = set(re.findall(r'term\("([^"]+)"\)', guide)) - {
        "SKU"
    }  # the guide shows "SKU" as the slip to avoid
    snippets = set(re.findall(r'snippet\("([^"]+)"\)', guide))
    pictures = set(re.findall(r"image: ([\w/.-]+\.(?:png|jpg))", guide))
    assert ids and terms and snippets and pictures
    assert ids <= set(shipped.lessons), ids - set(shipped.lessons)
    assert terms <= set(shipped.glossary), terms - set(shipped.glossary)
    assert snippets <= shipped.renderer.snippet_names("zh"), snippets
    assert all((REPO / "content" / "media" / p).is_file() for p in pictures), pictures
