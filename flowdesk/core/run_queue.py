"""The in-memory window over the store's queued runs: one lane per workflow, served round-robin.

The store holds every queued run; memory holds at most ``window`` of them per workflow
(plus runs delayed for a retry). Each lane remembers how many of its runs are only in the
store (``spilled``) and the largest queue key it has loaded (``cursor``): every spilled run
sorts after the cursor, so a refill is one indexed range read.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flowdesk.core.store.run_queue_tables import PRIORITY_WEBHOOK, QueueKey, QueuedRef
from flowdesk.core.store.records import utc_now

DEFAULT_WINDOW = 64


@dataclass(eq=False)
class QueueItem:
    """One queued run in memory; ``prepared`` is the checked request when this process accepted it."""

    run_id: str
    workflow: str
    trigger: str
    key: QueueKey
    attempt: int = 1
    parent_run_id: str | None = None
    not_before: datetime | None = None
    prepared: Any = None  # flowdesk.core.run_service.PreparedRun (kept untyped: no import cycle)

    @property
    def low_priority(self) -> bool:
        """True for webhook runs, which may never take the last free worker."""
        return self.key[0] >= PRIORITY_WEBHOOK

    @classmethod
    def from_ref(cls, ref: QueuedRef) -> QueueItem:
        """An item for a run read back from the store."""
        return cls(ref.run_id, ref.workflow, ref.trigger, ref.key, ref.attempt, ref.parent_run_id, ref.not_before)


@dataclass
class Lane:
    """One workflow's queued runs: a small heap in memory plus a count of those only in the store."""

    workflow: str
    heap: list[tuple[QueueKey, QueueItem]] = field(default_factory=list)
    spilled: int = 0
    cursor: QueueKey | None = None
    running: int = 0

    @property
    def queued(self) -> int:
        """Queued runs of this workflow, in memory or not."""
        return len(self.heap) + self.spilled


class FairRunQueue:
    """Queued runs by workflow; ``take`` serves workflows in turn, each in (priority, age) order."""

    def __init__(self, read_after: Callable[[str, QueueKey | None, int], list[QueuedRef]],
                 window: int = DEFAULT_WINDOW) -> None:
        self._read_after = read_after
        self.window = max(2, window)
        self._lanes: dict[str, Lane] = {}
        self._ring: deque[str] = deque()  # workflows with queued or running runs, in serving order
        self._in_ring: set[str] = set()
        self._delayed: list[tuple[datetime, str, QueueItem]] = []  # retries waiting for their time
        self.total = 0  # queued runs in all lanes (store included), for the backlog limit

    # -- filling --------------------------------------------------------------------------
    def clear(self) -> None:
        """Forget everything in memory (the store still has it): before ``load_counts`` on a restart."""
        self._lanes.clear()
        self._ring.clear()
        self._in_ring.clear()
        self._delayed.clear()
        self.total = 0

    def load_counts(self, counts: dict[str, int]) -> None:
        """Start from the store: these many queued runs per workflow, none of them in memory yet."""
        for workflow, count in counts.items():
            if count > 0:
                self._lane(workflow).spilled += count
                self.total += count

    def add(self, item: QueueItem) -> None:
        """A run just committed as queued by this process."""
        lane = self._lane(item.workflow)
        self.total += 1
        if (lane.cursor is not None and item.key < lane.cursor) or (lane.spilled == 0 and len(lane.heap) < self.window):
            heapq.heappush(lane.heap, (item.key, item))
            if lane.cursor is None or item.key > lane.cursor:
                lane.cursor = item.key
        else:
            lane.spilled += 1  # it sorts after the cursor: a later refill reads it back

    def _lane(self, workflow: str) -> Lane:
        lane = self._lanes.get(workflow)
        if lane is None:
            lane = self._lanes[workflow] = Lane(workflow)
        if workflow not in self._in_ring:
            self._in_ring.add(workflow)
            self._ring.append(workflow)
        return lane

    def _refill(self, lane: Lane) -> None:
        if lane.spilled <= 0 or len(lane.heap) > self.window // 2:
            return
        refs = self._read_after(lane.workflow, lane.cursor, self.window)
        for ref in refs:
            heapq.heappush(lane.heap, (ref.key, QueueItem.from_ref(ref)))
            lane.cursor = ref.key
        if refs:
            lane.spilled = max(0, lane.spilled - len(refs))
        else:  # the store has none left (changed behind our back): stop counting them
            self.total -= lane.spilled
            lane.spilled = 0

    # -- serving --------------------------------------------------------------------------
    def take(self, can_start: Callable[[Lane, QueueItem], bool], now: datetime | None = None) -> QueueItem | None:
        """The next run to start, visiting workflows in turn; None when no lane may start one now."""
        now = now or utc_now()
        self._release_due(now)
        for _ in range(len(self._ring)):
            workflow = self._ring[0]
            self._ring.rotate(-1)
            lane = self._lanes[workflow]
            item = self._head(lane, now)
            if item is None:
                if lane.queued == 0 and lane.running == 0:
                    self._drop_lane(workflow)
                continue
            if can_start(lane, item):
                heapq.heappop(lane.heap)
                self.total -= 1
                return item
        return None

    def _head(self, lane: Lane, now: datetime) -> QueueItem | None:
        """The lane's first runnable item; items waiting for a retry time move aside."""
        while True:
            self._refill(lane)
            if not lane.heap:
                return None
            item = lane.heap[0][1]
            if item.not_before is None or item.not_before <= now:
                return item
            heapq.heappop(lane.heap)
            heapq.heappush(self._delayed, (item.not_before, item.run_id, item))

    def _release_due(self, now: datetime) -> None:
        while self._delayed and self._delayed[0][0] <= now:
            _, _, item = heapq.heappop(self._delayed)
            lane = self._lane(item.workflow)
            heapq.heappush(lane.heap, (item.key, item))

    def _drop_lane(self, workflow: str) -> None:
        if any(item.workflow == workflow for _, _, item in self._delayed):
            return
        del self._lanes[workflow]
        self._ring.remove(workflow)
        self._in_ring.discard(workflow)

    def next_delay(self) -> datetime | None:
        """When the earliest delayed retry becomes due (None when there is none)."""
        return self._delayed[0][0] if self._delayed else None

    # -- bookkeeping ----------------------------------------------------------------------
    def started(self, workflow: str) -> None:
        """A run of this workflow went to the engine."""
        self._lane(workflow).running += 1

    def ended(self, workflow: str) -> None:
        """A run of this workflow ended."""
        lane = self._lanes.get(workflow)
        if lane is not None:
            lane.running = max(0, lane.running - 1)

    def in_flight(self, workflow: str) -> int:
        """Queued plus running runs of a workflow (delayed retries included)."""
        lane = self._lanes.get(workflow)
        delayed = sum(1 for _, _, item in self._delayed if item.workflow == workflow)
        return (lane.queued + lane.running if lane else 0) + delayed

    def lanes(self) -> Iterator[Lane]:
        """Every lane (diagnostics)."""
        return iter(self._lanes.values())

    @property
    def running(self) -> int:
        """Runs handed to the engine and not ended."""
        return sum(lane.running for lane in self._lanes.values())
