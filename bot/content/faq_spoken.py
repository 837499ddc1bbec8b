"""The spoken-language table trainers maintain beside the FAQ bank, as written and checked.

`content/faq/_normalise.yaml` (read with the bank, checked by `farmskills validate`) holds, per
language:

- `fillers`: words voice typing leaves in (那个, 就是, 嗯; um, uh) — dropped;
- `replace`: dialect words, common slips and Latin shorthand → the standard word the bank uses
  (咋整 → 怎么办, 晓得 → 知道, pdd → 拼多多, live → 直播);
- `greetings`: openings and sign-offs that carry no question (王老师你好, 谢谢; hello teacher);
- `question_words`: what kind of thing a question asks (cost: 多少钱, 费用; time: 多久 …);
- `spelled_right`: real words the bank may not use (accept, neighbour): never "corrected" to the
  nearest word the bank knows (accept → accent), however close it is.

This module only reads and checks the table (it is content); `bot.faq.spoken` applies it to
questions and phrasings.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.content.models import LANGS
from bot.content.problems import Problem
from bot.content.yaml_text import parse_yaml

SECTIONS = ("fillers", "replace", "greetings", "question_words", "spelled_right")


@dataclass(frozen=True)
class SpokenLang:
    """One language's table as written, checked for shape only (no jieba/OpenCC at load time)."""

    fillers: tuple[str, ...] = ()
    replace: tuple[tuple[str, str], ...] = ()
    greetings: tuple[str, ...] = ()
    kinds: tuple[tuple[str, tuple[str, ...]], ...] = ()
    spelled_right: tuple[str, ...] = ()


def _strings(value: Any, where: str, shown_as: str, problems: list[Problem]) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
        problems.append(Problem(shown_as, where, "should be a list of words"))
        return ()
    return tuple(str(v) for v in value)


def _mapping(value: Any, where: str, shown_as: str, problems: list[Problem]) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        problems.append(Problem(shown_as, where, "should be a mapping"))
        return {}
    return {str(k): v for k, v in value.items()}


@dataclass(frozen=True)
class SpokenTable:
    """Fillers, replacements, greetings and question kinds, per language, as trainers wrote them."""

    langs: dict[str, SpokenLang] | None = None

    def lang(self, lang: str) -> SpokenLang:
        return (self.langs or {}).get(lang) or SpokenLang()

    @classmethod
    def from_data(cls, data: Any, shown_as: str, problems: list[Problem]) -> SpokenTable:
        if data is None:
            return cls()
        if not isinstance(data, dict):
            problems.append(Problem(shown_as, "", "should be a mapping with " + ", ".join(SECTIONS)))
            return cls()
        for key in data:
            if key not in SECTIONS:
                problems.append(Problem(shown_as, str(key), "unknown section; use " + ", ".join(SECTIONS)))
        sections = {name: _mapping(data.get(name), name, shown_as, problems) for name in SECTIONS}
        raw: dict[str, SpokenLang] = {}
        for lang in LANGS:
            replace = _mapping(sections["replace"].get(lang), f"replace.{lang}", shown_as, problems)
            for word, standard in replace.items():
                if not isinstance(standard, str | int):
                    problems.append(Problem(shown_as, f"replace.{lang}.{word}", "should be one word"))
            kinds = _mapping(
                sections["question_words"].get(lang), f"question_words.{lang}", shown_as, problems
            )
            raw[lang] = SpokenLang(
                fillers=_strings(sections["fillers"].get(lang), f"fillers.{lang}", shown_as, problems),
                replace=tuple((k, str(v)) for k, v in replace.items() if isinstance(v, str | int)),
                greetings=_strings(sections["greetings"].get(lang), f"greetings.{lang}", shown_as, problems),
                kinds=tuple(
                    (kind, _strings(words, f"question_words.{lang}.{kind}", shown_as, problems))
                    for kind, words in kinds.items()
                ),
                spelled_right=_strings(
                    sections["spelled_right"].get(lang), f"spelled_right.{lang}", shown_as, problems
                ),
            )
        return cls(raw)

    @classmethod
    def read(cls, path: Path, shown_as: str, problems: list[Problem]) -> SpokenTable:
        if not path.is_file():
            return cls()
        try:
            data = parse_yaml(path.read_text(encoding="utf-8"))
        except (yaml.YAMLError, OSError, UnicodeDecodeError) as exc:
            problems.append(Problem(shown_as, "", f"cannot be read: {exc}"))
            return cls()
        return cls.from_data(data, shown_as, problems)
