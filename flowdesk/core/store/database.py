"""The store's SQLite database: WAL pragmas, one connection per thread, and closing them all at once."""

from __future__ import annotations

import sqlite3
import threading
import weakref
from pathlib import Path
from typing import Any

from peewee import SqliteDatabase

from flowdesk.core.private_files import create_private_file
from flowdesk.core.store.sql_dialect import SQLITE

BUSY_TIMEOUT_MS = 5000

# Order matters: busy_timeout first, so switching a new file to WAL waits for a
# concurrent opener instead of failing with "database is locked".
PRAGMAS: tuple[tuple[str, Any], ...] = (
    ("busy_timeout", BUSY_TIMEOUT_MS),
    ("journal_mode", "wal"),
    ("synchronous", "normal"),
    ("foreign_keys", 1),
)


class _Connection(sqlite3.Connection):
    """A plain sqlite3 connection that can be weakly referenced (the base class cannot)."""


class StoreDatabase(SqliteDatabase):
    """A peewee SqliteDatabase on one file, with per-thread connections tracked so close_all() can end them."""

    dialect = SQLITE

    def __init__(self, path: Path) -> None:
        self._connections: weakref.WeakSet[_Connection] = weakref.WeakSet()
        self._connections_lock = threading.Lock()
        create_private_file(path)  # owner-only before SQLite opens it; its -wal/-shm files copy this mode
        super().__init__(
            str(path),
            pragmas=list(PRAGMAS),
            timeout=BUSY_TIMEOUT_MS / 1000,
            # Each thread still gets its own connection (peewee keeps them
            # thread-local); this only lets close_all() close them from one thread.
            check_same_thread=False,
            factory=_Connection,
            # A few fixed statements run per run; keep all of them prepared.
            cached_statements=256,
        )

    def _connect(self) -> sqlite3.Connection:
        conn = super()._connect()
        with self._connections_lock:
            self._connections.add(conn)
        return conn

    def executemany(self, sql: str, rows: Any) -> None:
        """Run one statement for each row of parameters (in the caller's transaction)."""
        self.cursor().executemany(sql, rows)

    def close_all(self) -> None:
        """Close this thread's connection and those other threads opened; the database is unusable afterwards."""
        if not self.is_closed():
            self.close()
        with self._connections_lock:
            leftovers = list(self._connections)
            self._connections.clear()
        for conn in leftovers:
            try:
                conn.close()
            except sqlite3.Error:  # already closed, or busy in a thread that outlived close()
                pass
