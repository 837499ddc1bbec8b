"""Where the shipped lessons, content and Alembic migrations are found.

In a checkout (and an editable install) they sit beside the package, at the project's top level,
where trainers edit them. A built wheel carries them inside the package, under `bot/shipped/`
(pyproject.toml's hatch `force-include`), so a plain `pip install farmskills` finds them too.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PACKAGED = PACKAGE_DIR / "shipped"


def shipped_root() -> Path:
    """The folder holding `lessons/`, `content/` and `migrations/` as this install ships them."""
    if (PACKAGED / "migrations").is_dir():
        return PACKAGED
    return PACKAGE_DIR.parent
