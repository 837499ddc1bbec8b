"""Loading content from files: lessons, tracks, glossary, snippets, UI text and the FAQ bank, all checked.

`check_content(root)` reads `root/lessons` and `root/content` and returns a `Loaded`: the complete
`Curriculum` when nothing is wrong (else None) and every problem found, errors and warnings, with
file, line and field. It keeps no state between calls, so a running bot can call it again to
reload and keep serving the old content when the new one has errors. `load_curriculum(root)` is
the same for callers that want an exception instead.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from bot.content.explain import from_pydantic, make
from bot.content.faq_bank import FaqBank, read_bank
from bot.content.models import LANGS, Lesson, Term, Tier, Track
from bot.content.problems import ContentError, Problem
from bot.content.render import TemplateRenderer
from bot.content.yaml_errors import from_yaml_error
from bot.content.yaml_text import Places, Spot, parse_with_places
from bot.shipped import shipped_root

_UNREADABLE = object()
DEFAULT_ROOT = shipped_root()


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
    warnings: list[Problem] = field(default_factory=list)

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


@dataclass
class Reader:
    """Reads content files under one root, collecting problems and where each value was written."""

    root: Path
    problems: list[Problem] = field(default_factory=list)
    places: dict[str, Places] = field(default_factory=dict)
    term_files: dict[str, str] = field(default_factory=dict)  # glossary key → the file defining it

    def rel(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    def read(self, path: Path) -> Any:
        rel = self.rel(path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            said = (
                f"文件读不出来，请用 UTF-8 编码保存（{exc}）。",
                f"cannot be read: save it as UTF-8 ({exc}).",
            )
            self.problems.append(make(rel, "", said))
            return _UNREADABLE
        try:
            data, self.places[rel] = parse_with_places(text)
        except yaml.YAMLError as exc:
            self.problems.append(from_yaml_error(exc, rel, text))
            return _UNREADABLE
        return data

    def parse(self, model: type[M], data: Any, path: Path, prefix: tuple[Any, ...] = ()) -> M | None:
        if data is _UNREADABLE:
            return None  # already reported by read()
        rel = self.rel(path)
        if not isinstance(data, dict):
            said = (
                "内容应该是几行“名称: 内容”，请对照 lessons/README.md 的示例。",
                'should hold fields like "id: ...", as in the example in lessons/README.md.',
            )
            self.problems.append(make(rel, ".".join(map(str, prefix)), said))
            return None
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            places = self.places.get(rel)
            for err in exc.errors():
                spot = places.find([*prefix, *err["loc"]]) if places else None
                self.problems.append(from_pydantic(dict(err), rel, spot, prefix))
            return None

    def find(self, rel: str, loc: list[Any]) -> Spot | None:
        places = self.places.get(rel)
        return places.find(loc) if places else None


M = TypeVar("M", bound=BaseModel)


def _load_glossary(reader: Reader) -> dict[str, Term]:
    glossary: dict[str, Term] = {}
    for path in sorted((reader.root / "content" / "glossary").glob("*.yaml")):
        data = reader.read(path)
        if data is None or data is _UNREADABLE:
            continue
        rel = reader.rel(path)
        if not isinstance(data, dict):
            said = ("术语表应该是“术语: 解释”这样一行行写。", "should map each term to its explanation.")
            reader.problems.append(make(rel, "", said))
            continue
        for key, value in data.items():
            term = reader.parse(Term, value, path, (str(key),))
            if term is None:
                continue
            if str(key) in glossary:
                said = (
                    f"这个术语在 {reader.term_files[str(key)]} 里已经有了。",
                    f"already defined in {reader.term_files[str(key)]}",
                )
                reader.problems.append(make(rel, str(key), said, reader.find(rel, [str(key)])))
                continue
            glossary[str(key)] = term
            reader.term_files[str(key)] = rel
    return glossary


def _load_ui(reader: Reader) -> dict[str, dict[str, str]]:
    ui: dict[str, dict[str, str]] = {}
    for lang in LANGS:
        path = reader.root / "content" / "ui" / f"{lang}.yaml"
        if not path.exists():
            reader.problems.append(make(reader.rel(path), "", ("缺少界面文字文件。", "missing UI text file")))
            continue
        data = reader.read(path)
        if isinstance(data, dict):
            ui[lang] = {str(k): str(v).strip() for k, v in data.items()}
    if len(ui) == len(LANGS):
        all_keys = set().union(*(set(v) for v in ui.values()))
        for lang, texts in ui.items():
            for key in sorted(all_keys - set(texts)):
                said = ("另一种语言有这一项，这里缺少翻译。", "missing translation")
                reader.problems.append(make(f"content/ui/{lang}.yaml", key, said))
    return ui


def _load_tracks(reader: Reader) -> dict[str, Track]:
    tracks: dict[str, Track] = {}
    for path in sorted((reader.root / "lessons").glob("*/track.yaml")):
        track = reader.parse(Track, reader.read(path), path)
        if track is None:
            continue
        rel = reader.rel(path)
        if track.track != path.parent.name:
            said = (
                f"写的是“{track.track}”，但文件夹叫“{path.parent.name}”，两者要一样。",
                f'is "{track.track}" but the folder is "{path.parent.name}"',
            )
            reader.problems.append(make(rel, "track", said, reader.find(rel, ["track"])))
            continue
        tracks[track.track] = track.model_copy(update={"source": rel})
    return tracks


def _load_lessons(reader: Reader) -> dict[str, Lesson]:
    lessons: dict[str, Lesson] = {}
    tier_names = {t.value for t in Tier}
    for path in sorted((reader.root / "lessons").glob("*/*/*.yaml")):
        rel = reader.rel(path)
        track_dir, tier_dir = path.parent.parent.name, path.parent.name
        if tier_dir not in tier_names:
            names = ", ".join(sorted(tier_names))
            said = (
                f"文件夹“{tier_dir}”不是级别，只能是 {names}。学员看不到这节课。",
                f'folder "{tier_dir}" is not a tier ({names}): learners would never see this lesson.',
            )
            reader.problems.append(make(rel, "", said))
            continue
        if not (path.parent.parent / "track.yaml").is_file():
            said = (
                f"方向“{track_dir}”没有 track.yaml，学员看不到这节课。",
                f'track "{track_dir}" has no track.yaml: learners would never see this lesson.',
            )
            reader.problems.append(make(rel, "", said))
        lesson = reader.parse(Lesson, reader.read(path), path)
        if lesson is None:
            continue
        if lesson.id in lessons:
            other = lessons[lesson.id].source
            said = (
                f"编号“{lesson.id}”已经被 {other} 用了，每节课的编号要不一样。",
                f'"{lesson.id}" is also used by {other}',
            )
            reader.problems.append(make(rel, "id", said, reader.find(rel, ["id"])))
            continue
        lessons[lesson.id] = lesson.model_copy(
            update={"track": track_dir, "tier": Tier(tier_dir), "source": rel}
        )
    return lessons


@dataclass
class Loaded:
    """What reading the content gave: the curriculum if it has no errors, and every problem.

    `partial` is whatever did load, for tools such as the preview that can show one good lesson
    while another is broken; it must never be served to learners."""

    content: Curriculum | None
    problems: list[Problem]
    partial: Curriculum
    places: dict[str, Places] = field(default_factory=dict)  # where each file's values were written

    def find(self, file: str, loc: list[Any]) -> Spot | None:
        places = self.places.get(file)
        return places.find(loc) if places else None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]


def check_content(
    root: Path | None = None, render_check: bool = True, only: set[str] | None = None
) -> Loaded:
    """Load and check all content under `root`; never raises for a content mistake.

    `render_check=False` skips the template checks (most of the load time), for tools that read
    titles and counts but never show a lesson, such as the reports. `only` (paths relative to the
    root) limits the template and media checks to those files, for `farmskills validate FILE`."""
    root = (root or default_content_root()).resolve()
    reader = Reader(root)
    renderer = TemplateRenderer(root / "content" / "snippets", {})
    if not (root / "lessons").is_dir():
        said = (
            "这里没有 lessons/ 文件夹。请在内容根目录（有 lessons/ 和 content/ 的文件夹）里运行。",
            "no lessons/ folder here: run from the folder that holds lessons/ and content/.",
        )
        empty = Curriculum(root, {}, {}, {}, {}, renderer)
        return Loaded(None, [make(str(root), "", said)], empty)
    glossary = _load_glossary(reader)
    ui = _load_ui(reader)
    tracks = _load_tracks(reader)
    lessons = _load_lessons(reader)
    renderer = TemplateRenderer(root / "content" / "snippets", glossary)
    faq_dir = root / "content" / "faq"
    faq = read_bank(faq_dir, None, root, reader.problems) if faq_dir.is_dir() else FaqBank(())
    curriculum = Curriculum(root, tracks, lessons, glossary, ui, renderer, faq)
    # Here, not at the top: content remembered clean (`check_cache`) is read back without them.
    from bot.content.checks import check_references, check_stray_files

    check_stray_files(reader, curriculum)
    check_references(reader, curriculum, render_check, only)
    problems = sorted(set(reader.problems))
    curriculum.warnings = [p for p in problems if not p.is_error]
    ok = not any(p.is_error for p in problems)
    return Loaded(curriculum if ok else None, problems, curriculum, reader.places)


def load_curriculum(root: Path | None = None, render_check: bool = True) -> Curriculum:
    """Load and check all content under `root`; raise ContentError naming every error.

    Warnings (an unused picture, a stray file) do not stop loading: they are on `.warnings`."""
    loaded = check_content(root, render_check)
    if loaded.content is None:
        raise ContentError(loaded.errors)
    return loaded.content
