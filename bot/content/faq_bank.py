"""The FAQ bank trainers edit: entries with answers, sample phrasings and keywords, per language.

Loading checks every field and names the file and field of each problem, as lessons do. The bank
is plain data; `FaqMatcher` builds its index from it.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from bot.content.faq_spoken import SpokenTable
from bot.content.limits import has_han, label_problem, message_problem
from bot.content.models import LANGS, Text
from bot.content.problems import ContentError, Problem
from bot.content.yaml_text import parse_yaml

SPOKEN_FILE = "_normalise.yaml"  # the spoken-language table beside the entries

EntryId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{1,39}$")]
Phrase = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]


class _Strict(BaseModel):
    # defer_build: a start that reads checked content back (bot.content.check_cache) never
    # validates, so the validators are built on the first validation, not at import.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Phrasings(_Strict):
    """Ways a farmer asks this, per language; the matcher compares questions against them."""

    zh: list[Phrase] = Field(min_length=3)
    en: list[Phrase] = Field(min_length=2)

    def get(self, lang: str) -> list[str]:
        return list(getattr(self, lang))


class Keywords(_Strict):
    """Domain words, synonyms, typos and pinyin that point at this entry."""

    zh: list[Phrase] = Field(default_factory=list)
    en: list[Phrase] = Field(default_factory=list)

    def get(self, lang: str) -> list[str]:
        return list(getattr(self, lang))


class FaqEntry(_Strict):
    id: EntryId
    # A short name for the entry, written for farmers (≤ 6 Chinese characters / 16 letters, so it
    # fits a button): what "Did you mean…?" shows. Optional: without it a keyword or phrasing is used.
    heading: Text | None = Field(default=None, alias="title")  # `title:` in the YAML file
    lesson: str | None = None
    answer: Text
    questions: Phrasings
    keywords: Keywords = Field(default_factory=Keywords)

    # Filled by the loader, not written by trainers.
    source: str = ""

    def title(self, lang: str) -> str:
        """A name for the entry in a "Did you mean…?" list: its title, else its first phrasing as a
        question (capitalised, with a question mark, so it reads as written rather than as typed)."""
        if self.heading is not None:
            return self.heading.get(lang)
        phrasing = self.questions.get(lang)[0].strip()
        if lang != "zh":
            phrasing = phrasing[:1].upper() + phrasing[1:]
        return phrasing if phrasing[-1:] in "?？。.!！" else phrasing + ("？" if lang == "zh" else "?")

    def short_label(self, lang: str) -> str:
        """A few words for a button: the title when it fits, else the first keyword that fits
        (保证金, deposit), else the title cut."""
        if self.heading is not None and label_problem(f"🔹 {self.heading.get(lang)}") is None:
            return self.heading.get(lang)
        for keyword in self.keywords.get(lang):
            if label_problem(f"🔹 {keyword}") is None and (lang != "zh" or has_han(keyword)):
                return keyword
        title = self.title(lang)
        return title[:5] + "…" if lang == "zh" else title[:14].rstrip() + "…"


class FaqBank:
    """The loaded entries, in file order, a lookup by id, and the spoken-language table."""

    def __init__(self, entries: Iterable[FaqEntry], spoken: SpokenTable | None = None) -> None:
        self.entries = tuple(entries)
        self.by_id = {e.id: e for e in self.entries}
        self.spoken = spoken or SpokenTable()

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, entry_id: str) -> FaqEntry | None:
        return self.by_id.get(entry_id)


def _field(loc: Iterable[Any], index: int) -> str:
    out = f"[{index + 1}]"
    for part in loc:
        out += f"[{part + 1}]" if isinstance(part, int) else f".{part}"
    return out


def parse_faq_file(path: Path, shown_as: str, problems: list[Problem]) -> list[FaqEntry]:
    """Entries from one YAML file; every problem is appended with the file and field named."""
    try:
        data = parse_yaml(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else ""
        problems.append(Problem(shown_as, where, f"not valid YAML: {exc}"))
        return []
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(shown_as, "", f"cannot be read: {exc}"))
        return []
    if data is None:
        return []
    if not isinstance(data, list):
        problems.append(Problem(shown_as, "", "should be a YAML list of FAQ entries"))
        return []
    entries: list[FaqEntry] = []
    for index, item in enumerate(data):
        if not isinstance(item, dict):
            problems.append(Problem(shown_as, f"[{index + 1}]", "should be a mapping with id, answer, ..."))
            continue
        try:
            entries.append(FaqEntry.model_validate({**item, "source": shown_as}))
        except ValidationError as exc:
            name = item.get("id", "")
            for err in exc.errors():
                field = _field(err["loc"], index) + (f" ({name})" if name else "")
                problems.append(Problem(shown_as, field, err["msg"]))
    return entries


def check_entries(entries: list[FaqEntry], lesson_ids: set[str] | None) -> list[Problem]:
    """Problems across the bank: repeated ids or phrasings, unknown lessons, answers too long."""
    problems: list[Problem] = []
    seen_ids: dict[str, str] = {}
    seen_phrases: dict[tuple[str, str], str] = {}
    for entry in entries:
        if entry.id in seen_ids:
            problems.append(Problem(entry.source, f"{entry.id}.id", f"already used in {seen_ids[entry.id]}"))
        seen_ids[entry.id] = entry.source
        if lesson_ids is not None and entry.lesson and entry.lesson not in lesson_ids:
            problems.append(
                Problem(entry.source, f"{entry.id}.lesson", f"no lesson with id {entry.lesson!r}")
            )
        for lang in LANGS:
            issue = message_problem(entry.answer.get(lang), lang)
            if issue:
                problems.append(Problem(entry.source, f"{entry.id}.answer.{lang}", issue))
            for phrase in entry.questions.get(lang):
                key = (lang, "".join(phrase.casefold().split()))
                other = seen_phrases.get(key)
                if other and other != entry.id:
                    problems.append(
                        Problem(
                            entry.source, f"{entry.id}.questions.{lang}", f"{phrase!r} is also in {other}"
                        )
                    )
                seen_phrases[key] = entry.id
    return problems


def bank_files(location: Path) -> list[Path]:
    """The YAML files of a bank; files starting with "_" hold settings, not entries."""
    if location.is_dir():
        return [p for p in sorted(location.glob("*.yaml")) if not p.name.startswith("_")]
    return [location]


def read_bank(
    location: Path, lesson_ids: set[str] | None, root: Path | None, problems: list[Problem]
) -> FaqBank:
    """Read every entry under `location`, appending each problem (file named relative to `root`)."""

    def shown(path: Path) -> str:
        return str(path.relative_to(root)) if root and path.is_relative_to(root) else str(path)

    entries: list[FaqEntry] = []
    for path in bank_files(location):
        entries.extend(parse_faq_file(path, shown(path), problems))
    problems.extend(check_entries(entries, lesson_ids))
    table = (location if location.is_dir() else location.parent) / SPOKEN_FILE
    return FaqBank(entries, SpokenTable.read(table, shown(table), problems))


def load_faq_bank(location: Path, lesson_ids: set[str] | None = None) -> FaqBank:
    """Load a bank from a folder of YAML files or one file; raise ContentError naming every problem."""
    if not location.exists():
        raise ContentError([Problem(str(location), "", "no such FAQ file or folder")])
    problems: list[Problem] = []
    bank = read_bank(location, lesson_ids, None, problems)
    if problems:
        raise ContentError(problems)
    return bank
