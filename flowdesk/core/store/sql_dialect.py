"""The spellings that differ between the store's two databases, SQLite and PostgreSQL, in one small object.

The store writes its statements once, in SQLite's spelling with ``?`` placeholders; ``sql()``
turns one into the database's own. Where the two differ by more than a word (upserts,
aggregates, limits), the dialect spells the clause.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache


class SqlDialect:
    """SQLite's spelling (the default, and the desktop's hot path: ``sql()`` returns its argument)."""

    name = "sqlite"
    param = "?"
    true = "1"  # a condition that always holds
    like = "LIKE"  # case-insensitive for ASCII in SQLite
    no_limit = "LIMIT -1"  # before an OFFSET
    keeps_nul = True  # text columns may hold "\x00"
    returning = False  # decided by the SQLite library's version instead (3.35+)
    skip_locked = ""  # no row locks: IMMEDIATE transactions serialise writers

    def sql(self, text: str) -> str:
        """The statement in this database's spelling (SQLite: unchanged)."""
        return text

    def total(self, expression: str) -> str:
        """Sum of a nullable column that is 0.0, not NULL, over no rows."""
        return f"TOTAL({expression})"

    @lru_cache(maxsize=None)  # noqa: B019 - dialects are two module-level singletons
    def upsert(self, table: str, columns: Sequence[str], key: Sequence[str]) -> str:
        """Insert one row, replacing the row with the same ``key`` (every column is given; pass tuples)."""
        marks = ", ".join(self.param for _ in columns)
        return f"INSERT OR REPLACE INTO {table} ({', '.join(columns)}) VALUES ({marks})"

    @lru_cache(maxsize=None)  # noqa: B019 - dialects are two module-level singletons
    def insert_ignore(self, table: str, columns: Sequence[str], key: Sequence[str]) -> str:
        """Insert one row unless a row with the same ``key`` exists (rowcount tells which)."""
        marks = ", ".join(self.param for _ in columns)
        return f"INSERT OR IGNORE INTO {table} ({', '.join(columns)}) VALUES ({marks})"

    def text(self, value: str | None) -> str | None:
        """Free text as this database can keep it."""
        return value


class PostgresDialect(SqlDialect):
    """PostgreSQL's spelling, for psycopg 3."""

    name = "postgresql"
    param = "%s"
    true = "TRUE"
    like = "ILIKE"  # LIKE is case-sensitive here; the run search is not
    no_limit = "LIMIT ALL"
    keeps_nul = False  # text cannot hold NUL characters
    returning = True
    skip_locked = " FOR UPDATE SKIP LOCKED"

    def __init__(self) -> None:
        self._spelled: dict[str, str] = {}

    def sql(self, text: str) -> str:
        """``?`` becomes ``%s``; a literal ``%`` is doubled, since psycopg reads it as a placeholder."""
        spelled = self._spelled.get(text)
        if spelled is None:
            # The store's statements hold no "?" inside string literals, so a plain replace is exact.
            spelled = self._spelled[text] = text.replace("%", "%%").replace("?", "%s")
        return spelled

    def total(self, expression: str) -> str:
        """Sum of a nullable column that is 0.0, not NULL, over no rows."""
        return f"COALESCE(SUM({expression}), 0.0)"

    @lru_cache(maxsize=None)  # noqa: B019 - dialects are two module-level singletons
    def upsert(self, table: str, columns: Sequence[str], key: Sequence[str]) -> str:
        """INSERT ... ON CONFLICT (key) DO UPDATE of every other column."""
        marks = ", ".join(self.param for _ in columns)
        rest = [c for c in columns if c not in key]
        action = ("DO UPDATE SET " + ", ".join(f"{c} = EXCLUDED.{c}" for c in rest)) if rest else "DO NOTHING"
        return (f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
                f" ON CONFLICT ({', '.join(key)}) {action}")

    @lru_cache(maxsize=None)  # noqa: B019 - dialects are two module-level singletons
    def insert_ignore(self, table: str, columns: Sequence[str], key: Sequence[str]) -> str:
        """INSERT ... ON CONFLICT (key) DO NOTHING."""
        marks = ", ".join(self.param for _ in columns)
        return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks}) ON CONFLICT ({', '.join(key)}) DO NOTHING"

    def text(self, value: str | None) -> str | None:
        """NUL shown as the two characters ``\\0``: PostgreSQL refuses it in text, and it is never meaningful there."""
        return value.replace("\x00", "\\0") if value and "\x00" in value else value


SQLITE = SqlDialect()
POSTGRESQL = PostgresDialect()
