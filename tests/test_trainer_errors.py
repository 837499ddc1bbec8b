"""A trainer's everyday mistakes, each told in plain words with the file, the line and the field.

Each test writes a lesson by hand the way a trainer would (block text, two-space indentation),
makes one mistake in it, and reads what `farmskills validate` would say, in Chinese and English.
"""

from __future__ import annotations

import struct
from pathlib import Path

import yaml
from PIL import Image

from bot.content.explain import describe
from bot.content.loader import check_content
from tests.content_builder import SMALL_FAQ, write_yaml

LESSON = """\
id: b-lesson-01
order: 1
minutes: 3
title:
  zh: 开网店
  en: Open a shop
steps:
  - zh: |
      {{ name }}，您好！今天学开网店。
    en: |
      Hello {{ name }}! Today: opening a shop.
  - zh: 准备一部手机。
    en: Get a phone ready.
  - zh: 拍一张照片。
    en: Take a photo.
questions:
  - ask:
      zh: 用什么光拍照？
      en: What light is best?
    options:
      - zh: 白天窗边光
        en: Window daylight
      - zh: 晚上开闪光
        en: Flash at night
      - zh: 加个美颜
        en: A beauty filter
    answer: 1
    explain:
      zh: 白天的光颜色最真。
      en: Daylight shows true colour.
practice:
  task:
    zh: 上架一件商品。
    en: List one product.
  evidence: none
"""
FILE = "lessons/shop/basic/01.yaml"


def write_lesson(root: Path, change: dict[int, str | None] | None = None) -> None:
    """The lesson above, with lines replaced (or deleted, for None), counted from 1 as editors do."""
    lines = LESSON.splitlines()
    for number, new in sorted((change or {}).items(), reverse=True):
        if new is None:
            del lines[number - 1]
        else:
            lines[number - 1] = new
    (root / FILE).write_text("\n".join(lines) + "\n", encoding="utf-8")


def said(root: Path, lang: str, file: str = FILE) -> list[str]:
    return [describe(p, lang) for p in check_content(root).problems if p.file == file]


def one(root: Path, lang: str, file: str = FILE) -> str:
    found = said(root, lang, file)
    assert len(found) == 1, found
    return found[0]


def test_the_hand_written_lesson_is_fine(content_root: Path) -> None:
    write_lesson(content_root)
    assert said(content_root, "zh") == []


def test_a_line_out_of_line_is_called_indentation_with_its_line(content_root: Path) -> None:
    write_lesson(content_root, {14: " - zh: 拍一张照片。"})
    zh, en = one(content_root, "zh"), one(content_root, "en")
    assert zh.startswith(f"[错误] {FILE} 第 14 行") and "缩进" in zh and "1 个空格" in zh
    assert f"{FILE}, line 14" in en and "indentation" in en and "did not find" not in en


def test_a_tab_is_named_and_the_fix_is_spaces(content_root: Path) -> None:
    write_lesson(content_root, {15: "\ten: Take a photo."})
    zh, en = one(content_root, "zh"), one(content_root, "en")
    assert "第 15 行" in zh and "这一行用了 Tab 键缩进，请改成空格" in zh
    assert "line 15" in en and "Tab" in en and "use spaces" in en


def test_a_misspelt_name_is_caught_on_its_line_with_a_guess(content_root: Path) -> None:
    write_lesson(content_root, {11: "      Hello {{ nmae }}! Today: opening a shop."})
    zh, en = one(content_root, "zh"), one(content_root, "en")
    assert "第 11 行" in zh and "第 1 步的英文" in zh and "“nmae”" in zh and "“name”" in zh
    assert "line 11" in en and "step 1, English" in en and 'Did you mean "name"?' in en


def test_brackets_after_name_name_the_field_and_the_fix(content_root: Path) -> None:
    write_lesson(content_root, {9: "      {{ name() }}，您好！今天学开网店。"})
    zh = one(content_root, "zh")
    assert "第 9 行" in zh and "第 1 步的中文" in zh and "name 不是函数" in zh and "{{ name }}" in zh
    assert "not callable" not in zh


def test_missing_english_names_the_step_and_its_line(content_root: Path) -> None:
    write_lesson(content_root, {13: None})
    zh, en = one(content_root, "zh"), one(content_root, "en")
    assert zh.startswith(f"[错误] {FILE} 第 12 行") and "第 2 步的英文" in zh and "缺少" in zh
    assert "step 2, English: missing" in en and "en: ..." in en and "steps[" not in en


def test_an_empty_value_says_it_is_empty(content_root: Path) -> None:
    write_lesson(content_root, {13: '    en: ""'})
    zh, en = one(content_root, "zh"), one(content_root, "en")
    assert "第 13 行" in zh and "第 2 步的英文" in zh and "是空的" in zh
    assert "is empty" in en and "at least 1 character" not in en


def test_a_misspelt_field_name_gets_a_guess(content_root: Path) -> None:
    write_lesson(content_root, {27: "    anwser: 1"})
    messages = said(content_root, "en")
    assert any("anwser" in m and 'Did you mean "answer"?' in m and "line 27" in m for m in messages), messages


def test_a_faq_link_to_an_unknown_lesson_suggests_the_real_id(content_root: Path) -> None:
    entry = dict(SMALL_FAQ[0], lesson="b-lesson-1")
    write_yaml(content_root / "content" / "faq" / "small.yaml", [entry, *SMALL_FAQ[1:]])
    zh = one(content_root, "zh", "content/faq/small.yaml")
    assert "没有编号为“b-lesson-1”的课" in zh and "“b-lesson-01”" in zh


def test_the_guides_sku_example_points_to_the_real_glossary_key(content_root: Path) -> None:
    sku = {"name": {"zh": "SKU", "en": "SKU"}, "zh": "同一商品里的一种规格", "en": "one version of a product"}
    write_yaml(content_root / "content" / "glossary" / "test.yaml", {"ecom_sku": sku})
    write_lesson(content_root, {15: '    en: Take a photo of each {{ term("SKU") }}.'})
    en = one(content_root, "en")
    assert "line 15" in en and "step 3, English" in en and '"SKU" is not in the glossary' in en
    assert 'Did you mean "ecom_sku"?' in en


def test_a_snippet_typo_names_the_snippet_not_a_temporary_folder(content_root: Path) -> None:
    for lang in ("zh", "en"):
        (content_root / "content" / "snippets" / f"machinery_safety.{lang}.j2").write_text("⚠️ 安全", "utf-8")
    write_lesson(content_root, {14: "  - zh: '{{ snippet(\"machine_safety\") }}'"})
    zh, en = one(content_root, "zh"), one(content_root, "en")
    assert "第 14 行" in zh and "第 3 步的中文" in zh and "“machinery_safety”" in zh
    assert 'Did you mean "machinery_safety"?' in en
    problems = check_content(content_root).problems
    assert all(str(content_root) not in p.message + p.zh for p in problems)


def test_an_answer_button_too_long_names_the_option_and_its_length(content_root: Path) -> None:
    write_lesson(
        content_root, {23: "      - zh: 晚上打开闪光灯拍", 24: "        en: Flash on at night, please"}
    )
    zh, en = sorted(said(content_root, "zh")), sorted(said(content_root, "en"))
    assert any(
        "第 23 行" in m and "第 1 题的第 2 个选项的中文" in m and "有 8 个字" in m and "最多 6 个字" in m
        for m in zh
    ), zh
    assert any(
        "question 1, option 2, English" in m and "is 25 characters" in m and "at most 16" in m for m in en
    ), en


def test_a_lesson_saved_as_yml_is_an_error_not_ignored(content_root: Path) -> None:
    write_lesson(content_root)
    (content_root / FILE).rename(content_root / "lessons/shop/basic/03.yml")
    loaded = check_content(content_root)
    assert loaded.content is None
    assert any(p.file == "lessons/shop/basic/03.yml" and "03.yaml" in p.message for p in loaded.errors)


def test_two_lessons_with_the_same_order_in_a_tier_are_an_error(content_root: Path) -> None:
    write_lesson(content_root, {2: "order: 2"})
    en = one(content_root, "en")
    assert "line 2" in en and "order 2 is also used by lessons/shop/basic/02.yaml" in en


def test_a_lesson_outside_a_tier_folder_and_a_stray_file_are_named(content_root: Path) -> None:
    (content_root / "lessons/shop/notes.yaml").write_text("id: x\n", "utf-8")
    (content_root / "lessons/shop/basic/old.bak").write_text("x", "utf-8")
    loaded = check_content(content_root)
    assert any(p.file == "lessons/shop/notes.yaml" and "tier folder" in p.message for p in loaded.errors)
    assert any(p.file == "lessons/shop/basic/old.bak" for p in loaded.warnings)


def _ogg(seconds: float) -> bytes:
    """A minimal Ogg Opus stream whose last page says how long it plays."""

    def page(granule: int, payload: bytes) -> bytes:
        return b"OggS\x00\x00" + struct.pack("<q", granule) + b"\x00" * 12 + payload

    return page(0, b"OpusHead" + b"\x00" * 11) + page(int(seconds * 48000), b"\x00" * 100)


def test_pictures_and_voice_clips_missing_or_too_big_are_named(content_root: Path) -> None:
    media = content_root / "content" / "media"
    media.mkdir(parents=True)
    Image.effect_noise((600, 600), 100).convert("RGB").save(media / "noisy.png")
    (media / "long.ogg").write_bytes(_ogg(200))
    write_lesson(
        content_root,
        {
            12: "  - zh: 准备一部手机。\n    image: noisy.png",
            14: "  - zh: 拍一张照片。\n    image: phone.png\n    voice:\n      zh: long.ogg",
        },
    )
    en = said(content_root, "en")
    assert any("step 2, image" in m and "KB; keep images under 150 KB" in m for m in en), en
    assert any("step 3, image" in m and "content/media/phone.png not found" in m for m in en), en
    assert any("step 3, voice clip, Chinese" in m and "lasts 200 s" in m for m in en), en


def test_an_unused_picture_is_a_warning_and_content_still_loads(content_root: Path) -> None:
    media = content_root / "content" / "media"
    media.mkdir(parents=True)
    Image.new("RGB", (10, 10)).save(media / "spare.png")
    loaded = check_content(content_root)
    assert loaded.content is not None
    (warning,) = loaded.warnings
    assert warning.file == "content/media/spare.png" and "image: spare.png" in warning.message


def test_a_check_question_with_two_options_is_refused_by_validate_naming_the_file(
    content_root: Path,
) -> None:
    write_lesson(content_root, {25: None, 26: None})  # delete the third option
    loaded = check_content(content_root)
    assert loaded.content is None
    zh, en = one(content_root, "zh"), one(content_root, "en")
    assert zh.startswith(f"[错误] {FILE} 第 21 行") and "第 1 题的选项：" in zh
    assert "只有 2 个选项" in zh and "至少要 3 个" in zh
    assert f"{FILE}, line 21" in en and "question 1, options:" in en
    assert "has 2 options; it needs at least 3" in en and "a real farmer" in en


def test_numbers_that_differ_between_chinese_and_english_are_named_by_file_and_field(
    content_root: Path,
) -> None:
    write_lesson(content_root, {14: "  - zh: 一箱装 300 克。", 15: "    en: A box holds 500 g."})
    zh, en = one(content_root, "zh"), one(content_root, "en")
    assert zh.startswith(f"[错误] {FILE} 第 14 行") and "第 3 步" in zh
    assert "中文有 300，英文里没有" in zh and "英文有 500，中文里没有" in zh
    assert "step 3" in en and "300 only in the Chinese; 500 only in the English" in en
    assert "# numbers differ" in en
    assert check_content(content_root).content is None


def test_honest_conversions_and_numbers_in_words_agree(content_root: Path) -> None:
    write_lesson(
        content_root,
        {
            12: "  - zh: 一箱 10 斤，七天内发货，打八折。",
            13: "    en: A 5 kg box ships within 7 days, at 20% off.",
            14: "  - zh: 卖了 3万 元。",
            15: "    en: Sales came to 30,000 yuan.",
        },
    )
    assert said(content_root, "en") == []


def test_a_real_difference_can_be_allowed_by_a_comment_on_its_line(content_root: Path) -> None:
    zh, en = "  - zh: 离电线 5 米以外。", "    en: Stay 16 feet from power lines."
    write_lesson(content_root, {14: zh, 15: en + "  # numbers differ: feet"})
    assert said(content_root, "en") == []
    write_lesson(content_root, {14: zh, 15: en})
    assert "5 only in the Chinese; 16 only in the English" in one(content_root, "en")


def test_an_faq_answer_that_names_a_lesson_in_one_language_only_is_named(content_root: Path) -> None:
    write_lesson(content_root)
    answer = {"zh": "押金可以退，见《开网店》。", "en": "The deposit can be refunded."}
    entry = dict(SMALL_FAQ[0], answer=answer)
    write_yaml(content_root / "content" / "faq" / "small.yaml", [entry, *SMALL_FAQ[1:]])
    zh = one(content_root, "zh", "content/faq/small.yaml")
    assert "shop-deposit的回答" in zh and "中文提到课程《开网店》" in zh and "“Open a shop”" in zh
    entry["answer"] = {"zh": "押金可以退，押 500 元。", "en": "The deposit of 300 yuan can be refunded."}
    write_yaml(content_root / "content" / "faq" / "small.yaml", [entry, *SMALL_FAQ[1:]])
    en = one(content_root, "en", "content/faq/small.yaml")
    assert "shop-deposit, answer" in en and "500 only in the Chinese; 300 only in the English" in en


def test_a_placement_question_with_different_numbers_is_named(content_root: Path) -> None:
    path = content_root / "lessons" / "shop" / "track.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["placement"][0]["ask"] = {"zh": "每亩 30 元，20 亩付多少？", "en": "30 yuan a mu, 25 mu: how much?"}
    write_yaml(path, data)
    found = [describe(p, "en") for p in check_content(content_root).problems]
    assert any(
        "lessons/shop/track.yaml" in m and "placement question 1" in m and "20 only in the Chinese" in m
        for m in found
    ), found
