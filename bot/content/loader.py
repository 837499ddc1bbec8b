"""Loading content from files: lessons, tracks, glossary, snippets, UI text and the FAQ bank, all checked.

`load_curriculum(root)` reads `root/lessons` and `root/content` and either returns a complete
`Curriculum` or raises `ContentError` listing every problem with its file and field.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from bot.content.models import LANGS, Lesson, Term, Tier, Track
from bot.content.problems import ContentError, Problem
from bot.content.render import TemplateRenderer
from bot.content.yaml_text import parse_yaml
from bot.faq.bank import FaqBank, read_bank

_UNREADABLE = object()
MAX_IMAGE_BYTES = 150 * 1024
DEFAULT_ROOT = Path(__file__).resolve().parents[2]


def default_content_root() -> Path:
    """The shipped content, or the folder named by FARMSKILLS_CONTENT."""
    return Path(os.environ.get("FARMSKILLS_CONTENT", DEFAULT_ROOT)).resolve()


@dataclass
class Curriculum:
    """All the content the bot teaches with, indexed the ways the engine asks for it."""

    root: Path
    tracks: dict[str, Track]
    lessons: dict[str, Lesson]
    glossary: dict[str, Term]
    ui: dict[str, dict[str, str]]
    renderer: TemplateRenderer
    faq: FaqBank = field(default_factory=lambda: FaqBank(()))
    by_cell: dict[tuple[str, Tier], list[Lesson]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        cells: dict[tuple[str, Tier], list[Lesson]] = {}
        for lesson in self.lessons.values():
            cells.setdefault((lesson.track, lesson.tier), []).append(lesson)
        self.by_cell = {key: sorted(v, key=lambda ls: (ls.order, ls.id)) for key, v in cells.items()}

    @property
    def track_ids(self) -> list[str]:
        return [t.track for t in sorted(self.tracks.values(), key=lambda t: (t.order, t.track))]

    def lessons_in(self, track: str, tier: Tier) -> list[Lesson]:
        return self.by_cell.get((track, tier), [])

    def ordered_lessons(self) -> list[Lesson]:
        return [ls for t in self.track_ids for tier in Tier for ls in self.lessons_in(t, tier)]

    def next_lesson(self, lesson: Lesson) -> Lesson | None:
        cell = self.lessons_in(lesson.track, lesson.tier)
        index = cell.index(lesson)
        return cell[index + 1] if index + 1 < len(cell) else None

    def faq_settings_path(self) -> Path:
        return self.root / "content" / "faq" / "_matcher.yaml"

    def media_path(self, relative: str) -> Path:
        return self.root / "content" / "media" / relative


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def _field_name(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _read_yaml(path: Path, root: Path, problems: list[Problem]) -> Any:
    try:
        return parse_yaml(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else ""
        problems.append(Problem(_rel(path, root), where, f"not valid YAML: {exc}"))
        return _UNREADABLE
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(_rel(path, root), "", f"cannot be read: {exc}"))
    return _UNREADABLE


M = TypeVar("M", bound=BaseModel)


def _parse(model: type[M], data: Any, path: Path, root: Path, problems: list[Problem]) -> M | None:
    if data is _UNREADABLE:
        return None  # already reported by _read_yaml
    if not isinstance(data, dict):
        problems.append(Problem(_rel(path, root), "", "should be a YAML mapping of fields"))
        return None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            problems.append(Problem(_rel(path, root), _field_name(err["loc"]), err["msg"]))
        return None


def _load_glossary(root: Path, problems: list[Problem]) -> dict[str, Term]:
    glossary: dict[str, Term] = {}
    defined_in: dict[str, str] = {}
    for path in sorted((root / "content" / "glossary").glob("*.yaml")):
        data = _read_yaml(path, root, problems)
        if data is None:
            continue
        if not isinstance(data, dict):
            problems.append(Problem(_rel(path, root), "", "should map each term to its explanation"))
            continue
        for key, value in data.items():
            rel = _rel(path, root)
            term = _parse(Term, value, path, root, problems)
            if term is None:
                continue
            if str(key) in glossary:
                msg = f"already defined in {defined_in[str(key)]}"
                problems.append(Problem(rel, str(key), msg))
                continue
            glossary[str(key)] = term
            defined_in[str(key)] = rel
    return glossary


def _load_ui(root: Path, problems: list[Problem]) -> dict[str, dict[str, str]]:
    ui: dict[str, dict[str, str]] = {}
    for lang in LANGS:
        path = root / "content" / "ui" / f"{lang}.yaml"
        if not path.exists():
            problems.append(Problem(_rel(path, root), "", "missing UI text file"))
            continue
        data = _read_yaml(path, root, problems)
        if isinstance(data, dict):
            ui[lang] = {str(k): str(v).strip() for k, v in data.items()}
    if len(ui) == len(LANGS):
        all_keys = set().union(*(set(v) for v in ui.values()))
        for lang, texts in ui.items():
            for key in sorted(all_keys - set(texts)):
                rel = f"content/ui/{lang}.yaml"
                problems.append(Problem(rel, key, "missing translation"))
    return ui


def _load_tracks(root: Path, problems: list[Problem]) -> dict[str, Track]:
    tracks: dict[str, Track] = {}
    for path in sorted((root / "lessons").glob("*/track.yaml")):
        track = _parse(Track, _read_yaml(path, root, problems), path, root, problems)
        if track is None:
            continue
        if track.track != path.parent.name:
            msg = f'is "{track.track}" but the folder is "{path.parent.name}"'
            problems.append(Problem(_rel(path, root), "track", msg))
            continue
        tracks[track.track] = track.model_copy(update={"source": _rel(path, root)})
    return tracks


def _load_lessons(root: Path, tracks: dict[str, Track], problems: list[Problem]) -> dict[str, Lesson]:
    lessons: dict[str, Lesson] = {}
    tier_names = {t.value for t in Tier}
    for path in sorted((root / "lessons").glob("*/*/*.yaml")):
        rel = _rel(path, root)
        track_dir, tier_dir = path.parent.parent.name, path.parent.name
        if tier_dir not in tier_names:
            msg = f'folder "{tier_dir}" is not a tier ({", ".join(sorted(tier_names))})'
            problems.append(Problem(rel, "", msg))
            continue
        if not (path.parent.parent / "track.yaml").is_file():
            problems.append(Problem(rel, "", f'track "{track_dir}" has no track.yaml'))
        lesson = _parse(Lesson, _read_yaml(path, root, problems), path, root, problems)
        if lesson is None:
            continue
        if lesson.id in lessons:
            problems.append(Problem(rel, "id", f'"{lesson.id}" is also used by {lessons[lesson.id].source}'))
            continue
        lessons[lesson.id] = lesson.model_copy(
            update={"track": track_dir, "tier": Tier(tier_dir), "source": rel}
        )
    return lessons


def _check_templates(curriculum: Curriculum, problems: list[Problem]) -> None:
    """Render every lesson in every language, so template mistakes surface at load."""
    for lesson in curriculum.lessons.values():
        for lang in LANGS:
            try:
                curriculum.renderer.render_lesson(lesson, lang, "张三" if lang == "zh" else "Sam")
            except Exception as exc:  # any template failure is a content problem, not a crash
                field = getattr(exc, "field", "")
                message = getattr(exc, "message", str(exc))
                problems.append(Problem(lesson.source, field, message))
        for i, step in enumerate(lesson.steps):
            media = [("image", step.image)] + [
                (f"voice.{lang}", step.voice.get(lang) if step.voice else None) for lang in LANGS
            ]
            for attr, value in media:
                if not value:
                    continue
                path = curriculum.media_path(value)
                where = f"steps[{i + 1}].{attr}"
                if not path.is_file():
                    problems.append(Problem(lesson.source, where, f"file content/media/{value} not found"))
                elif attr == "image" and path.stat().st_size > MAX_IMAGE_BYTES:
                    size = path.stat().st_size // 1024
                    limit = MAX_IMAGE_BYTES // 1024
                    msg = f"image is {size} KB; keep images under {limit} KB for weak signal"
                    problems.append(Problem(lesson.source, where, msg))


def load_curriculum(root: Path | None = None, render_check: bool = True) -> Curriculum:
    """Load and check all content under `root`; raise ContentError naming every problem.

    `render_check=False` skips rendering every template once (most of the load time), for tools
    that read titles and counts but never show a lesson, such as the reports."""
    root = (root or default_content_root()).resolve()
    problems: list[Problem] = []
    if not (root / "lessons").is_dir():
        raise ContentError([Problem(str(root), "", "no lessons/ folder here")])
    glossary = _load_glossary(root, problems)
    ui = _load_ui(root, problems)
    tracks = _load_tracks(root, problems)
    lessons = _load_lessons(root, tracks, problems)
    renderer = TemplateRenderer(root / "content" / "snippets", glossary)
    faq_dir = root / "content" / "faq"
    # A lesson that failed to load would make every FAQ link to it look wrong: check links only
    # when all lessons loaded.
    lesson_ids = None if any(p.file.startswith("lessons") for p in problems) else set(lessons)
    faq = read_bank(faq_dir, lesson_ids, root, problems) if faq_dir.is_dir() else FaqBank(())
    curriculum = Curriculum(root, tracks, lessons, glossary, ui, renderer, faq)
    if render_check:
        _check_templates(curriculum, problems)
    for track in tracks.values():
        for tier in Tier:
            if not curriculum.lessons_in(track.track, tier):
                problems.append(Problem(track.source, "", f"no lessons in tier {tier.value}"))
    if problems:
        raise ContentError(problems)
    return curriculum
