"""Content found clean once is not checked in full again: what `farmskills run` loads at start.

Rendering every lesson's templates in both languages and comparing the two (the agreement check)
is most of a start-up's content loading. Its result depends only on the content's files and the
code that checks them, so a clean result is remembered under a fingerprint of both, as an empty
marker file in the user's cache folder. Any change to a lesson, a content file or the checking
code gives another fingerprint and the full check again; content with an error is never
remembered, so it is checked, and refused, every time. With a marker, the content is still read
and its structure checked (`check_content(render_check=False)`), and templates are rendered as
learners reach them, as they always are.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sys
from pathlib import Path

import jinja2
import pydantic

from bot.content.loader import Curriculum, default_content_root, load_curriculum
from bot.content.problems import ContentError

log = logging.getLogger(__name__)

CODE = Path(__file__).resolve().parent  # bot/content: the checks, the models, the renderer
SHARED_CODE = (CODE.parent / "lru.py", CODE.parent / "shipped.py")


def cache_dir() -> Path:
    """$FARMSKILLS_CACHE, else the user's cache folder ($XDG_CACHE_HOME or ~/.cache) /farmskills."""
    named = os.environ.get("FARMSKILLS_CACHE")
    if named:
        return Path(named)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "farmskills"


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []


def fingerprint(root: Path) -> str:
    """Every content file (name and bytes), the checking code, and the versions of what renders."""
    digest = hashlib.sha256()
    versions = f"{sys.version}|{jinja2.__version__}|{pydantic.VERSION}"
    digest.update(versions.encode())
    for base, files in (
        (root, _files(root / "lessons") + _files(root / "content")),
        (CODE.parent, sorted(CODE.glob("*.py")) + [p for p in SHARED_CODE if p.is_file()]),
    ):
        for path in files:
            digest.update(b"\0" + path.relative_to(base).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()[:40]


def load_checked(root: Path | None = None, cache: Path | None = None) -> Curriculum:
    """`load_curriculum(root)`, without the slow checks when this very content was found clean
    before. Raises ContentError naming every error, as `load_curriculum` does."""
    root = (root or default_content_root()).resolve()
    cache = cache or cache_dir()
    try:
        marker = cache / f"content-{fingerprint(root)}.clean"
    except OSError as exc:  # a file vanished while read: check it all
        log.info("content fingerprint failed (%s): checking it all", exc)
        return load_curriculum(root)
    if marker.is_file():
        try:
            return load_curriculum(root, render_check=False)
        except ContentError:  # cannot happen for the same bytes; if it does, the full check says why
            pass
    curriculum = load_curriculum(root)
    try:
        cache.mkdir(parents=True, exist_ok=True)
        marker.touch()
    except OSError as exc:  # a read-only home: check in full next time too
        log.info("could not remember the content check in %s: %s", cache, exc)
    return curriculum
