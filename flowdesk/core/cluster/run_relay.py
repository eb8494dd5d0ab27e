"""Run events from cluster workers to this serve: live logs, starts and ends, and the waiters of ``?wait=true``.

Workers NOTIFY ``flowdesk_runs`` (a run's end in the very transaction that records it); this relay
LISTENs and turns each notification into the run event the window and the tray already understand,
and gives finished records to their waiters. After its connection comes back it reads the waited-for
runs from the store, in case their end was notified meanwhile. On SQLite there is no NOTIFY: the
waited-for runs are read once a second.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from flowdesk.core.cluster.store_access import RUNS_CHANNEL
from flowdesk.core.engine import RunEvent, RunOutcome
from flowdesk.core.store.records import UNFINISHED_STATUSES, utc_now

if TYPE_CHECKING:
    from flowdesk.core.runtime import Runtime

log = logging.getLogger(__name__)
POLL_INTERVAL = 1.0  # seconds: SQLite mode, and the wait before reconnecting
LIVE_LOG_LIMIT = 1_000_000  # characters of a running run's live log kept for the API (the stored log is whole)
LIVE_RUNS_LIMIT = 10_000  # running runs whose live log is kept at once
ENDED_REMEMBERED = 10_000  # starts and log lines batched by a worker may arrive after the run's end


class RunRelay:
    """Feeds the runtime's subscribers and the run service's waiters from the workers' notifications."""

    def __init__(self, runtime: Runtime, database_url: str | None) -> None:
        self.runtime = runtime
        self.database_url = database_url
        self.connected = False
        self.received = 0
        self._task: asyncio.Task[None] | None = None
        self._live: dict[str, list[str]] = {}  # running runs' log so far, for GET /api/runs/{id}
        self._ended: OrderedDict[str, None] = OrderedDict()  # the last runs whose end was heard
        self._live_size: dict[str, int] = {}

    def start(self) -> None:
        """Start listening (or polling) on the running loop."""
        runner = self._listen() if self.database_url else self._poll()
        self._task = asyncio.get_running_loop().create_task(runner, name="flowdesk-run-relay")

    async def stop(self) -> None:
        """Stop listening."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    # -- PostgreSQL: LISTEN -----------------------------------------------------------------
    async def _listen(self) -> None:
        import psycopg

        while True:
            try:
                async with await psycopg.AsyncConnection.connect(
                        self.database_url, autocommit=True, connect_timeout=5,
                        application_name="flowdesk-relay") as conn:
                    await conn.execute(f"LISTEN {RUNS_CHANNEL}")
                    self.connected = True
                    self.check_waiters()  # ends notified while we were not listening
                    await self._read_notifications(conn.pgconn)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - database down: listen again when it is back
                if self.connected:
                    log.warning("run relay lost its database connection (%s); reconnecting", exc)
            self.connected = False
            await asyncio.sleep(POLL_INTERVAL)

    async def _read_notifications(self, pgconn: Any) -> None:
        """Hand every notification to ``handle`` as its bytes arrive, until the connection fails (raised).

        Read straight off libpq when the socket is readable: all the notifications already there
        in one wake-up, with no reader and timer set up and torn down per notification as
        psycopg's ``notifies()`` does (that was most of serve's CPU while workers drained a backlog).
        """
        loop = asyncio.get_running_loop()
        lost: asyncio.Future[None] = loop.create_future()

        def readable() -> None:
            consume = pgconn.consume_input  # once per wake-up: notifies() parses what it read
            while True:
                try:
                    consume()
                    notice = pgconn.notifies()
                except Exception as exc:  # noqa: BLE001 - the connection broke: _listen connects again
                    if not lost.done():
                        lost.set_exception(exc)
                    return
                consume = _nothing
                if notice is None:
                    return
                try:
                    self.handle(notice.extra.decode("utf-8", "replace"))
                except Exception:  # noqa: BLE001 - one event's bug must not cost the connection
                    log.exception("run event %r not handled", notice.extra[:200])

        fd = pgconn.socket
        loop.add_reader(fd, readable)
        try:
            readable()  # what arrived with the LISTEN's answer
            await lost
        finally:
            loop.remove_reader(fd)

    def handle(self, payload: str) -> None:
        """One notification: ``{"k": "s"|"l"|"f", "r": run id, ...}`` or ``{"k": "S", "r": [run ids]}``."""
        try:
            message: dict[str, Any] = json.loads(payload)
            kind, run_id = message["k"], message["r"]
        except (ValueError, KeyError, TypeError):
            return
        self.received += 1
        runs = self.runtime.runs
        if kind == "S" and isinstance(run_id, list):  # runs a worker started since its last batch
            now = utc_now()
            for one in run_id:
                if str(one) not in self._ended:
                    runs.announce(RunEvent(str(one), "started", now))
            return
        run_id = str(run_id)
        if run_id in self._ended:
            return  # a start or a log line sent in a batch that committed after the run's end
        if kind == "l":
            text = str(message.get("t", ""))
            self._keep(run_id, text)
            runs.announce(RunEvent(run_id, "log", text))
        elif kind == "s":
            runs.announce(RunEvent(run_id, "started", utc_now()))
        elif kind == "f":
            self._ended[run_id] = None
            if len(self._ended) > ENDED_REMEMBERED:
                self._ended.popitem(last=False)
            self._finished(run_id, str(message.get("s", "error")), message.get("m"))

    def _keep(self, run_id: str, text: str) -> None:
        """Remember a running run's live text (capped per run and in the number of runs)."""
        size = self._live_size.get(run_id, 0)
        if size >= LIVE_LOG_LIMIT or (run_id not in self._live and len(self._live) >= LIVE_RUNS_LIMIT):
            return
        self._live.setdefault(run_id, []).append(text[: LIVE_LOG_LIMIT - size])
        self._live_size[run_id] = size + len(text)

    def live_log(self, run_id: str) -> str | None:
        """What a running run printed so far, as this serve heard it (None: nothing heard)."""
        parts = self._live.get(run_id)
        return "".join(parts) if parts else None

    def _finished(self, run_id: str, status: str, message: Any) -> None:
        self._live.pop(run_id, None)
        self._live_size.pop(run_id, None)
        runs = self.runtime.runs
        if runs.waits_for(run_id):
            record = self.runtime.store.get(run_id)
            if record is not None:
                runs.resolve(record)
        text = str(message) if message else None
        now = utc_now()
        outcome = RunOutcome(run_id=run_id, status=status, started_at=now, finished_at=now,  # type: ignore[arg-type]
                             duration=0.0, result=None, message=text, error=text if status != "success" else None,
                             log="")
        runs.announce(RunEvent(run_id, "finished", outcome))

    # -- waiters read from the store ----------------------------------------------------------
    def check_waiters(self) -> int:
        """Give every waited-for run that already ended its record; returns how many."""
        runs, store = self.runtime.runs, self.runtime.store
        done = 0
        for run_id in runs.waited_for():
            record = store.get(run_id)
            if record is not None and record.status not in UNFINISHED_STATUSES:
                runs.resolve(record)
                done += 1
        return done

    async def _poll(self) -> None:
        self.connected = True
        while True:
            await asyncio.sleep(POLL_INTERVAL)
            try:
                self.check_waiters()
            except Exception as exc:  # noqa: BLE001 - store busy or down: next second
                log.debug("run relay poll failed: %s", exc)


def _nothing() -> None:
    """Stands for consume_input once the socket was read in this wake-up."""
