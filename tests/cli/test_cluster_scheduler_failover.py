"""One scheduler in a cluster: two ``serve`` processes, the leader killed with -9, the other fires on, no instant twice."""

from __future__ import annotations

import json
import signal
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.cli.cluster_processes import ClusterServe, ClusterStore, Worker
from tests.conftest import FIXTURES, copy_workspace

pytestmark = pytest.mark.timeout(300)


@pytest.fixture()
def ws(tmp_path: Path) -> Path:
    ws = copy_workspace(FIXTURES / "queue_workspace", tmp_path / "ws")
    config = ws / "private" / "workflows" / "quick" / "config.json"
    data = json.loads(config.read_text())
    config.write_text(json.dumps({**data, "schedule": "* * * * *", "timezone": "UTC"}))
    return ws


@pytest.fixture()
def processes() -> Iterator[list]:
    started: list = []
    yield started
    for process in reversed(started):
        process.stop(signal.SIGKILL, timeout=10)


def leads(serve: ClusterServe) -> bool:
    return bool(requests.get(f"{serve.url}/health", timeout=10).json()["cluster"]["scheduler_leader"])


def test_the_standby_serve_takes_over_within_15_s_and_no_instant_fires_twice(
        ws: Path, tmp_path: Path, pg_url: str, broker_url: str, processes: list) -> None:
    store = ClusterStore(pg_url, tmp_path / "unused.sqlite3")
    first = ClusterServe(ws, tmp_path / "serve-a", broker_url, store)
    processes.append(first)
    store.wait(lambda: leads(first), 15, "the first serve to lead")
    second = ClusterServe(ws, tmp_path / "serve-b", broker_url, store)
    processes.append(second)
    processes.append(Worker(ws, tmp_path / "worker", broker_url, store, "w1"))
    time.sleep(1.0)
    assert leads(first) and not leads(second)
    scheduled = "\"trigger\" = 'schedule' AND workflow = 'quick'"
    store.wait(lambda: store.count(f"{scheduled} AND status = 'success'") >= 1, 75, "a scheduled run by the leader")
    first.stop(signal.SIGKILL)
    killed_at = time.monotonic()
    store.wait(lambda: leads(second), 15, "the standby to take the lead")
    assert time.monotonic() - killed_at <= 15
    fired_before = store.count(scheduled)
    store.wait(lambda: store.count(f"{scheduled} AND status = 'success'") >= fired_before + 1, 75,
               "a scheduled run fired by the new leader")
    time.sleep(1.0)  # the new leader's catch-up of instants the old one already fired has run by now
    fires = store.rows("SELECT workflow, due_at FROM schedule_fire WHERE workflow = 'quick'")
    assert len(fires) == len(set(fires)) >= 2
    minutes = Counter(int(row[0]) // 60_000_000 for row in store.rows(f"SELECT queued_at FROM run WHERE {scheduled}"))
    assert minutes and max(minutes.values()) == 1, minutes  # one run per scheduled minute, whoever fired it
    assert store.count(f"{scheduled}") == len(fires)
