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
            "options": [text("甲", "A"), text("乙", "B"), text("丙", "C")],
            "answer": 2,
        }

    return {
        "track": name,
        "order": order,
        "icon": "🛒",
        "title": text("网上卖货", "Selling online"),
        "placement": [pq(tier) for tier in ("basic", "intermediate", "advanced") for _ in range(3)],
    }


def write_yaml(path: Path, data: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def faq_entry(
    entry_id: str, answer: tuple[str, str], zh: list[str], en: list[str], **extra: Any
) -> dict[str, Any]:
    return {"id": entry_id, "answer": text(*answer), "questions": {"zh": zh, "en": en}, **extra}


SMALL_FAQ = [
    faq_entry(
        "shop-deposit",
        ("开店押金按平台规则可以退。", "A shop deposit can be refunded under the app's rules."),
        ["开店要交押金吗", "保证金交多少", "开网店要不要钱"],
        ["do i pay a shop deposit", "how much is the deposit"],
        keywords={"zh": ["押金", "保证金", "保正金"], "en": ["deposit"]},
        lesson="b-lesson-01",
    ),
    faq_entry(
        "drone-wind",
        ("三级风以上别飞无人机。", "Don't fly a drone in level-3 wind or stronger."),
        ["风大能飞无人机吗", "无人机多大风不能飞", "刮风能打药吗"],
        ["can i fly the drone in wind", "too windy for drone"],
        keywords={"zh": ["无人机", "刮风", "风大"], "en": ["wind", "windy"]},
    ),
    faq_entry(
        "drone-battery",
        ("电池鼓包就别再用了。", "Never use a swollen drone battery."),
        ["无人机电池鼓包了", "电池鼓起来还能用吗", "无人机电池坏了"],
        ["drone battery swollen", "battery is puffy"],
        keywords={"zh": ["电池", "鼓包"], "en": ["battery", "swollen"]},
    ),
    faq_entry(
        "drone-charge",
        ("电池飞完先凉一凉再充电。", "Let the battery cool before charging."),
        ["无人机电池怎么充电", "电池飞完能马上充吗", "无人机电池充电多久"],
        ["how to charge drone battery", "charge battery after flight"],
        keywords={"zh": ["充电", "电池"], "en": ["charge", "charging"]},
    ),
]


def build_content(root: Path, lessons_per_tier: int = 2, track_name: str = "shop") -> Path:
    """A content root with one track, `lessons_per_tier` lessons in each tier, a four-entry FAQ bank
    and the real UI text."""
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
    write_yaml(root / "content" / "faq" / "small.yaml", SMALL_FAQ)
    return root
