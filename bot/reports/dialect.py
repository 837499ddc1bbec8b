"""The few places the report's SQL differs between SQLite and PostgreSQL, as small helpers.

Everything else in the queries is plain SQL both run. Timestamps: SQLite keeps them as naive UTC
text, PostgreSQL as `timestamptz` (the connection's zone is UTC, see bot/store/database.py), so
the period's ends, bound as text, compare right on both. Truth values are written as CASE … 1/0
where they are counted (PostgreSQL has no SUM of booleans), and conditions stay conditions.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class Dialect:
    pg: bool = False

    # ----- tables -----

    @property
    def keyed(self) -> str:
        """After a temporary table with a primary key: SQLite stores it as the key's b-tree."""
        return "" if self.pg else " WITHOUT ROWID"

    @property
    def stamp(self) -> str:
        """The column type of a timestamp copied into a temporary table."""
        return "TIMESTAMPTZ" if self.pg else "TEXT"

    def temp(self, name: str) -> str:
        return f"pg_temp.{name}" if self.pg else f"temp.{name}"

    # ----- joins -----

    def not_indexed(self, table: str, alias: str) -> str:
        """A big table read straight through (a hint only SQLite takes; PostgreSQL plans it)."""
        return f"{table} {alias}" if self.pg else f"{table} {alias} NOT INDEXED"

    @property
    def cross_join(self) -> str:
        """A join in the written order (SQLite keeps CROSS JOIN's order; PostgreSQL plans it)."""
        return "JOIN" if self.pg else "CROSS JOIN"

    # ----- values -----

    @staticmethod
    def flag(condition: str) -> str:
        """1 when the condition holds, else 0: a count's term on both databases."""
        return f"CASE WHEN {condition} THEN 1 ELSE 0 END"

    def same(self, a: str, b: str) -> str:
        """a equals b, NULLs equal to each other."""
        return f"{a} IS NOT DISTINCT FROM {b}" if self.pg else f"{a} IS {b}"

    def least(self, *values: str) -> str:
        return f"LEAST({', '.join(values)})" if self.pg else f"MIN({', '.join(values)})"

    def greatest(self, *values: str) -> str:
        return f"GREATEST({', '.join(values)})" if self.pg else f"MAX({', '.join(values)})"

    def half(self, value: str) -> str:
        """value / 2, rounded down, as an integer (SQLite's integer division)."""
        return f"DIV({value}, 2)" if self.pg else f"({value}) / 2"

    def round(self, value: str, digits: int) -> str:
        """ROUND to `digits` places (PostgreSQL rounds only numerics to places)."""
        return f"ROUND(CAST({value} AS NUMERIC), {digits})" if self.pg else f"ROUND({value}, {digits})"

    # ----- time -----

    def days_between(self, later: str, earlier: str) -> str:
        if self.pg:
            return f"EXTRACT(EPOCH FROM ({later} - {earlier})) / 86400.0"
        return f"julianday({later}) - julianday({earlier})"

    def truncate(self, column: str, to_minutes: bool) -> str:
        """The moment to the hour (or minute) in UTC, as rep_steps keeps it."""
        if self.pg:
            return f"date_trunc('{'minute' if to_minutes else 'hour'}', {column})"
        return f"substr({column}, 1, {16 if to_minutes else 13})"

    def truncated(self, column: str, to_minutes: bool) -> str:
        """A truncated moment (from `truncate`) as a moment again."""
        if self.pg or to_minutes:
            return column  # SQLite reads 'YYYY-MM-DD HH:MM' as it is (and ':00' would be a bind name)
        return f"{column} || ':00:00'"

    def local_day(self, column: str) -> str:
        """The local date of a moment ('YYYY-MM-DD'), the zone's offset bound as :mod."""
        if self.pg:
            return f"to_char({column} + CAST(:mod AS INTERVAL), 'YYYY-MM-DD')"
        return f"date({column}, :mod)"

    def local_monday(self, column: str) -> str:
        """The Monday of the local week of a moment, to group by (`monday_text` makes it text)."""
        if self.pg:
            # A timestamp, not text: to_char on every row costs more than the grouping itself.
            return f"date_trunc('week', {column} + CAST(:mod AS INTERVAL))"
        # Shift to local time, on to Sunday (or stay), back six days.
        return f"date({column}, :mod, 'weekday 0', '-6 days')"

    def monday_text(self, monday: str) -> str:
        """A `local_monday` value as 'YYYY-MM-DD'."""
        return f"to_char({monday}, 'YYYY-MM-DD')" if self.pg else monday


SQLITE = Dialect()
POSTGRES = Dialect(pg=True)


def plain(value: Any) -> Any:
    """PostgreSQL's numerics as SQLite gives them: whole numbers (counts) as int, others as float."""
    if isinstance(value, Decimal):
        exponent = value.as_tuple().exponent
        return int(value) if isinstance(exponent, int) and exponent >= 0 else float(value)
    return value
