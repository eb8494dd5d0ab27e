"""``flowdesk serve`` killed with -9: every accepted webhook still runs, and no worker outlives the server."""

from __future__ import annotations

import signal
import sqlite3
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil
import pytest
import requests

from tests.cli.test_serve_command import Serve
from tests.conftest import FIXTURES, copy_workspace


@pytest.fixture()
def ws(tmp_path: Path) -> Path:
    return copy_workspace(FIXTURES / "queue_workspace", tmp_path / "ws")


def db_rows(data_dir: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(data_dir / "flowdesk.sqlite3") as db:
        return db.execute(sql).fetchall()


def wait_until_idle(data_dir: Path, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while db_rows(data_dir, "SELECT COUNT(*) FROM run WHERE status IN ('queued', 'running')")[0][0]:
        if time.monotonic() > deadline:
            raise AssertionError("runs still queued or running")
        time.sleep(0.1)


def test_kill_9_during_a_burst_loses_no_accepted_run(ws: Path, data_dir: Path, tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.txt"
    first = Serve(ws, data_dir)
    accepted: dict[int, str] = {}
    lock = threading.Lock()
    killed = threading.Event()

    def send(i: int) -> None:
        if killed.is_set():
            return
        try:
            r = requests.post(f"{first.url}/api/webhooks/burst", json={"i": i, "ledger": str(ledger)}, timeout=10)
        except requests.RequestException:
            return  # cut by the kill: never answered, so never promised
        if r.status_code == 202:
            with lock:
                accepted[i] = r.json()["run_id"]

    with ThreadPoolExecutor(16) as pool:
        futures = [pool.submit(send, i) for i in range(3000)]
        time.sleep(1.5)
        first.proc.send_signal(signal.SIGKILL)
        killed.set()
        first.proc.wait(10)
        for f in futures:
            f.result()
    assert len(accepted) > 100, "the burst did not get going before the kill"
    left = db_rows(data_dir, "SELECT COUNT(*) FROM run WHERE status = 'queued'")[0][0]
    assert left > 0, "nothing was left queued at the kill: the test proves nothing"

    second = Serve(ws, data_dir)
    try:
        wait_until_idle(data_dir)
    finally:
        second.stop()
    runs = {r[0]: r for r in db_rows(data_dir, "SELECT id, status, parent_run_id, attempt FROM run")}
    retries = {r[2]: r for r in runs.values() if r[2] is not None}
    done = Counter(int(line) for line in ledger.read_text().split())
    interrupted = 0
    for i, run_id in accepted.items():
        run = runs[run_id]  # every accepted run is in the store
        if run[1] == "interrupted":  # it was running at the kill: its retry ran it to the end
            interrupted += 1
            assert retries[run_id][1] == "success" and 1 <= done[i] <= 2
        else:
            assert run[1] == "success" and done[i] == 1, (i, run)
    assert interrupted <= 4  # at most the runs that were on a worker at that instant
    assert len(runs) == len(set(runs))


def test_a_hanging_workflow_and_its_child_die_with_a_killed_server(ws: Path, data_dir: Path, tmp_path: Path) -> None:
    pid_file = tmp_path / "pids"
    serve = Serve(ws, data_dir)
    try:
        r = requests.post(f"{serve.url}/api/webhooks/hang", json={"pid_file": str(pid_file)}, timeout=10)
        assert r.status_code == 202
        deadline = time.monotonic() + 30
        while not pid_file.exists() or not pid_file.read_text().strip():
            assert time.monotonic() < deadline, "the workflow never started"
            time.sleep(0.05)
        worker, child = (int(p) for p in pid_file.read_text().split())
        assert psutil.pid_exists(worker) and psutil.pid_exists(child)
    finally:
        serve.proc.send_signal(signal.SIGKILL)
        serve.proc.wait(10)
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in (worker, child)):
        assert time.monotonic() < deadline, "a worker outlived its server"
        time.sleep(0.05)


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False
