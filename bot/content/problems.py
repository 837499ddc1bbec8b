"""A content problem names the file, the line and the field, so a trainer can find and fix it.

A problem carries its message in English (`message`, also what `str()` shows, for logs and tests)
and, when it was written for trainers, in Chinese (`zh`). `bot.content.explain` turns a problem
into the words a trainer reads, in the trainer's language.
"""

from __future__ import annotations

from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    field: str
    message: str
    severity: str = ERROR
    line: int = 0
    column: int = 0
    zh: str = ""

    def __str__(self) -> str:
        where = f"{self.file}: {self.field}" if self.field else self.file
        return f"{where}: {self.message}"

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


class ContentError(Exception):
    """Raised when content cannot be used; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        lines = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(f"{len(self.problems)} content problem(s):\n{lines}")
