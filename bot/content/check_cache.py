"""Content found clean once is not checked, nor even read, again: what `farmskills run` loads at start.

Rendering every lesson's templates in both languages and comparing the two (the agreement check)
is most of a start-up's content loading, and reading and checking the files' structure is most of
the rest (about 0.2 s for the shipped content). Both depend only on the content's files and the
code that reads them, so a clean result is remembered under a fingerprint of both (and of the
folder it was read from) in the user's cache folder: the loaded content itself, pickled, read back
in about a hundredth of the time. Any change to a lesson, a content file or the reading code gives
another fingerprint and the full check again; content with an error is never remembered, so it is
checked, and refused, every time. A remembered file that cannot be read back (cut short, written by
another version) is ignored: the files are read and checked in full, and it is written again.
Only this user's cache folder is read, as trusted as the code itself; templates are rendered as
learners reach them, as they always are.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import pickle
import sys
from pathlib import Path

import pydantic

from bot.content.loader import Curriculum, default_content_root, load_curriculum

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


def _jinja_version() -> str:
    """Jinja's version without importing it (about 30 ms a start): its package's first file names it."""
    spec = importlib.util.find_spec("jinja2")
    origin = spec.origin if spec is not None else None
    return hashlib.sha256(Path(origin).read_bytes()).hexdigest() if origin else "none"


def fingerprint(root: Path) -> str:
    """Every content file (name and bytes), the checking code, and the versions of what renders."""
    digest = hashlib.sha256()
    versions = f"{sys.version}|{_jinja_version()}|{pydantic.VERSION}"
    digest.update(versions.encode())
    for base, files in (
        (root, _files(root / "lessons") + _files(root / "content")),
        (CODE.parent, sorted(CODE.glob("*.py")) + [p for p in SHARED_CODE if p.is_file()]),
    ):
        for path in files:
            digest.update(b"\0" + path.relative_to(base).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()[:40]


def _folder_key(root: Path) -> str:
    """The content folder's own key: the same files elsewhere are another content (paths inside)."""
    return hashlib.sha256(str(root).encode()).hexdigest()[:8]


def _read_back(remembered: Path, root: Path) -> Curriculum | None:
    try:
        curriculum = pickle.loads(remembered.read_bytes())
    except Exception as exc:  # cut short, or classes changed in a way the fingerprint missed
        log.info("remembered content %s could not be read back (%s): checking it all", remembered, exc)
        return None
    return curriculum if isinstance(curriculum, Curriculum) and curriculum.root == root else None


def _remember(curriculum: Curriculum, remembered: Path) -> None:
    """Written beside and renamed, so a worker starting meanwhile reads all of it or nothing; this
    folder's older versions go (each is a few hundred kB)."""
    folder = remembered.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        partial = folder / f".{remembered.name}.{os.getpid()}"
        partial.write_bytes(pickle.dumps(curriculum, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(partial, remembered)
        for older in folder.glob(f"content-{_folder_key(curriculum.root)}-*.clean"):
            if older != remembered:
                older.unlink(missing_ok=True)
    except (OSError, pickle.PicklingError) as exc:  # a read-only home: check in full next time too
        log.info("could not remember the content check in %s: %s", folder, exc)


def load_checked(root: Path | None = None, cache: Path | None = None) -> Curriculum:
    """`load_curriculum(root)`, read back whole when this very content was found clean before.
    Raises ContentError naming every error, as `load_curriculum` does."""
    root = (root or default_content_root()).resolve()
    cache = cache or cache_dir()
    try:
        remembered = cache / f"content-{_folder_key(root)}-{fingerprint(root)}.clean"
    except OSError as exc:  # a file vanished while read: check it all
        log.info("content fingerprint failed (%s): checking it all", exc)
        return load_curriculum(root)
    if remembered.is_file():
        curriculum = _read_back(remembered, root)
        if curriculum is not None:
            return curriculum
    curriculum = load_curriculum(root)
    _remember(curriculum, remembered)
    return curriculum
