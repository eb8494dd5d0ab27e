"""A worker's live log lines (and run starts), sent to ``serve`` and the window through PostgreSQL NOTIFY.

The engine emits masked chunks of a running run's output (whole lines, or what came in ~100 ms).
They are gathered here and sent five times a second at most, each NOTIFY payload under
PostgreSQL's 8,000-byte limit. The runs started since the last batch go as one payload listing
them (``S``), not one notification each: under load every notification is work for PostgreSQL
and for each listening serve. The full log is stored with the run's outcome anyway; the live copy
is a view, capped per run, and dropped on SQLite (no NOTIFY there: the log shows once the run ends).
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict

from flowdesk.core.cluster.run_claims import event, started_event
from flowdesk.core.cluster.store_access import RUNS_CHANNEL, StoreAccess

log = logging.getLogger(__name__)
FLUSH_INTERVAL = 0.2
CHUNK_CHARS = 1000  # 1,000 characters stay under 8,000 bytes even if each becomes a 6-byte JSON escape
LIVE_LIMIT = 1_000_000  # characters of live log sent per run; the stored log has the rest
NOTIFIES_PER_STATEMENT = 50
STARTS_PER_NOTICE = 150  # run ids of at most 64 characters: a list of starts stays under 8,000 bytes


class LiveLogSender:
    """Collects log chunks from the engine loop; a thread NOTIFYs them in batches."""

    def __init__(self, access: StoreAccess, worker: str = "") -> None:
        self.access = access
        self.worker = worker
        self.enabled = access.postgres
        self._lock = threading.Lock()
        self._pending: dict[str, list[str]] = defaultdict(list)
        self._started: list[str] = []
        self._sent: dict[str, int] = {}
        self._wake = threading.Event()
        self._stopping = False
        self._thread = threading.Thread(target=self._loop, name="flowdesk-live-log", daemon=True)

    def start(self) -> None:
        """Start the sending thread (nothing to do without PostgreSQL)."""
        if self.enabled:
            self._thread.start()

    def add(self, run_id: str, text: str) -> None:
        """A masked chunk of a running run's output (called on the engine loop: never blocks)."""
        if not self.enabled or not text:
            return
        with self._lock:
            sent = self._sent.get(run_id, 0)
            if sent >= LIVE_LIMIT:
                return
            text = text[: LIVE_LIMIT - sent]
            self._sent[run_id] = sent + len(text)
            self._pending[run_id].append(text)

    def started(self, run_id: str) -> None:
        """A run was claimed by this worker (sent with the next batch: nothing waits for it)."""
        if self.enabled:
            with self._lock:
                self._started.append(run_id)

    def forget(self, run_id: str) -> None:
        """The run ended: its live count can go."""
        with self._lock:
            self._sent.pop(run_id, None)

    def stop(self) -> None:
        """Send what is pending and end the thread."""
        self._stopping = True
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(5)

    def _loop(self) -> None:
        while not self._stopping:
            self._wake.wait(FLUSH_INTERVAL)
            self._wake.clear()
            self._flush()
        self._flush()

    def _flush(self) -> None:
        with self._lock:
            pending, self._pending = self._pending, defaultdict(list)
            started, self._started = self._started, []
        payloads = [started_event(started[i:i + STARTS_PER_NOTICE], self.worker)
                    for i in range(0, len(started), STARTS_PER_NOTICE)]
        payloads += [event("l", run_id, t=chunk)
                     for run_id, parts in pending.items()
                     for chunk in _chunks("".join(parts))]
        for start in range(0, len(payloads), NOTIFIES_PER_STATEMENT):
            part = payloads[start:start + NOTIFIES_PER_STATEMENT]
            calls = ", ".join("pg_notify(?, ?)" for _ in part)
            params = [value for payload in part for value in (RUNS_CHANNEL, payload)]
            try:
                self.access.execute(f"SELECT {calls}", params)
            except Exception as exc:  # noqa: BLE001 - live logs are best effort; the stored log is complete
                log.debug("live log lines not sent: %s", exc)
                return


def _chunks(text: str) -> list[str]:
    return [text[i:i + CHUNK_CHARS] for i in range(0, len(text), CHUNK_CHARS)]
