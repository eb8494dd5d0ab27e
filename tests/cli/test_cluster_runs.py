"""A FlowDesk cluster for real: ``flowdesk serve --broker`` and ``flowdesk worker`` processes, Valkey, the store.

Webhooks go serve -> broker -> worker -> store; a worker killed with -9 mid-run; a broker restart
with 200 queued runs; a worker holding another revision of the workspace.
"""

from __future__ import annotations

import signal
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.cli.cluster_processes import ClusterServe, ClusterStore, Worker
from tests.conftest import FIXTURES, copy_workspace
from tests.valkey_server import EmbeddedValkey

pytestmark = pytest.mark.timeout(180)


@pytest.fixture()
def ws(tmp_path: Path) -> Path:
    return copy_workspace(FIXTURES / "queue_workspace", tmp_path / "ws")


@pytest.fixture()
def store(pg_url: str, data_dir: Path) -> ClusterStore:
    """The cluster's store: a fresh PostgreSQL database (serve and each worker have their own data dir)."""
    return ClusterStore(pg_url, data_dir / "flowdesk.sqlite3")


@pytest.fixture()
def stoppers() -> Iterator[list]:
    started: list = []
    yield started
    for process in reversed(started):
        process.stop(signal.SIGKILL, timeout=10)


def ledger_counts(ledger: Path) -> Counter[int]:
    return Counter(int(line) for line in ledger.read_text().split()) if ledger.exists() else Counter()


def test_a_webhook_runs_on_a_worker_and_its_record_and_waiters_get_the_outcome(
        ws: Path, data_dir: Path, tmp_path: Path, broker_url: str, store: ClusterStore, stoppers: list) -> None:
    serve = ClusterServe(ws, data_dir, broker_url, store)
    stoppers.append(serve)
    stoppers.append(Worker(ws, worker_dir(tmp_path, data_dir, store, "w1"), broker_url, store, "w1"))
    r = requests.post(f"{serve.url}/api/webhooks/hook", json={"n": 1}, timeout=10)
    assert r.status_code == 202
    run_id = r.json()["run_id"]
    store.wait(lambda: store.count(f"id = '{run_id}' AND status = 'success'") == 1, 30, "the webhook's run")
    (worker_name,) = store.rows("SELECT worker FROM run WHERE id = ?", (run_id,))[0]
    assert worker_name == "w1"
    waited = requests.post(f"{serve.url}/api/webhooks/hook?wait=true", json={"n": 2}, timeout=30)
    assert waited.status_code == 200 and waited.json()["status"] == "success"
    assert waited.json()["data"] == {"n": 2}
    record = serve.api("GET", f"/api/runs/{waited.json()['run_id']}").json()
    assert record["status"] == "success" and record["output"]["data"] == {"n": 2}
    health = requests.get(f"{serve.url}/health", timeout=10).json()
    assert health["cluster"]["broker"]["reachable"] and health["cluster"]["database"]["reachable"]


def burst(serve: ClusterServe, ledger: Path, count: int, seconds: float = 0.0, start: int = 0) -> dict[int, str]:
    """``count`` public webhook deliveries of ``burst``; {delivery number: run id} of the accepted ones."""
    accepted = {}
    with requests.Session() as session:
        for i in range(start, start + count):
            r = session.post(f"{serve.url}/api/webhooks/burst", json={"i": i, "ledger": str(ledger), "seconds": seconds},
                             timeout=10)
            assert r.status_code == 202, r.text
            accepted[i] = r.json()["run_id"]
    return accepted


def worker_dir(tmp_path: Path, data_dir: Path, store: ClusterStore, name: str) -> Path:
    """A worker's data dir: its own with PostgreSQL, the shared one with SQLite (the store is its file)."""
    return tmp_path / name if store.url else data_dir


def test_a_worker_killed_mid_run_loses_nothing_and_its_runs_retry_elsewhere(
        ws: Path, data_dir: Path, tmp_path: Path, broker_url: str, store: ClusterStore, stoppers: list) -> None:
    ledger = tmp_path / "ledger.txt"
    serve = ClusterServe(ws, data_dir, broker_url, store)
    stoppers.append(serve)
    doomed = Worker(ws, worker_dir(tmp_path, data_dir, store, "doomed"), broker_url, store, "doomed")
    stoppers.append(doomed)
    accepted = burst(serve, ledger, 12, seconds=1.5)
    store.wait(lambda: store.count("status = 'running' AND worker = 'doomed'") == 2, 30, "two runs on the worker")
    survivor = Worker(ws, worker_dir(tmp_path, data_dir, store, "survivor"), broker_url, store, "survivor")
    stoppers.append(survivor)
    running = {r[0] for r in store.rows("SELECT id FROM run WHERE status = 'running' AND worker = 'doomed'")}
    doomed.stop(signal.SIGKILL)
    store.wait(lambda: store.count("status IN ('queued', 'running')") == 0, 90, "every run to end")
    runs = {r[0]: r for r in store.rows("SELECT id, status, parent_run_id, worker, error FROM run")}
    retries = {r[2]: r for r in runs.values() if r[2] is not None}
    done = ledger_counts(ledger)
    for i, run_id in accepted.items():
        status = runs[run_id][1]
        if run_id in running or status == "interrupted":  # cut by the kill: its retry ran it, elsewhere
            assert status == "interrupted" and "stopped answering" in runs[run_id][4], runs[run_id]
            assert retries[run_id][1] == "success" and retries[run_id][3] == "survivor"
            assert done[i] == 1
        else:
            assert status == "success" and done[i] == 1, (i, runs[run_id], done[i])
    assert running and running <= {r for r, row in runs.items() if row[1] == "interrupted"}
    assert sum(done.values()) == len(accepted)


def test_runs_accepted_while_the_broker_is_down_or_lost_with_its_restart_all_complete(
        ws: Path, data_dir: Path, tmp_path: Path, own_valkey_server: EmbeddedValkey, store: ClusterStore,
        stoppers: list) -> None:
    ledger = tmp_path / "ledger.txt"
    broker = own_valkey_server.url
    serve = ClusterServe(ws, data_dir, broker, store)
    stoppers.append(serve)
    accepted = burst(serve, ledger, 100)  # published, then lost with the broker's memory
    own_valkey_server.stop()
    accepted |= burst(serve, ledger, 100, start=100)  # accepted with the broker down: in the store only
    assert store.count("status = 'queued'") == 200
    health = requests.get(f"{serve.url}/health", timeout=10).json()["cluster"]
    store.wait(lambda: not requests.get(f"{serve.url}/health", timeout=10).json()["cluster"]["broker"]["reachable"],
               10, "health to see the broker down")
    own_valkey_server.start()
    assert health["database"]["reachable"]
    for name in ("w1", "w2"):
        stoppers.append(Worker(ws, worker_dir(tmp_path, data_dir, store, name), broker, store, name))
    store.wait(lambda: store.count("status = 'success'") == 200, 90, "all 200 runs to succeed")
    assert ledger_counts(ledger) == Counter(range(200))
    assert {r[0] for r in store.rows("SELECT id FROM run")} == set(accepted.values())


def test_a_worker_with_another_revision_of_the_workflow_fails_the_run_naming_both(
        ws: Path, data_dir: Path, tmp_path: Path, broker_url: str, store: ClusterStore, stoppers: list) -> None:
    from flowdesk.core.cluster.revision import folder_revision

    stale = copy_workspace(ws, tmp_path / "stale")
    main_py = stale / "private" / "workflows" / "hook" / "main.py"
    main_py.write_text(main_py.read_text().replace("hooked", "hooked by old code"))
    serve = ClusterServe(ws, data_dir, broker_url, store)
    stoppers.append(serve)
    stoppers.append(Worker(stale, worker_dir(tmp_path, data_dir, store, "old"), broker_url, store, "old"))
    accepted_for = folder_revision(ws / "private" / "workflows" / "hook")
    worker_has = folder_revision(stale / "private" / "workflows" / "hook")
    assert accepted_for != worker_has
    first = requests.post(f"{serve.url}/api/webhooks/hook?wait=true", json={}, timeout=30).json()
    assert first["status"] == "error" and first["run_status"] == "error"
    record = serve.api("GET", f"/api/runs/{first['run_id']}").json()
    assert accepted_for in record["error"] and worker_has in record["error"] and "old" in record["error"]
    assert "hooked by old code" not in str(record)
    # The worker's copy is brought up to date: it reloads and runs the accepted code.
    main_py.write_text((ws / "private" / "workflows" / "hook" / "main.py").read_text())
    second = requests.post(f"{serve.url}/api/webhooks/hook?wait=true", json={}, timeout=30).json()
    assert second["status"] == "success" and second["message"] == "hooked"


def test_two_workers_racing_on_500_runs_each_delivered_twice_run_each_exactly_once(
        ws: Path, data_dir: Path, tmp_path: Path, broker_url: str, store: ClusterStore, stoppers: list) -> None:
    from flowdesk.core.cluster.celery_app import make_celery_app
    from flowdesk.core.cluster.publisher import Publication, PublishedMarks, RunPublisher
    from flowdesk.core.cluster.revision import folder_revision
    from flowdesk.core.cluster.settings import ClusterSettings

    ledger = tmp_path / "ledger.txt"
    serve = ClusterServe(ws, data_dir, broker_url, store)
    stoppers.append(serve)
    accepted = burst(serve, ledger, 500)
    settings = ClusterSettings(broker_url=broker_url)
    duplicate = RunPublisher(make_celery_app(settings), PublishedMarks(settings))
    revision = folder_revision(ws / "private" / "workflows" / "burst")
    duplicate.publish([Publication(run_id, revision, 2) for run_id in accepted.values()])  # a second message each
    racers = [Worker(ws, worker_dir(tmp_path, data_dir, store, name), broker_url, store, name, concurrency=3,
                     wait=False) for name in ("racer1", "racer2")]  # started together: both take from the start
    stoppers.extend(racers)
    for racer in racers:
        racer.wait_ready()
    store.wait(lambda: store.count("status = 'success'") == 500, 120, "all 500 runs to succeed")
    time.sleep(1.0)  # the duplicates still in flight find their runs taken
    assert ledger_counts(ledger) == Counter(range(500))
    assert store.count() == 500
    by_worker = dict(store.rows("SELECT worker, COUNT(*) FROM run GROUP BY worker"))
    assert set(by_worker) == {"racer1", "racer2"} and sum(by_worker.values()) == 500


def test_the_live_log_of_a_run_on_a_worker_reaches_the_api_while_it_runs(
        ws: Path, data_dir: Path, tmp_path: Path, broker_url: str, store: ClusterStore, stoppers: list) -> None:
    serve = ClusterServe(ws, data_dir, broker_url, store)
    stoppers.append(serve)
    stoppers.append(Worker(ws, worker_dir(tmp_path, data_dir, store, "w1"), broker_url, store, "w1"))
    run_id = requests.post(f"{serve.url}/api/webhooks/hang", json={"pid_file": str(tmp_path / "pids")},
                           timeout=10).json()["run_id"]

    def live_line() -> bool:
        record = serve.api("GET", f"/api/runs/{run_id}").json()
        return record["status"] == "running" and "child" in (record.get("log") or "")

    store.wait(live_line, 30, "the running run's printed line in GET /api/runs/{id}")


def test_the_broker_message_holds_only_the_run_id_and_the_revision(
        ws: Path, data_dir: Path, broker_url: str, store: ClusterStore, stoppers: list) -> None:
    import base64
    import json

    import redis

    from flowdesk.core.cluster.revision import folder_revision

    serve = ClusterServe(ws, data_dir, broker_url, store)  # no worker: the message stays on the broker
    stoppers.append(serve)
    secret = "pa55-word-of-the-sender-0123"
    r = requests.post(f"{serve.url}/api/webhooks/hook", json={"token": secret, "note": "private text"}, timeout=10)
    run_id = r.json()["run_id"]
    client = redis.Redis.from_url(broker_url)
    store.wait(lambda: client.llen("flowdesk.webhook") == 1, 10, "the message on the webhook queue")
    raw = client.lindex("flowdesk.webhook", 0)
    assert raw is not None and secret.encode() not in raw and b"private text" not in raw
    message = json.loads(raw)
    args, kwargs, _ = json.loads(base64.b64decode(message["body"]))
    assert args == [run_id, folder_revision(ws / "private" / "workflows" / "hook")] and kwargs == {}
    assert message["headers"]["task"] == "flowdesk.run"
    assert store.count(f"id = '{run_id}' AND status = 'queued'") == 1  # the store holds the run and its input
