"""The `farmskills` commands trainers and operators use, run as real processes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from bot.content.loader import load_curriculum
from bot.content.models import Tier
from tests.cli_runner import farmskills
from tests.content_builder import REPO
from tests.databases import ON_POSTGRES, database_for, query


def test_validate_passes_on_the_shipped_content() -> None:
    result = farmskills("validate", "--lang", "en")
    assert result.returncode == 0, result.stderr
    assert "all valid" in result.stdout


def test_validate_exits_1_naming_the_file_and_field(content_root: Path) -> None:
    path = content_root / "lessons" / "shop" / "basic" / "01.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    del data["title"]["en"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = farmskills("validate", "--lang", "en", "--content", str(content_root))
    assert result.returncode == 1
    assert "lessons/shop/basic/01.yaml, line " in result.stderr and "title, English: missing" in result.stderr


def test_lessons_json_lists_every_cell_in_both_languages() -> None:
    result = farmskills("lessons", "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert len(rows) >= 27
    cells = {(r["track"], r["tier"]) for r in rows}
    assert cells == {(t, tier.value) for t in ("ecommerce", "livestream", "machinery") for tier in Tier}
    for row in rows:
        assert row["title"]["zh"] and row["title"]["en"]
        assert 3 <= row["steps"] <= 6 and 1 <= row["questions"] <= 3
        assert {"id", "order", "track", "tier"} <= set(row)


def test_lessons_table_is_readable(content_root: Path) -> None:
    result = farmskills("lessons", "--content", str(content_root))
    assert result.returncode == 0
    assert "b-lesson-01" in result.stdout and "intermediate" in result.stdout


def test_preview_prints_the_lesson_as_a_learner_sees_it(content_root: Path) -> None:
    result = farmskills("preview", "b-lesson-01", "--lang", "en", "--content", str(content_root))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "📘 Lesson b-lesson-01 (1/3)" in out and "[1] ▶️ Next" in out
    assert "right answer: 1 (Right)" in out and "List one product." in out
    assert "after 7 days the bot asks: How many orders?" in out


def test_preview_of_an_unknown_lesson_says_how_to_find_ids(content_root: Path) -> None:
    result = farmskills("preview", "nope", "--content", str(content_root))
    assert result.returncode == 1 and "farmskills lessons" in result.stderr


def test_db_upgrade_creates_the_schema(tmp_path: Path) -> None:
    url = database_for(tmp_path / "cli.db")
    result = farmskills("db", "upgrade", "--db", url)
    assert result.returncode == 0, result.stderr
    assert "is at revision" in result.stdout
    assert farmskills("db", "current", "--db", url).stdout.strip() != ""


def lesson_inputs(lang: str) -> tuple[list[str], str]:
    """The keys a learner presses to finish the first basic e-commerce lesson, from the real content."""
    cur = load_curriculum(REPO)
    first = cur.lessons_in("ecommerce", Tier.basic)[0]
    keys = [
        "1",
        "Li" if lang == "en" else "老李",
        "2",
        str(cur.track_ids.index("ecommerce") + 1),
        "1",
        "1",
    ]
    keys += ["1"] * len(first.steps)
    keys += [str(q.answer) for q in first.questions]
    return keys, first.id


@pytest.mark.parametrize(
    ("lang", "finished", "task"),
    [("zh", "学完了", "实践任务"), ("en", "You finished", "Your task for this week")],
)
def test_a_piped_chat_session_completes_a_basic_ecommerce_lesson(
    tmp_path: Path, lang: str, finished: str, task: str
) -> None:
    keys, lesson_id = lesson_inputs(lang)
    db = tmp_path / "chat.db"
    result = farmskills(
        "chat",
        "--lang",
        lang,
        "--user",
        "7",
        "--db",
        database_for(db),
        stdin="\n".join(keys) + "\n",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert finished in result.stdout and task in result.stdout
    done = query(database_for(db), "SELECT lesson_id FROM lesson_progress WHERE status = 'completed'")
    assert [tuple(r) for r in done] == [(lesson_id,)]


def test_chat_uses_database_url_and_resumes_the_next_time(tmp_path: Path) -> None:
    env = {"DATABASE_URL": database_for(tmp_path / "env.db")}
    farmskills("chat", stdin="1\n老李\n2\n1\n1\n1\n1\n", cwd=tmp_path, env=env)
    again = farmskills("chat", stdin="", cwd=tmp_path, env=env)
    assert "（3/" in again.stdout or "（2/" in again.stdout
    assert ON_POSTGRES or (tmp_path / "env.db").exists()


def test_chat_refuses_to_start_on_broken_content(content_root: Path, tmp_path: Path) -> None:
    (content_root / "lessons" / "shop" / "basic" / "01.yaml").write_text("id: [", encoding="utf-8")
    result = farmskills("chat", "--content", str(content_root), stdin="", cwd=tmp_path)
    assert result.returncode == 1
    assert "lessons/shop/basic/01.yaml" in result.stderr
