"""Builds small, complete content sets for tests: one track, every tier, short lessons.

Tests describe the content they need in a few lines instead of depending on the shipped lessons,
which trainers are free to change.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]


def text(zh: str, en: str) -> dict[str, str]:
    return {"zh": zh, "en": en}


def lesson(lesson_id: str, order: int, steps: int = 3, questions: int = 1, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": lesson_id,
        "order": order,
        "minutes": 3,
        "title": text(f"第{order}课{lesson_id[-2:]}", f"Lesson {lesson_id}"),
        "steps": [
            text(
                f"{lesson_id} 第{i + 1}步。{{{{ term('SKU') }}}}",
                f"{lesson_id} step {i + 1}. {{{{ term('SKU') }}}}",
            )
            for i in range(steps)
        ],
        "questions": [
            {
                "ask": text(f"{lesson_id} 问题{q + 1}？", f"{lesson_id} question {q + 1}?"),
                "options": [text("对", "Right"), text("错", "Wrong"), text("不知道", "Not sure")],
                "answer": 1,
                "explain": text("因为第一个是对的。", "Because the first one is right."),
            }
            for q in range(questions)
        ],
        "practice": {
            "task": text("上架一件商品。", "List one product."),
            "evidence": "photo",
            "follow_up": {
                "after_days": 7,
                "question": text("收到几个订单？", "How many orders?"),
                "unit": "orders",
            },
        },
    }
    data.update(extra)
    return data


def track(name: str = "shop", order: int = 1) -> dict[str, Any]:
    def pq(tier: str) -> dict[str, Any]:
        return {
            "tier": tier,
            "ask": text(f"{tier} 测试？", f"{tier} test?"),
            "options": [text("甲", "A"), text("乙", "B")],
            "answer": 2,
        }

    return {
        "track": name,
        "order": order,
        "icon": "🛒",
        "title": text("网上卖货", "Selling online"),
        "placement": [pq("basic"), pq("basic"), pq("intermediate")],
    }


def write_yaml(path: Path, data: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def build_content(root: Path, lessons_per_tier: int = 2, track_name: str = "shop") -> Path:
    """A content root with one track, `lessons_per_tier` lessons in each tier, and the real UI text."""
    shutil.copytree(REPO / "content" / "ui", root / "content" / "ui")
    write_yaml(
        root / "content" / "glossary" / "test.yaml",
        {"SKU": text("商品的一种规格", "one version of a product")},
    )
    (root / "content" / "snippets").mkdir(parents=True)
    write_yaml(root / "lessons" / track_name / "track.yaml", track(track_name))
    for tier in ("basic", "intermediate", "advanced"):
        for n in range(1, lessons_per_tier + 1):
            lesson_id = f"{tier[0]}-lesson-{n:02d}"
            write_yaml(root / "lessons" / track_name / tier / f"{n:02d}.yaml", lesson(lesson_id, n))
    return root
