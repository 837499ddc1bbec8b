"""Trainers' content: good content loads; every kind of mistake is named by file and field."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from PIL import Image

from bot.content.loader import load_curriculum
from bot.content.problems import ContentError
from bot.core.audit import audit
from tests.content_builder import lesson, text, write_yaml


def problems_for(root: Path) -> list[str]:
    with pytest.raises(ContentError) as info:
        load_curriculum(root)
    return [str(p) for p in info.value.problems]


def lesson_file(root: Path) -> Path:
    return root / "lessons" / "shop" / "basic" / "01.yaml"


def edit(path: Path, change: Callable[[Any], object]) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    write_yaml(path, data)


def test_good_content_loads_with_every_tier_in_order(content_root: Path) -> None:
    cur = load_curriculum(content_root)
    assert cur.track_ids == ["shop"]
    assert [ls.id for ls in cur.ordered_lessons()][:2] == ["b-lesson-01", "b-lesson-02"]
    assert cur.lessons["i-lesson-01"].tier.value == "intermediate"
    assert audit(cur) == []


def test_a_missing_field_is_reported_with_its_file_and_field(content_root: Path) -> None:
    edit(lesson_file(content_root), lambda d: d.pop("practice"))
    assert problems_for(content_root) == [
        'lessons/shop/basic/01.yaml: practice: missing. Add a line "practice: ..."'
    ]


def test_a_missing_translation_is_reported(content_root: Path) -> None:
    edit(lesson_file(content_root), lambda d: d["steps"][1].pop("en"))
    assert 'lessons/shop/basic/01.yaml: steps[2].en: missing. Add a line "en: ..."' in problems_for(
        content_root
    )


def test_an_answer_that_is_not_an_option_is_reported(content_root: Path) -> None:
    edit(lesson_file(content_root), lambda d: d["questions"][0].update(answer=5))
    (problem,) = problems_for(content_root)
    assert problem.startswith("lessons/shop/basic/01.yaml: questions[1]") and "given as 5" in problem


def test_broken_yaml_is_reported_with_the_line(content_root: Path) -> None:
    lesson_file(content_root).write_text("id: x\nsteps: [\n  - : :\n", encoding="utf-8")
    with pytest.raises(ContentError) as info:
        load_curriculum(content_root)
    (problem,) = info.value.problems
    assert (
        problem.file == "lessons/shop/basic/01.yaml"
        and problem.line == 2
        and "never closes with ]" in problem.message
    )


def test_a_trainers_broken_template_is_reported_with_its_file_name(content_root: Path) -> None:
    edit(lesson_file(content_root), lambda d: d["steps"][0].update(zh="你好 {{ name "))
    problems = problems_for(content_root)
    assert any(
        p.startswith("lessons/shop/basic/01.yaml: steps[1].zh: {{ and }} do not pair up") for p in problems
    )


def test_an_unknown_variable_or_glossary_term_is_reported(content_root: Path) -> None:
    edit(
        lesson_file(content_root),
        lambda d: d["steps"][0].update(en="Hi {{ nmae }}", zh="{{ term('GMV') }}"),
    )
    problems = problems_for(content_root)
    assert any("steps[1].en" in p and "nmae" in p for p in problems)
    assert any("steps[1].zh" in p and '"GMV" is not in the glossary' in p for p in problems)


def test_templates_cannot_reach_python_internals(content_root: Path) -> None:
    edit(lesson_file(content_root), lambda d: d["steps"][0].update(en="{{ ''.__class__.__mro__ }}"))
    problems = problems_for(content_root)
    assert any("steps[1].en" in p and "a template can only use" in p for p in problems)


def test_duplicate_lesson_ids_are_reported(content_root: Path) -> None:
    edit(lesson_file(content_root), lambda d: d.update(id="b-lesson-02"))
    problems = problems_for(content_root)
    assert any('"b-lesson-02" is also used by' in p for p in problems)


def test_a_missing_image_is_reported(content_root: Path) -> None:
    edit(lesson_file(content_root), lambda d: d["steps"][0].update(image="nope.jpg"))
    assert problems_for(content_root) == [
        "lessons/shop/basic/01.yaml: steps[1].image: file content/media/nope.jpg not found."
    ]


def test_an_image_over_150_kb_is_reported(content_root: Path) -> None:
    media = content_root / "content" / "media"
    media.mkdir(parents=True, exist_ok=True)
    Image.effect_noise((700, 700), 120).convert("RGB").save(media / "big.jpg", quality=95)
    assert (media / "big.jpg").stat().st_size > 150 * 1024
    edit(lesson_file(content_root), lambda d: d["steps"][0].update(image="big.jpg"))
    (problem,) = problems_for(content_root)
    assert "steps[1].image" in problem and "under 150 KB" in problem


def test_a_glossary_term_is_explained_on_first_use_only(content_root: Path) -> None:
    cur = load_curriculum(content_root)
    shown = cur.renderer.render_lesson(cur.lessons["b-lesson-01"], "en", "Sam")
    assert "SKU (one version of a product)" in shown.steps[0]
    assert shown.steps[1].endswith("SKU") and "(" not in shown.steps[1]


def test_steps_over_the_length_limit_are_reported_by_the_audit(content_root: Path) -> None:
    long_zh = "很长的一步。" * 40
    long_en = "word " * 70
    edit(lesson_file(content_root), lambda d: d["steps"][2].update(zh=long_zh, en=long_en))
    problems = [str(p) for p in audit(load_curriculum(content_root))]
    assert any("steps[3].zh: message is" in p and "limit is 200" in p for p in problems)
    assert any("steps[3].en: message is" in p and "limit is 60" in p for p in problems)


def test_option_labels_over_the_limit_are_reported_per_option(content_root: Path) -> None:
    edit(
        lesson_file(content_root),
        lambda d: d["questions"][0]["options"].__setitem__(
            1, text("这个选项实在太长了", "This option is far too long")
        ),
    )
    problems = problems_for(content_root)
    assert any(
        "questions[1].options[2].zh" in p and "9 Chinese characters; a button holds at most 6" in p
        for p in problems
    )
    assert any(
        "questions[1].options[2].en" in p and "27 characters; a button holds at most 16" in p
        for p in problems
    )


def test_a_missing_ui_translation_is_reported(content_root: Path) -> None:
    path = content_root / "content" / "ui" / "en.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.pop("btn_next")
    write_yaml(path, data)
    assert "content/ui/en.yaml: btn_next: missing translation" in problems_for(content_root)


def test_a_tier_with_no_lessons_is_reported(content_root: Path) -> None:
    for path in (content_root / "lessons" / "shop" / "advanced").glob("*.yaml"):
        path.unlink()
    assert "lessons/shop/track.yaml: no lessons in tier advanced" in problems_for(content_root)


def test_extra_lesson_with_six_steps_and_three_questions_is_fine(content_root: Path) -> None:
    write_yaml(
        content_root / "lessons" / "shop" / "basic" / "03.yaml",
        lesson("b-lesson-03", 3, steps=6, questions=3),
    )
    cur = load_curriculum(content_root)
    assert len(cur.lessons_in("shop", cur.lessons["b-lesson-03"].tier)) == 3
