"""Claims on the real store (SQLite file and PostgreSQL): once per run, max_instances across workers, lost runs."""

from __future__ import annotations

import random
import threading
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from flowdesk.core.cluster.run_claims import RunClaims
from flowdesk.core.cluster.store_access import StoreAccess
from flowdesk.core.cluster.worker_registry import LostRunReaper, WorkerRegistry
from flowdesk.core.engine import RunOutcome
from flowdesk.core.store import RunStore, new_run_id
from flowdesk.core.store.records import utc_now
from flowdesk.core.store.run_queue_tables import QueuedRun, RetryPlan


@pytest.fixture()
def store(store_location: str | Path) -> Iterator[RunStore]:
    with RunStore(store_location) as s:
        StoreAccess(s).ensure_tables()
        yield s


def queue(store: RunStore, count: int, workflow: str = "wf", trigger: str = "webhook") -> list[str]:
    ids = [new_run_id() for _ in range(count)]
    now = utc_now()
    store.enqueue([QueuedRun(run_id, workflow, trigger, {"n": n}, {"n": n}, queued_at=now + timedelta(microseconds=n))
                   for n, run_id in enumerate(ids)])
    return ids


def success(run_id: str) -> RunOutcome:
    now = utc_now()
    return RunOutcome(run_id, "success", now, now, 0.0, {"status": "success"}, "ok", None, "printed\n")


def test_racing_workers_claim_each_run_exactly_once(store: RunStore) -> None:
    ids = queue(store, 200)
    claimed: Counter[str] = Counter()
    lock = threading.Lock()

    def worker(name: str) -> None:
        claims = RunClaims(StoreAccess(store), name)
        order = ids[:]
        random.Random(name).shuffle(order)
        for run_id in order:
            state, run = claims.claim(run_id, lambda _wf: 1000)
            if state == "claimed":
                assert run is not None and run.payload is not None
                with lock:
                    claimed[run_id] += 1
        store.db.close()

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert claimed == Counter({run_id: 1 for run_id in ids})
    assert store.count_runs(status="running") == 200


def test_max_instances_holds_across_workers_and_an_end_releases_the_oldest_parked_run(store: RunStore) -> None:
    ids = queue(store, 5)
    workers = [RunClaims(StoreAccess(store), f"w{i}") for i in range(3)]
    results = [workers[i % 3].claim(run_id, lambda _wf: 2) for i, run_id in enumerate(ids)]
    assert [state for state, _ in results] == ["claimed", "claimed", "parked", "parked", "parked"]
    assert workers[0].release("wf", 2) == []  # no room: nothing goes
    assert workers[1].claim(ids[2], lambda _wf: 2)[0] == "parked"  # a parked run's duplicate message: no room yet
    assert workers[1].claim(ids[0], lambda _wf: 2)[0] == "gone"  # already claimed
    run0 = results[0][1]
    assert run0 is not None
    recorded, parked = workers[0].finish(run0, success(ids[0]), None)
    assert recorded and parked and store.get(ids[0]).status == "success"  # type: ignore[union-attr]
    assert store.get(ids[0]).output == {"status": "success"} and store.payload(ids[0]) is None  # type: ignore
    assert store.get_log(ids[0]) == "printed\n"
    assert [rid for rid, _ in workers[0].release("wf", 2)] == [ids[2]]  # one slot: the oldest parked run
    assert workers[2].claim(ids[2], lambda _wf: 2)[0] == "claimed"
    assert store.count_runs(status="running") == 2


def test_a_lost_workers_run_ends_interrupted_once_retries_and_its_late_outcome_is_dropped(store: RunStore) -> None:
    (run_id,) = queue(store, 1)
    access = StoreAccess(store)
    claims = RunClaims(access, "ghost")
    state, run = claims.claim(run_id, lambda _wf: 1)
    assert state == "claimed" and run is not None
    WorkerRegistry(access).beat("alive", 2, 0)  # "ghost" never beat: it counts as dead at once
    reapers = [LostRunReaper(RunClaims(access, ""), lambda _wf: (1, 0.0), lambda _wf: 1, lambda _wf: "rev")
               for _ in range(2)]
    ended = [reaper.reap(dead_after=60) for reaper in reapers]
    assert sorted(count for count, _ in ended) == [0, 1]  # two reapers, one end
    retry_id = next(pubs for count, pubs in ended if count)[0].run_id
    record = store.get(run_id)
    assert record is not None and record.status == "interrupted" and "ghost" in (record.error or "")
    retry = store.get(retry_id)
    assert retry is not None and retry.status == "queued" and retry.parent_run_id == run_id and retry.attempt == 2
    assert store.payload(retry_id) == {"n": 0}
    late, _ = claims.finish(run, success(run_id), RetryPlan(new_run_id(), None))
    assert not late and store.get(run_id).status == "interrupted"  # type: ignore[union-attr]
    assert claims.finish(run, success(run_id), None) == (False, False)  # the one-statement end checks it too
    assert store.get(run_id).status == "interrupted"  # type: ignore[union-attr]
    assert store.count_runs() == 2  # the dropped outcomes queued no retry of their own


def test_only_workflows_whose_limit_is_under_the_cluster_capacity_are_checked(store: RunStore) -> None:
    claims = RunClaims(StoreAccess(store), "w0")
    limited = queue(store, 4, workflow="limited")
    assert [claims.claim(run_id, lambda _wf: 2, capacity=3)[0] for run_id in limited] == \
        ["claimed", "claimed", "parked", "parked"]  # given back before running, queued again
    assert store.count_runs(workflow="limited", status="queued") == 2
    roomy = queue(store, 4, workflow="roomy")  # max_instances >= capacity: the cluster cannot run more at once
    assert [claims.claim(run_id, lambda _wf: 3, capacity=3)[0] for run_id in roomy] == ["claimed"] * 4
    assert claims.claim(roomy[0], lambda _wf: 3, capacity=3) == ("gone", None)
