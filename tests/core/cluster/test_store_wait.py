"""A worker waiting for its database: growing pauses, one warning per outage, and an end that already landed."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from flowdesk.core.cluster.run_claims import RunClaims
from flowdesk.core.cluster.store_access import StoreAccess
from flowdesk.core.cluster.store_wait import MAX_PAUSE, StoreWait, end_already_recorded
from flowdesk.core.store import RunStore
from tests.core.cluster.test_run_claims import queue, success


@pytest.fixture()
def store(store_location: str | Path) -> Iterator[RunStore]:
    with RunStore(store_location) as s:
        StoreAccess(s).ensure_tables()
        yield s


def test_pauses_double_up_to_the_cap_and_an_outage_is_logged_twice_not_per_attempt(caplog) -> None:
    pauses: list[float] = []
    wait = StoreWait("run r1: recording its outcome", sleep=pauses.append)
    with caplog.at_level(logging.WARNING):
        for _ in range(8):
            wait.failed(ConnectionError("server closed the connection"))
        wait.succeeded()
        wait.succeeded()  # nothing more once the outage is over
    assert pauses == [0.5, 1.0, 2.0, 4.0, 8.0, MAX_PAUSE, MAX_PAUSE, MAX_PAUSE]
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 2
    assert "does not answer (server closed the connection)" in lines[0] and "back after 8 failed" in lines[1]


def test_an_end_that_landed_is_recognised_and_only_for_its_worker_and_status(store: RunStore) -> None:
    access = StoreAccess(store)
    claims = RunClaims(access, "w1")
    run_id = queue(store, 1)[0]
    state, run = claims.claim(run_id, lambda _wf: 10)
    assert state == "claimed" and run is not None
    assert not end_already_recorded(access, run_id, "success", "w1")  # still running
    recorded, _ = claims.finish(run, success(run_id), None)
    assert recorded
    assert end_already_recorded(access, run_id, "success", "w1")
    assert not end_already_recorded(access, run_id, "success", "w2")
    assert not end_already_recorded(access, run_id, "failed", "w1")
    assert not end_already_recorded(access, "no-such-run", "success", "w1")
    again, _ = claims.finish(run, success(run_id), None)  # the retried write itself is refused...
    assert not again  # ...which the worker no longer reports as a run declared lost
