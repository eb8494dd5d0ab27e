"""The leading serve's sweeps: queued runs without a message are published, lost runs end, parked runs go.

Nothing depends on a message surviving: the store says what is queued. A run committed while the
broker was down, lost with a broker restart, or accepted by a serve that died before publishing has
no mark in ``flowdesk:published``; after ``publish_grace`` seconds the sweeper publishes it. It looks
at once when this serve failed to publish or the broker restarted, else every ``rescan_interval``;
pages of queued runs are read after a cursor, so a long backlog is covered a page per sweep.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from flowdesk.core.cluster.publisher import BrokerUnavailable, Publication, PublishedMarks, RunPublisher
from flowdesk.core.cluster.run_claims import RunClaims
from flowdesk.core.cluster.settings import ClusterSettings
from flowdesk.core.cluster.worker_registry import LostRunReaper, WorkerRegistry
from flowdesk.core.store.models import to_micros
from flowdesk.core.store.records import utc_now

log = logging.getLogger(__name__)
PAGE = 1000
_UNPUBLISHED = (
    "SELECT id, workflow, priority, queued_at FROM run WHERE status = 'queued' AND queued_at < ?"
    " AND (not_before IS NULL OR not_before <= ?) AND (queued_at > ? OR (queued_at = ? AND id > ?))"
    " AND NOT EXISTS (SELECT 1 FROM cluster_parked_run p WHERE p.run_id = run.id)"
    " ORDER BY queued_at, id LIMIT ?"
)


@dataclass
class SweepReport:
    """What one sweep did."""

    republished: int = 0
    interrupted: int = 0
    released: int = 0


class Sweeper:
    """Runs in a thread of the leading serve (blocking database and broker calls)."""

    def __init__(self, claims: RunClaims, reaper: LostRunReaper, workers: WorkerRegistry, marks: PublishedMarks,
                 publisher: RunPublisher, settings: ClusterSettings, revision_of: Callable[[str], str],
                 limit_of: Callable[[str], int], publish_failures: Callable[[], int] = lambda: 0) -> None:
        self.claims = claims
        self.access = claims.access
        self.reaper = reaper
        self.workers = workers
        self.marks = marks
        self.publisher = publisher
        self.settings = settings
        self.revision_of = revision_of
        self.limit_of = limit_of
        self.publish_failures = publish_failures
        self._cursor: tuple[int, str] = (-1, "")
        self._scan_due = 0.0  # monotonic time of the next full look for runs without a message
        self._seen = (0, "")  # (publish failures, broker server id) at the last look
        self.sweeps = 0

    def sweep(self, reap: bool = True) -> SweepReport:
        """One round of every duty (lost runs only with ``reap``); a broker outage leaves work for the next."""
        report = SweepReport()
        publish: list[Publication] = []
        if reap:
            report.interrupted, reaped = self.reaper.reap(self.settings.worker_dead_after)
            publish += reaped
        for workflow in self.claims.parked_workflows():
            released = self.claims.release(workflow, self.limit_of(workflow))
            report.released += len(released)
            publish += [Publication(rid, self.revision_of(workflow), prio) for rid, prio in released]
        try:
            if self._should_scan():
                report.republished = self._republish()
            self.publisher.publish(publish)
        except BrokerUnavailable as exc:
            log.debug("sweep: broker unavailable (%s); next round", exc)
        self.sweeps += 1
        if self.sweeps % 100 == 0:
            self.workers.forget_dead(self.settings.worker_dead_after)
        return report

    def _should_scan(self) -> bool:
        """Look for runs without a message when something may have lost some, or every rescan_interval.

        Signs of loss: this serve failed to publish, or the broker is another server process than
        at the last look (restarted: without persistence its queues are gone). A look that is half
        way through a backlog goes on at the next sweep.
        """
        seen = (self.publish_failures(), self.marks.server_id())
        lost = seen != self._seen
        self._seen = seen
        return lost or self._cursor != (-1, "") or time.monotonic() >= self._scan_due

    def _republish(self) -> int:
        """Publish the next page of queued runs that have no message; returns how many."""
        now = utc_now()
        older = to_micros(now - timedelta(seconds=self.settings.publish_grace))
        after_at, after_id = self._cursor
        rows = self.access.rows(_UNPUBLISHED, (older, to_micros(now), after_at, after_at, after_id, PAGE))
        # Next sweep: the page after this one, or from the start once the backlog is covered.
        self._cursor = (int(rows[-1][3]), str(rows[-1][0])) if len(rows) == PAGE else (-1, "")
        missing = set(self.marks.missing([str(r[0]) for r in rows])) if rows else set()
        items = [Publication(str(r[0]), self.revision_of(str(r[1])), int(r[2] or 0)) for r in rows if r[0] in missing]
        if items:
            self.publisher.publish(items)
            log.info("sweep: published %d queued run(s) that had no message", len(items))
        elif self._cursor == (-1, ""):  # a whole look found nothing: the next one in rescan_interval
            self._scan_due = time.monotonic() + self.settings.rescan_interval
        return len(items)
