"""The store tests run against both databases: ``store`` is a RunStore on SQLite, then on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from flowdesk.core.store import RunStore


@pytest.fixture()
def store(store_location: str | Path) -> Iterator[RunStore]:
    """A RunStore on each dialect in turn (see tests/pg_server.py store_location)."""
    s = RunStore(store_location)
    yield s
    s.close()


@pytest.fixture()
def sqlite_store(tmp_path: Path) -> Iterator[RunStore]:
    """A RunStore on a SQLite file, for what only SQLite has (PRAGMAs, its query planner's trace)."""
    s = RunStore(tmp_path / "flowdesk.sqlite3")
    yield s
    s.close()
