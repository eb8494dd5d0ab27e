"""FairRunQueue over a real store (SQLite, then PostgreSQL): windows that spill and refill in order, fair turns."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from flowdesk.core.run_queue import FairRunQueue, Lane, QueueItem
from flowdesk.core.store import RunStore, new_run_id
from flowdesk.core.store.records import utc_now
from flowdesk.core.store.run_queue_tables import QueuedRun


@pytest.fixture()
def store(store_location: str | Path):
    s = RunStore(store_location)
    yield s
    s.close()


def accept(store: RunStore, queue: FairRunQueue, workflow: str, trigger: str = "webhook", **kw) -> str:
    """Commit a run as the run service does, then tell the queue."""
    run = QueuedRun(run_id=new_run_id(), workflow=workflow, trigger=trigger, input={}, data={"w": workflow}, **kw)
    assert store.enqueue([run]) == [run.run_id]
    queue.add(QueueItem(run.run_id, workflow, trigger, run.key, not_before=run.not_before))
    return run.run_id


def drain(queue: FairRunQueue, store: RunStore, can_start=lambda lane, item: True) -> list[QueueItem]:
    out = []
    while (item := queue.take(can_start)) is not None:
        store.mark_running(item.run_id, utc_now())  # what the engine's "started" event does
        out.append(item)
    return out


def test_a_backlog_larger_than_the_window_runs_in_order_exactly_once(store: RunStore) -> None:
    queue = FairRunQueue(store.queued_after, window=8)
    ids = [accept(store, queue, "flood") for _ in range(50)]
    lane = next(queue.lanes())
    assert len(lane.heap) == 8 and lane.spilled == 42 and queue.total == 50  # memory holds a window only
    taken = drain(queue, store)
    assert [item.run_id for item in taken] == ids
    assert queue.total == 0


def test_a_restart_reads_the_backlog_back_from_the_store(store: RunStore) -> None:
    first = FairRunQueue(store.queued_after, window=4)
    ids = [accept(store, first, "a") for _ in range(10)]
    again = FairRunQueue(store.queued_after, window=4)
    again.load_counts(store.queued_counts())
    assert again.total == 10
    assert [item.run_id for item in drain(again, store)] == ids


def test_workflows_are_served_in_turn(store: RunStore) -> None:
    queue = FairRunQueue(store.queued_after, window=4)
    for _ in range(20):
        accept(store, queue, "flood")
    quiet = accept(store, queue, "quiet")
    taken = drain(queue, store)
    order = [item.workflow for item in taken]
    assert order.index("quiet") <= 1, order  # not behind the 20 runs of the flood
    assert [item.run_id for item in taken].count(quiet) == 1 and len(taken) == 21


def test_interactive_runs_jump_ahead_of_webhooks_of_the_same_workflow(store: RunStore) -> None:
    queue = FairRunQueue(store.queued_after, window=4)
    for _ in range(12):
        accept(store, queue, "wf", "webhook")
    scheduled = accept(store, queue, "wf", "schedule")
    manual = accept(store, queue, "wf", "manual")
    taken = drain(queue, store)
    assert [item.run_id for item in taken[:2]] == [manual, scheduled]
    assert len(taken) == 14 and len({item.run_id for item in taken}) == 14


def test_can_start_holds_a_lane_back_without_blocking_the_others(store: RunStore) -> None:
    queue = FairRunQueue(store.queued_after)
    accept(store, queue, "busy")
    other = accept(store, queue, "free")

    def only_free(lane: Lane, item: QueueItem) -> bool:
        return lane.workflow == "free"

    assert queue.take(only_free).run_id == other
    assert queue.take(only_free) is None and queue.total == 1


def test_a_delayed_retry_waits_for_its_time(store: RunStore) -> None:
    queue = FairRunQueue(store.queued_after)
    later = utc_now() + timedelta(seconds=30)
    delayed = accept(store, queue, "wf", "manual", not_before=later)
    now_run = accept(store, queue, "wf", "webhook")
    assert queue.take(lambda lane, item: True).run_id == now_run  # the delayed one steps aside
    assert queue.take(lambda lane, item: True) is None
    assert queue.next_delay() == later and queue.in_flight("wf") == 1
    assert queue.take(lambda lane, item: True, now=later + timedelta(seconds=1)).run_id == delayed
