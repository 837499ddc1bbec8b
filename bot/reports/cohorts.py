"""Finding the village an administrator means: by its code (`v-caotun`) or by its name (曹屯村).

An administrator types what they know, which is usually the name. An exact code or name wins; then
the same text ignoring case, spaces and a trailing 村; anything else is an `UnknownCohort` that
carries the nearest codes and names, so the CLI can say "did you mean …" instead of making a
report of zeros.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from sqlalchemy import Engine

from bot.reports.model import NONE

MAX_SUGGESTIONS = 5


@dataclass(frozen=True, order=True)
class Village:
    code: str
    name: str

    @property
    def label(self) -> str:
        return f"{self.name} ({self.code})" if self.name and self.name != self.code else self.code


class UnknownCohort(LookupError):
    """No village has this code or name; `near` holds the closest ones."""

    def __init__(self, asked: str, near: list[Village]) -> None:
        self.asked = asked
        self.near = near
        hint = ", ".join(v.label for v in near)
        super().__init__(f"No village {asked!r}" + (f"; did you mean: {hint}?" if hint else "."))


def villages(engine: Engine) -> list[Village]:
    """Every village: those registered (with `farmskills cohorts add`) and those learners joined."""
    sql = (
        "SELECT code, COALESCE(name, '') FROM cohort"
        " UNION SELECT DISTINCT cohort, '' FROM learner"
        " WHERE cohort IS NOT NULL AND cohort NOT IN (SELECT code FROM cohort)"
    )
    with engine.connect() as conn:
        return sorted(Village(str(code), str(name)) for code, name in conn.exec_driver_sql(sql).all())


def _key(text: str) -> str:
    folded = "".join(text.split()).casefold()
    return folded.removesuffix("村") if len(folded) > 2 else folded


def resolve(engine: Engine, asked: str) -> str:
    """The code of the village `asked` names (a code or a name); raises UnknownCohort."""
    if asked == NONE:
        return asked
    known = villages(engine)
    for v in known:
        if asked in (v.code, v.name):
            return v.code
    loose = [v for v in known if _key(asked) in (_key(v.code), _key(v.name))]
    if len(loose) == 1:
        return loose[0].code
    raise UnknownCohort(asked, loose or near(known, asked))


def near(known: list[Village], asked: str) -> list[Village]:
    """The villages whose code or name looks most like `asked`."""
    by_word = {v.code: v for v in known} | {v.name: v for v in known if v.name}
    found = difflib.get_close_matches(asked, list(by_word), n=MAX_SUGGESTIONS * 2, cutoff=0.5)
    if not found:  # a Chinese name one character off scores low: share a character, then
        chars = set(asked) - set("村庄屯")  # place words every village shares say nothing
        found = [w for w in by_word if chars & set(w) and not w.isascii()][:MAX_SUGGESTIONS]
    out: list[Village] = []
    for word in found:
        if by_word[word] not in out:
            out.append(by_word[word])
    return out[:MAX_SUGGESTIONS]
