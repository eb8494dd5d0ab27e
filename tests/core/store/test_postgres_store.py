"""What only the PostgreSQL store has to get right: outages and reconnection, threads sharing a pool, one delivery."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from flowdesk.core.errors import StoreUnavailable
from flowdesk.core.store import RunStore, new_run_id
from flowdesk.core.store.postgres_database import MAX_CONNECTIONS
from flowdesk.core.store.run_queue_tables import QueuedRun
from tests.core.store.test_cluster_tables import race
from tests.pg_server import EmbeddedPostgres


def queued(key: str | None = None) -> QueuedRun:
    return QueuedRun(new_run_id(), "wf", "webhook", {}, {"x": 1}, idempotency_key=key)


def test_an_outage_raises_store_unavailable_and_the_same_store_heals(own_pg_server: EmbeddedPostgres) -> None:
    store = RunStore(own_pg_server.create_database("flowdesk"))
    try:
        first = store.enqueue([queued()])[0]
        own_pg_server.stop()
        with pytest.raises(StoreUnavailable, match="database is unavailable"):
            store.enqueue([queued()])
        with pytest.raises(StoreUnavailable):
            store.get(first)
        own_pg_server.start()
        assert store.get(first) is not None  # a fresh connection: no reopening of the store
        assert len(store.enqueue([queued()])) == 1
    finally:
        store.close()


def test_after_a_restart_a_stale_connection_costs_a_transaction_or_a_read_nothing(
        own_pg_server: EmbeddedPostgres) -> None:
    store = RunStore(own_pg_server.create_database("flowdesk"))
    try:
        first = store.enqueue([queued()])[0]
        own_pg_server.stop()
        own_pg_server.start()  # nothing used the store meanwhile: its connection is stale, not yet known broken
        # The one-statement INSERT of runs without a delivery id found it dead and went again on a fresh one.
        assert len(store.enqueue([queued(), queued()])) == 2
        own_pg_server.stop()
        own_pg_server.start()
        assert len(store.enqueue([queued("delivery-1")])) == 1  # with a key: BEGIN found it dead and went again
        own_pg_server.stop()
        own_pg_server.start()
        assert store.get(first) is not None  # a read is tried again on a fresh connection
        own_pg_server.stop()
        own_pg_server.start()
        # A write outside a transaction may have reached the server before the connection broke: not retried.
        with pytest.raises(StoreUnavailable):
            store.drop_payload(first)
        store.drop_payload(first)  # the next statement has a fresh connection
        assert store.payload(first) is None
    finally:
        store.close()


def test_threads_that_end_give_their_connection_back(pg_url: str) -> None:
    store = RunStore(pg_url)
    try:
        for _ in range(MAX_CONNECTIONS + 8):  # each thread keeps its connection and never closes it
            t = threading.Thread(target=store.count_runs)
            t.start()
            t.join()
        busy = [threading.Thread(target=lambda: [store.create(new_run_id(), "wf", "manual", {}) for _ in range(20)])
                for _ in range(8)]
        for t in busy:
            t.start()
        for t in busy:
            t.join()
        assert store.count_runs() == 160
        assert len(store.db._in_use) <= 9  # noqa: SLF001 - this thread's and those just alive
    finally:
        store.close()


def test_one_delivery_accepted_at_once_by_several_processes_is_queued_once(store: RunStore,
                                                                           store_location: str | Path) -> None:
    accepted = race(store_location, 4, lambda s, n: s.enqueue([queued("delivery-7")]))
    assert len({ids[0] for ids in accepted}) == 1  # type: ignore[index]
    assert store.count_runs() == 1
