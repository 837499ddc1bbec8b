"""Questions the bank could not answer, grouped so a trainer sees what to add.

`farmskills faq unanswered` reads the questions that went to a person or were shown choices and
puts similar ones together (开店押金能退吗 / 押金咋退 / 退押金), with how often each group was asked,
what the matcher thought was closest, and how the learners fared. A big group with no close entry
is a new entry to write; a big group whose closest entry is right is a phrasing or keyword to add.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from rapidfuzz import fuzz

SAME_GROUP = 75  # rapidfuzz token-set likeness (0–100) of two questions' content words to share a group


@dataclass(frozen=True)
class Asked:
    """One stored question that did not get a confident answer."""

    text: str
    lang: str
    asked_at: datetime
    decision: str  # none / choices
    best_id: str | None
    handed_off: bool
    answered_by_person: bool


@dataclass
class Group:
    """Similar questions: the most recent wording stands for them."""

    lang: str
    key: str  # content words of the first question, what others are compared with
    questions: list[Asked] = field(default_factory=list)

    @property
    def times(self) -> int:
        return len(self.questions)

    @property
    def text(self) -> str:
        return self.questions[-1].text

    @property
    def wordings(self) -> list[str]:
        """The different ways it was asked, most recent first."""
        return list(dict.fromkeys(q.text for q in reversed(self.questions)))

    @property
    def closest(self) -> str | None:
        """The entry the matcher most often thought closest (a phrasing to add there, perhaps)."""
        counted = Counter(q.best_id for q in self.questions if q.best_id)
        return counted.most_common(1)[0][0] if counted else None

    def count(self, decision: str) -> int:
        return sum(1 for q in self.questions if q.decision == decision)

    @property
    def handed_off(self) -> int:
        return sum(1 for q in self.questions if q.handed_off)

    @property
    def answered_by_person(self) -> int:
        return sum(1 for q in self.questions if q.answered_by_person)

    @property
    def last_asked(self) -> datetime:
        return max(q.asked_at for q in self.questions)


def group_questions(asked: Iterable[Asked], words: Callable[[str, str], Sequence[str]]) -> list[Group]:
    """Similar questions together, most asked first. `words(text, lang)` gives content words."""
    groups: list[Group] = []
    for item in sorted(asked, key=lambda a: a.asked_at):
        found = words(item.text, item.lang)
        if item.lang == "zh":  # Chinese word cuts vary (开店押金 / 押金): compare characters
            found = [ch for word in found for ch in word]
        key = " ".join(sorted(found)) or item.text.strip()
        home = None
        best: float = SAME_GROUP
        for group in groups:
            if group.lang != item.lang:
                continue
            likeness = fuzz.token_set_ratio(key, group.key)
            if likeness >= best:
                home, best = group, likeness
        if home is None:
            home = Group(item.lang, key)
            groups.append(home)
        home.questions.append(item)
    groups.sort(key=lambda g: (-g.times, -g.last_asked.timestamp()))
    return groups
