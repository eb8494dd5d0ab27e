"""Publishing run ids on the broker, and the set of ids that have a message there.

``flowdesk:published`` (a Redis set on the broker itself) holds the id of every run published and
not yet received by a worker. It shares the broker's fate: if the broker loses its messages (a
restart without persistence), it loses the marks too, and the sweeper sees queued runs without a
mark and publishes them again. A duplicate message is harmless: the worker's claim skips it.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flowdesk.core.cluster.revision import RevisionCache
from flowdesk.core.cluster.settings import RUN_TASK, ClusterSettings, queue_for
from flowdesk.core.log_rate_limit import RateLimiter, one_line

if TYPE_CHECKING:
    from celery import Celery

log = logging.getLogger(__name__)
MARKS_KEY = "flowdesk:published"
PUBLISH_BATCH = 500  # broker commands sent per pipeline round trip


@dataclass(frozen=True)
class Publication:
    """One message to send: the run, the workflow revision it was accepted for, its priority class."""

    run_id: str
    revision: str
    priority: int
    countdown: float | None = None  # a retry's delay (retry_delay), in seconds


class BrokerUnavailable(Exception):
    """The broker did not take the messages (down, unreachable, timed out)."""


class PublishedMarks:
    """The ``flowdesk:published`` set on the broker: which queued runs already have a message."""

    def __init__(self, settings: ClusterSettings) -> None:
        import redis

        self._errors: tuple[type[BaseException], ...] = (redis.RedisError, OSError)
        self.client = redis.Redis.from_url(settings.broker_url, socket_timeout=settings.broker_timeout,
                                           socket_connect_timeout=settings.broker_timeout)
        self._lock = threading.Lock()
        self._received: list[str] = []

    def add(self, run_ids: Sequence[str]) -> None:
        """Mark runs as published."""
        if run_ids:
            self.client.sadd(MARKS_KEY, *run_ids)

    def discard_soon(self, run_id: str) -> None:
        """A worker received this run's message: drop its mark with the next batch (``flush``).

        The marks of received runs only take room: the sweeper looks at queued runs, and a claimed
        run is not queued. So they go in batches, off the run's path.
        """
        with self._lock:
            self._received.append(run_id)
            full = len(self._received) >= 500
        if full:
            self.flush()

    def flush(self) -> None:
        """Drop the marks of the runs received since the last flush (best effort)."""
        with self._lock:
            received, self._received = self._received, []
        if received:
            try:
                self.client.srem(MARKS_KEY, *received)
            except self._errors:
                pass

    def missing(self, run_ids: Sequence[str]) -> list[str]:
        """The ids among ``run_ids`` without a mark; raises BrokerUnavailable."""
        if not run_ids:
            return []
        try:
            flags = self.client.smismember(MARKS_KEY, list(run_ids))
        except self._errors as exc:
            raise BrokerUnavailable(str(exc)) from exc
        return [run_id for run_id, marked in zip(run_ids, flags) if not marked]

    def server_id(self) -> str:
        """The broker server's run id (a new one after every restart); "" when unreachable."""
        try:
            return str(self.client.info("server").get("run_id", ""))
        except self._errors:
            return ""

    def reachable(self) -> bool:
        """True when the broker answers a PING."""
        try:
            return bool(self.client.ping())
        except self._errors:
            return False

    def close(self) -> None:
        """Flush, then drop the connection pool."""
        self.flush()
        self.client.close()


class RunPublisher:
    """Sends run messages (blocking; used from threads) and marks them as published."""

    def __init__(self, app: Celery, marks: PublishedMarks) -> None:
        self.app = app
        self.marks = marks

    def publish(self, items: Iterable[Publication]) -> int:
        """Send one message per item, then mark them; raises BrokerUnavailable (some may have gone)."""
        items = list(items)
        if not items:
            return 0
        try:
            with self.app.producer_or_acquire() as producer, _batched(producer):
                for item in items:
                    # argsrepr (what Flower shows) given as plain text: Celery need not saferepr the arguments.
                    self.app.send_task(RUN_TASK, args=[item.run_id, item.revision], queue=queue_for(item.priority),
                                       countdown=item.countdown, producer=producer, retry=False,
                                       argsrepr=f"['{item.run_id}', '{item.revision}']", kwargsrepr="{}")
            self.marks.add([item.run_id for item in items])
        except Exception as exc:  # kombu/redis errors of every kind: the store still has the runs
            raise BrokerUnavailable(f"{type(exc).__name__}: {exc}") from exc
        return len(items)


def _batched(producer: Any) -> AbstractContextManager[Any]:
    """kombu's publish batch when it has one (5.7+): a batch's messages go in one pipeline, not one LPUSH
    round trip each; sent when the block ends, dropped if it raises (the sweeper publishes those runs)."""
    batch = getattr(producer, "batch", None)
    return batch(max_size=PUBLISH_BATCH) if batch is not None else nullcontext()


class BackgroundPublisher:
    """Serve's publisher thread: the event loop hands over accepted runs and never waits for the broker.

    A batch the broker refuses is dropped here: the runs are queued in the store, and the sweeper
    publishes them once the broker is back.
    """

    def __init__(self, publisher: RunPublisher, revisions: RevisionCache) -> None:
        self.publisher = publisher
        self.revisions = revisions
        self._inbox: queue.SimpleQueue[list[tuple[str, Path, int]] | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._noise = RateLimiter()
        self.failures = 0

    def start(self) -> None:
        """Start the thread."""
        self._thread = threading.Thread(target=self._loop, name="flowdesk-publisher", daemon=True)
        self._thread.start()

    def submit(self, runs: list[tuple[str, Path, int]]) -> None:
        """Publish (run id, workflow folder, priority) soon; returns at once."""
        if runs:
            self._inbox.put(runs)

    def stop(self, timeout: float = 5.0) -> None:
        """Publish what was handed over (up to ``timeout``), then end the thread."""
        if self._thread is not None:
            self._inbox.put(None)
            self._thread.join(timeout)
            self._thread = None

    def _loop(self) -> None:
        while True:
            batch = self._inbox.get()
            if batch is None:
                return
            while len(batch) < 500:  # take what else is waiting: one producer round for all of it
                try:
                    more = self._inbox.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    self._inbox.put(None)
                    break
                batch.extend(more)
            self._send(batch)

    def _send(self, batch: list[tuple[str, Path, int]]) -> None:
        try:
            items = [Publication(run_id, self.revisions.revision(folder), priority) for run_id, folder, priority in batch]
            self.publisher.publish(items)
        except BrokerUnavailable as exc:
            self.failures += len(batch)
            if (quiet := self._noise.check("broker")) is not None:
                log.warning("broker unavailable, %d run(s) stay queued for the sweeper (%s)%s", len(batch),
                            one_line(str(exc)), f"; {quiet} more failures since the last report" if quiet else "")
        except Exception:  # noqa: BLE001 - a bug must not end the thread: the sweeper covers the runs
            log.exception("publishing %d run(s) failed", len(batch))

