"""The store's PostgreSQL database: psycopg 3 through peewee's pool, shared by threads, outages as StoreUnavailable.

Imported only when a ``postgresql://`` URL is used, and psycopg only when such a database is
made, so the desktop app (SQLite) never loads the driver.
"""

from __future__ import annotations

import threading
from typing import Any

from peewee import InterfaceError, OperationalError
from playhouse.pool import MaxConnectionsExceeded, PooledPostgresqlDatabase

from flowdesk.core.errors import StoreUnavailable
from flowdesk.core.store.database_url import DatabaseUrlError, redact
from flowdesk.core.store.sql_dialect import POSTGRESQL

try:  # peewee 4 speaks psycopg 3 through this adapter
    from peewee import Psycopg3Adapter
except ImportError:  # pragma: no cover - peewee 3.x
    Psycopg3Adapter = None  # type: ignore[assignment,misc]

# Each thread keeps its connection (peewee's are thread-local); the pool hands back those of
# threads that closed theirs or died. Threads past the cap wait up to POOL_WAIT seconds.
MAX_CONNECTIONS = 32
POOL_WAIT = 30
CONNECT_TIMEOUT = 5  # seconds; libpq's default is to wait forever for an unreachable host
_CONNECTION_ERRORS: tuple[type[BaseException], ...] = (OperationalError, InterfaceError, MaxConnectionsExceeded)


def _psycopg() -> Any:
    try:
        import psycopg
    except ImportError as exc:
        raise DatabaseUrlError("a PostgreSQL database needs psycopg 3: pip install 'flowdesk[cluster]'") from exc
    return psycopg


class _Psycopg3(Psycopg3Adapter or object):  # type: ignore[misc]
    """peewee's psycopg 3 adapter, fed the driver we imported rather than the one peewee looked for at import.

    ``flowdesk.core.store`` keeps peewee from importing psycopg (100 ms on every start of the
    app), so peewee's own module-level references to it are None; this adapter carries its own.
    """

    def __init__(self) -> None:
        psycopg = _psycopg()
        from psycopg.pq import TransactionStatus
        from psycopg.types.json import Json, Jsonb

        super().__init__()
        self.psycopg = psycopg
        self.txn_idle, self.txn_inerror = TransactionStatus.IDLE, TransactionStatus.INERROR
        self.txn_unknown, self.txn_intrans = TransactionStatus.UNKNOWN, TransactionStatus.INTRANS
        self.json_type, self.jsonb_type = Json, Jsonb

    def check_driver(self) -> None:
        """The driver was imported in __init__."""

    def get_binary_type(self) -> Any:
        """psycopg's Binary wrapper."""
        return self.psycopg.Binary

    def connect(self, db: Any, **params: Any) -> Any:
        """A connection to the database's URL (keyword parameters add to it)."""
        return self.psycopg.connect(db.database, **params)

    def server_side_cursor(self, conn: Any) -> Any:
        """A named cursor, held past the transaction only outside one."""
        import uuid

        return conn.cursor(name=str(uuid.uuid1()), withhold=self.txn_status(conn) != self.txn_intrans)


class _GuardedCursor:
    """A psycopg cursor whose connection failures become StoreUnavailable (and drop the broken connection)."""

    __slots__ = ("_raw", "_db")

    def __init__(self, raw: Any, db: PostgresStoreDatabase) -> None:
        self._raw, self._db = raw, db

    def execute(self, sql: str, params: Any = None) -> _GuardedCursor:
        """Run one statement."""
        try:
            self._raw.execute(sql, params)
        except self._db.driver_errors as exc:
            raise self._db.unavailable(exc) from exc
        return self

    def executemany(self, sql: str, rows: Any) -> _GuardedCursor:
        """Run one statement for each row of parameters."""
        try:
            self._raw.executemany(sql, rows)
        except self._db.driver_errors as exc:
            raise self._db.unavailable(exc) from exc
        return self

    def __iter__(self) -> Any:
        return iter(self._raw)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._raw, name)


class PostgresStoreDatabase(PooledPostgresqlDatabase):
    """A pooled psycopg 3 database: any thread may use it; an outage raises StoreUnavailable, then heals."""

    dialect = POSTGRESQL
    # Kept for the store's statements, which are written once for both databases.
    psycopg2_adapter = _Psycopg3  # whichever driver peewee saw at import, this adapter is used
    psycopg3_adapter = _Psycopg3

    def __init__(self, url: str, source: str = "database URL") -> None:
        if Psycopg3Adapter is None:
            raise DatabaseUrlError(f"{source}: PostgreSQL needs peewee >= 4: pip install 'flowdesk[cluster]'")
        psycopg = _psycopg()
        try:
            given = psycopg.conninfo.conninfo_to_dict(url)
        except psycopg.ProgrammingError as exc:
            raise DatabaseUrlError(f"{source}: {redact(url)}: {exc}") from None
        self.source, self.safe_url = source, redact(url)
        self.driver_errors: tuple[type[BaseException], ...] = (psycopg.OperationalError, psycopg.InterfaceError)
        self._owners: dict[int, threading.Thread] = {}
        params: dict[str, Any] = {}
        if "connect_timeout" not in given:
            params["connect_timeout"] = CONNECT_TIMEOUT
        if "application_name" not in given:
            params["application_name"] = "flowdesk"
        super().__init__(url, max_connections=MAX_CONNECTIONS, timeout=POOL_WAIT, prefer_psycopg3=True, **params)

    # -- failures -------------------------------------------------------------------------------
    def unavailable(self, exc: BaseException) -> StoreUnavailable:
        """The error to raise for a driver failure; a broken connection is dropped once no transaction needs it."""
        text = str(exc).strip()
        error = StoreUnavailable(f"the run database is unavailable ({self.safe_url}, from {self.source}): "
                                 f"{text.splitlines()[0] if text else type(exc).__name__}")
        error.dropped_connection = self._drop_if_broken()
        return error

    def _drop_if_broken(self) -> bool:
        """Forget this thread's connection if the driver found it broken; True when it did."""
        conn = self._state.conn
        # Inside a transaction the stack still refers to this connection: the rollback drops it.
        if conn is None or not (conn.closed or conn.broken) or self._state.transactions:
            return False
        with self._pool_lock:
            self._in_use.pop(self.conn_key(conn), None)
            self._owners.pop(self.conn_key(conn), None)
        self._close_raw(conn)
        self._state.reset()  # the thread's next statement connects afresh
        return True

    # -- statements -----------------------------------------------------------------------------
    def cursor(self, named_cursor: Any = None) -> Any:
        """A cursor on this thread's connection (made on first use); connection failures are StoreUnavailable."""
        try:
            return _GuardedCursor(super().cursor(named_cursor), self)
        except _CONNECTION_ERRORS as exc:
            raise self.unavailable(exc) from exc

    def execute_sql(self, sql: str, params: Any = None) -> Any:
        """Run a statement; a read that found its connection dead (server restarted) is tried once more."""
        try:
            return super().execute_sql(sql, params)
        except StoreUnavailable as exc:
            # A connection that worked before and broke now (the server restarted) is replaced once.
            # A write may have reached the server before it broke: only reads are tried again.
            if not exc.dropped_connection or self._state.transactions or not _is_read(sql):
                raise
            return super().execute_sql(sql, params)

    def executemany(self, sql: str, rows: Any) -> None:
        """Run one statement for each row of parameters (in the caller's transaction)."""
        self.cursor().executemany(sql, rows)

    def begin(self, lock_type: Any = None) -> None:
        """Start a transaction (SQLite's DEFERRED/IMMEDIATE mean nothing here: rows lock as they are written).

        A BEGIN that finds its connection dead did nothing, so it is tried once on a fresh one.
        """
        try:
            super().begin()
        except StoreUnavailable as exc:
            if not exc.dropped_connection:
                raise
            super().begin()

    def rollback(self) -> None:
        """Roll back; on a broken connection the server already has, so only drop the connection."""
        try:
            super().rollback()
        except StoreUnavailable:
            pass  # the connection broke: the server rolled the transaction back when it lost it
        finally:
            self._drop_if_broken()

    # -- the pool ---------------------------------------------------------------------------------
    def _connect(self) -> Any:
        with self._pool_lock:
            self._reclaim_from_dead_threads()
            conn = super()._connect()
            self._owners[self.conn_key(conn)] = threading.current_thread()
        return conn

    def _close(self, conn: Any, close_conn: bool = False) -> None:
        with self._pool_lock:
            self._owners.pop(self.conn_key(conn), None)
            super()._close(conn, close_conn)

    def _reclaim_from_dead_threads(self) -> None:
        # A thread that ended without closing its connection (an executor thread, a finished
        # worker task) would otherwise hold a pool slot for good.
        for key, thread in list(self._owners.items()):
            if not thread.is_alive():
                del self._owners[key]
                pooled = self._in_use.pop(key, None)
                if pooled is not None:
                    self._close_raw(pooled.connection)

    def close_all(self) -> None:
        """Close every connection, those of other threads too; the database is unusable afterwards."""
        super().close_all()
        with self._pool_lock:
            self._owners.clear()


def _is_read(sql: str) -> bool:
    return sql.lstrip()[:6].upper() == "SELECT"
