"""The packages of `bot` import one another in one direction only: no two packages import each other
(content and faq, the application layer and the channels), counting imports inside functions too."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

BOT = Path(__file__).resolve().parents[1] / "bot"


def package_of(module: str) -> str:
    """`bot.content.loader` → `bot.content`; a top-level module (`bot.config`) is its own package."""
    parts = module.split(".")
    return ".".join(parts[:2])


def package_imports() -> dict[tuple[str, str], set[str]]:
    """(importing package, imported package) → the module-level lines that make the edge."""
    edges: dict[tuple[str, str], set[str]] = defaultdict(set)
    for path in BOT.rglob("*.py"):
        module = ".".join(path.relative_to(BOT.parent).with_suffix("").parts).removesuffix(".__init__")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                targets = [node.module]
            elif isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                continue
            for target in targets:
                if target.startswith("bot.") and package_of(target) != package_of(module):
                    edges[(package_of(module), package_of(target))].add(f"{module} -> {target}")
    return edges


def test_no_two_packages_import_each_other() -> None:
    edges = package_imports()
    assert ("bot.faq", "bot.content") in edges and ("bot.channels", "bot.app") in edges  # the check sees
    both_ways = {
        f"{a} <-> {b}: {sorted(edges[(a, b)])} / {sorted(edges[(b, a)])}"
        for a, b in edges
        if a < b and (b, a) in edges
    }
    assert both_ways == set()
