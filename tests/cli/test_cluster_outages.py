"""A cluster through outages: PostgreSQL stopped while a run ends on a worker; a worker stopped with SIGTERM."""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.cli.cluster_processes import ClusterServe, ClusterStore, Worker
from tests.conftest import FIXTURES, copy_workspace
from tests.pg_server import EmbeddedPostgres

pytestmark = pytest.mark.timeout(180)


@pytest.fixture()
def ws(tmp_path: Path) -> Path:
    return copy_workspace(FIXTURES / "queue_workspace", tmp_path / "ws")


@pytest.fixture()
def processes() -> Iterator[list]:
    started: list = []
    yield started
    for process in reversed(started):
        process.stop(signal.SIGKILL, timeout=10)


def test_a_run_ending_while_postgresql_is_down_is_recorded_once_it_is_back_and_no_worker_is_declared_dead(
        ws: Path, tmp_path: Path, own_pg_server: EmbeddedPostgres, broker_url: str, processes: list) -> None:
    store = ClusterStore(own_pg_server.create_database(), tmp_path / "unused.sqlite3")
    serve = ClusterServe(ws, tmp_path / "serve", broker_url, store)
    processes.append(serve)
    processes.append(Worker(ws, tmp_path / "worker", broker_url, store, "w1"))
    run_id = requests.post(f"{serve.url}/api/webhooks/slow", json={"seconds": 4}, timeout=10).json()["run_id"]
    store.wait(lambda: store.count(f"id = '{run_id}' AND status = 'running'") == 1, 30, "the run to start")
    own_pg_server.stop()
    refused = requests.post(f"{serve.url}/api/webhooks/slow", json={"seconds": 0}, timeout=30)
    assert refused.status_code == 503 and refused.headers.get("Retry-After")
    time.sleep(6)  # the run ends meanwhile (its worker keeps the outcome); heartbeats fail for longer than DEAD_AFTER
    own_pg_server.start()
    store.wait(lambda: store.count(f"id = '{run_id}' AND status = 'success'") == 1, 60, "the outcome to be recorded")
    assert store.rows("SELECT worker FROM run WHERE id = ?", (run_id,))[0][0] == "w1"
    assert store.count("status = 'interrupted'") == 0  # nobody was judged dead for the outage
    accepted = requests.post(f"{serve.url}/api/webhooks/slow?wait=true", json={"seconds": 0}, timeout=60)
    assert accepted.status_code == 200 and accepted.json()["status"] == "success"


def test_sigterm_gives_running_runs_the_grace_then_ends_them_interrupted_with_their_retry(
        ws: Path, tmp_path: Path, pg_url: str, broker_url: str, processes: list) -> None:
    store = ClusterStore(pg_url, tmp_path / "unused.sqlite3")
    serve = ClusterServe(ws, tmp_path / "serve", broker_url, store)
    processes.append(serve)
    worker = Worker(ws, tmp_path / "worker", broker_url, store, "leaving")  # --grace 2
    processes.append(worker)
    run_id = requests.post(f"{serve.url}/api/webhooks/burst", json={"i": 1, "ledger": str(tmp_path / "ledger"),
                                                                    "seconds": 60}, timeout=10).json()["run_id"]
    store.wait(lambda: store.count(f"id = '{run_id}' AND status = 'running'") == 1, 30, "the run to start")
    started = time.monotonic()
    assert worker.stop(signal.SIGTERM, timeout=30) == 0
    assert time.monotonic() - started < 20
    status, error = store.rows("SELECT status, error FROM run WHERE id = ?", (run_id,))[0]
    assert status == "interrupted" and "stopped" in error
    (retry,) = store.rows("SELECT status, attempt FROM run WHERE parent_run_id = ?", (run_id,))
    assert retry == ("queued", 2)  # waits for a worker
    assert store.count() == 2 and store.rows("SELECT COUNT(*) FROM worker")[0][0] == 0
