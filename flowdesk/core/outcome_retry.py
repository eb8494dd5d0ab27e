"""Outcomes the run database could not take (PostgreSQL down): kept in memory, written once it is back.

A run that ends while its PostgreSQL store is unreachable must neither stay ``running`` for good nor
run again: its outcome (output, log, retry plan) waits here, in end order, and is written as soon as
the database answers, with a backoff between probes (0.5 s doubling to 30 s). The wait is logged
once, and once more when the backlog is written. Probes run off the loop (an unreachable host may
take the whole connect timeout); the writes run on it, as every outcome's does.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING

from flowdesk.core.engine import RunOutcome
from flowdesk.core.errors import StoreUnavailable
from flowdesk.core.run_queue import QueueItem
from flowdesk.core.store.run_queue_tables import RetryPlan

if TYPE_CHECKING:
    from flowdesk.core.run_service import RunService

log = logging.getLogger(__name__)
FIRST_DELAY = 0.5  # seconds before the first probe of a database that refused an outcome
MAX_DELAY = 30.0  # the backoff stops doubling here


@dataclass
class PendingOutcome:
    """One outcome waiting for the database."""

    item: QueueItem
    outcome: RunOutcome
    retry: RetryPlan | None


class OutcomeRetry:
    """Wraps ``RunService.settle``: records now, or keeps the outcome and retries with backoff (engine loop only)."""

    def __init__(self, service: RunService, first_delay: float = FIRST_DELAY, max_delay: float = MAX_DELAY) -> None:
        self.service = service
        self.first_delay = first_delay
        self.max_delay = max_delay
        self.pending: deque[PendingOutcome] = deque()
        self._task: asyncio.Task[None] | None = None

    def settle(self, item: QueueItem, outcome: RunOutcome, retry: RetryPlan | None) -> None:
        """Record the outcome now; while the database is down, keep it (behind any older one) and retry."""
        if not self.pending:  # with a backlog, wait behind it: in end order, and no connect timeout per run
            try:
                self.service.settle(item, outcome, retry)
                return
            except StoreUnavailable as exc:
                log.warning("run %s ended %s but the run database is down; cannot record its outcome yet (%s): "
                            "it is kept and written when the database is back", item.run_id, outcome.status, exc)
        self.pending.append(PendingOutcome(item, outcome, retry))
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._drain(), name="flowdesk-outcome-retry")

    async def _drain(self) -> None:
        delay = self.first_delay
        while self.pending:
            await asyncio.sleep(delay)
            delay = min(delay * 2, self.max_delay)
            try:
                await asyncio.to_thread(self.service.store.db.execute_sql, "SELECT 1")
                self.flush()
            except StoreUnavailable:
                continue
        log.warning("the run database is back: every outcome kept meanwhile is recorded")

    def flush(self) -> int:
        """Write the kept outcomes in order (raises StoreUnavailable at the first that fails); returns how many."""
        written = 0
        while self.pending:
            kept = self.pending[0]
            try:
                self._write(kept)
            except StoreUnavailable:
                raise
            except Exception:  # noqa: BLE001 - one outcome that cannot be written must not hold back the rest
                log.exception("run %s: its outcome could not be recorded", kept.item.run_id)
            self.pending.popleft()
            written += 1
        return written

    def _write(self, kept: PendingOutcome) -> None:
        # The attempt that failed may have committed before its connection broke: then only what
        # follows the write (the retry's place in the queue, the waiters) is left to do.
        record = self.service.store.get(kept.outcome.run_id)
        if record is not None and record.finished:
            self.service.settled(kept.item, record, kept.retry)
        else:
            self.service.settle(kept.item, kept.outcome, kept.retry)

    def stop(self) -> None:
        """Stop retrying (the process stops): one last try, then the next start ends the rest interrupted."""
        if self._task is not None:
            self._task.cancel()
            self._task = None
        if not self.pending:
            return
        try:
            self.flush()
        except StoreUnavailable as exc:
            log.warning("%d run outcome(s) could not be recorded before stopping (%s); the next start ends those "
                        "runs interrupted and retries them per their workflow", len(self.pending), exc)
