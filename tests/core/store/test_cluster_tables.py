"""What machines share through the store, on both databases: one claim per run, worker heartbeats, one fire per instant."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

from flowdesk.core.store import RunStore, new_run_id
from flowdesk.core.store.run_queue_tables import QueuedRun, RetryPlan

T0 = datetime(2026, 5, 4, 8, 0, tzinfo=timezone.utc)


def queue(store: RunStore, n: int, workflow: str = "wf") -> list[str]:
    runs = [QueuedRun(new_run_id(), workflow, "webhook", {"i": i}, {"i": i}) for i in range(n)]
    return store.enqueue(runs)


def race(store_location: str | Path, contenders: int, attempt) -> list[list[object]]:  # noqa: ANN001
    """Each contender opens its own store (as another process would) and calls ``attempt(store, n)`` at once."""
    results: list[list[object]] = [[] for _ in range(contenders)]
    errors: list[BaseException] = []
    go = threading.Barrier(contenders)

    def contender(n: int) -> None:
        store = RunStore(store_location)
        try:
            go.wait()
            results[n] = attempt(store, n)
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
        finally:
            store.close()

    threads = [threading.Thread(target=contender, args=(n,)) for n in range(contenders)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    return results


def test_claim_moves_a_queued_run_to_running_for_one_worker_only(store: RunStore) -> None:
    [run_id] = queue(store, 1)
    assert store.claim(run_id, "worker-a", T0)
    assert not store.claim(run_id, "worker-b", T0), "a claimed run is not queued any more"
    record = store.get(run_id)
    assert record is not None and (record.status, record.started_at) == ("running", T0)
    assert store.worker_runs("worker-a") == [run_id] and store.worker_runs("worker-b") == []
    assert not store.claim("0" * 32, "worker-a")
    store.finish(run_id, "success", T0 + timedelta(seconds=2))
    assert store.worker_runs("worker-a") == [] and store.get(run_id).duration == 2.0  # type: ignore[union-attr]


def test_racing_workers_claim_each_run_exactly_once(store: RunStore, store_location: str | Path) -> None:
    ids = queue(store, 60)
    won = race(store_location, 3, lambda s, n: [rid for rid in ids if s.claim(rid, f"worker-{n}")])
    assert sorted(rid for mine in won for rid in mine) == sorted(ids)
    assert store.count_runs(status="running") == 60


def test_pid_recovery_leaves_claimed_runs_to_their_worker(store: RunStore) -> None:
    claimed, local = queue(store, 2)
    store.claim(claimed, "worker-a")
    store.mark_running(local, T0)
    assert store.mark_interrupted("stopping", statuses=("running",)) == 1
    assert store.get(claimed).status == "running"  # type: ignore[union-attr]
    assert store.get(local).status == "interrupted"  # type: ignore[union-attr]
    assert store.recover_orphans("restart").interrupted == []


def test_a_gone_workers_runs_end_interrupted_and_keep_their_input_for_a_retry(store: RunStore) -> None:
    first, second, other = queue(store, 3)
    for run_id in (first, second):
        store.claim(run_id, "worker-a", T0)
    store.claim(other, "worker-b", T0)
    ended = store.interrupt_worker_runs("worker-a", "worker-a stopped sending heartbeats")
    assert ended == sorted([(first, "wf", 1), (second, "wf", 1)])
    record = store.get(first)
    assert record is not None and record.status == "interrupted" and "heartbeats" in (record.error or "")
    assert store.get(other).status == "running"  # type: ignore[union-attr]
    retry = RetryPlan(new_run_id(), None)
    assert store.insert_retry(first, retry) and store.payload(retry.run_id) == {"i": 0}
    assert store.interrupt_worker_runs("worker-a", "again") == []


def test_workers_report_heartbeats_and_are_listed_by_name(store: RunStore) -> None:
    store.upsert_worker("zeta", "host-1", 4, 0, T0)
    store.upsert_worker("alpha", "host-2", 2, 1, T0 - timedelta(minutes=5))
    store.upsert_worker("zeta", "host-1", 4, 3, T0 + timedelta(seconds=10))  # the next heartbeat replaces the row
    workers = store.list_workers()
    assert [(w.name, w.host, w.concurrency, w.running) for w in workers] == [("alpha", "host-2", 2, 1),
                                                                            ("zeta", "host-1", 4, 3)]
    assert workers[1].last_heartbeat == T0 + timedelta(seconds=10)
    assert [w.name for w in store.list_workers(alive_since=T0 - timedelta(minutes=1))] == ["zeta"]
    assert workers[0].to_dict()["last_heartbeat"] == "2026-05-04T07:55:00.000000+00:00"
    assert store.delete_worker("alpha") and not store.delete_worker("alpha")
    assert [w.name for w in store.list_workers()] == ["zeta"]


def test_a_due_instant_is_fired_once_per_workflow(store: RunStore) -> None:
    assert store.record_fire("digest", T0)
    assert not store.record_fire("digest", T0)
    assert store.record_fire("digest", T0 + timedelta(days=1)) and store.record_fire("report", T0)
    assert store.purge_schedule_fires(datetime.now(timezone.utc) + timedelta(seconds=1)) == 3
    assert store.record_fire("digest", T0), "a purged instant can be recorded again"


def test_racing_schedulers_fire_an_instant_once(store: RunStore, store_location: str | Path) -> None:
    instants = [T0 + timedelta(minutes=m) for m in range(20)]
    fired = race(store_location, 3, lambda s, n: [due for due in instants if s.record_fire("digest", due)])
    assert sorted(due for mine in fired for due in mine) == instants  # type: ignore[type-var]
