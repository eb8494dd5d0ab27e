"""One scheduler in the cluster: the serve holding a PostgreSQL advisory lock leads, the others stand by.

The lock is a session lock on a connection of its own: it goes when its holder dies (the server
sees the connection close; TCP keepalives set on the session catch a vanished machine), and a standby
retrying every ``leader_retry`` seconds takes it. A leader that loses its connection stops leading
at once. On SQLite (one machine, one serve per data dir) the only serve always leads.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)
LOCK_KEY = (7001, 1)  # (class, object) of the advisory lock; 7001 is FlowDesk's class of locks
# Server-side keepalives of the lock's session: a leader whose machine vanished loses the lock in ~10 s.
KEEPALIVE_OPTIONS = "-c tcp_keepalives_idle=4 -c tcp_keepalives_interval=2 -c tcp_keepalives_count=3"


class Leadership:
    """Tries to hold the cluster's scheduler lock; ``on_change(True/False)`` when leading starts or stops."""

    def __init__(self, database_url: str | None, retry: float, on_change: Callable[[bool], None]) -> None:
        self.database_url = database_url
        self.retry = max(0.05, retry)
        self.on_change = on_change
        self.leading = False
        self._conn: Any = None
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start trying (on the running loop)."""
        self._task = asyncio.get_running_loop().create_task(self._run(), name="flowdesk-leadership")

    async def stop(self) -> None:
        """Give the lead up (the lock goes with the connection)."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        await self._close()
        self._set(False)

    def _set(self, leading: bool) -> None:
        if leading != self.leading:
            self.leading = leading
            log.info("this serve %s the scheduler", "now leads" if leading else "no longer leads")
            try:
                self.on_change(leading)
            except Exception:  # noqa: BLE001 - a failing callback must not end the election
                log.exception("leadership change handler failed")

    async def _run(self) -> None:
        if self.database_url is None:
            self._set(True)
            return
        while True:
            try:
                if self._conn is None:
                    self._conn = await self._connect()
                if not self.leading:
                    cursor = await self._conn.execute("SELECT pg_try_advisory_lock(%s, %s)", LOCK_KEY)
                    row = await cursor.fetchone()
                    self._set(bool(row and row[0]))
                else:
                    await self._conn.execute("SELECT 1")  # still connected, so still holding the lock
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - database down or connection lost: not leading
                if self.leading:
                    log.warning("lost the scheduler lock's connection (%s): standing by", exc)
                self._set(False)
                await self._close()
            await asyncio.sleep(self.retry)

    async def _connect(self) -> Any:
        import psycopg

        return await psycopg.AsyncConnection.connect(self.database_url, autocommit=True, connect_timeout=5,
                                                     application_name="flowdesk-leader", options=KEEPALIVE_OPTIONS)

    async def _close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                await conn.close()
            except Exception:  # noqa: BLE001 - already broken
                pass
