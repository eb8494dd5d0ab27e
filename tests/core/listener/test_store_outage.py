"""The run database on PostgreSQL goes down: new work gets 503 with Retry-After, and serve recovers by itself."""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from flowdesk.core.service_settings import RuntimeSettings
from tests.conftest import FIXTURES, copy_workspace
from tests.core.listener.conftest import TOKEN, Api, ServiceThread
from tests.pg_server import EmbeddedPostgres


@pytest.fixture()
def on_own_server(own_pg_server: EmbeddedPostgres, listener_ws: Path, data_dir: Path,
                  monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Api, EmbeddedPostgres]]:
    monkeypatch.setenv("FLOWDESK_DATABASE_URL", own_pg_server.create_database("flowdesk"))
    monkeypatch.setenv("FLOWDESK_API_TOKEN", TOKEN)
    svc = ServiceThread(listener_ws, data_dir, RuntimeSettings(max_workers=2, warm_workers=1),
                        watch=False, scheduler=False).start()
    try:
        yield Api(svc.url), own_pg_server
    finally:
        svc.stop()  # whether or not the database is up


def finished(api: Api, run_id: str, timeout: float = 30) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        answer = api("GET", f"/api/runs/{run_id}")
        if answer.status_code == 200 and answer.json()["status"] not in ("queued", "running"):
            return answer.json()
        time.sleep(0.05)
    raise AssertionError(f"run {run_id} did not finish")


def test_a_webhook_gets_503_while_postgresql_is_down_and_202_once_it_is_back(
        on_own_server: tuple[Api, EmbeddedPostgres]) -> None:
    api, server = on_own_server
    before = api("POST", "/api/webhooks/hook_public", auth=False, json={"n": 1})
    assert before.status_code == 202 and finished(api, before.json()["run_id"])["status"] == "success"

    server.stop()
    refused = api("POST", "/api/webhooks/hook_public", auth=False, json={"n": 2})
    assert refused.status_code == 503 and refused.headers["Retry-After"] == "1"
    assert "database is unavailable" in refused.json()["error"]
    read = api("GET", f"/api/runs/{before.json()['run_id']}")
    assert read.status_code == 503 and read.headers["Retry-After"] == "1"
    assert api("GET", "/health", auth=False).status_code == 200  # the listener itself stays up

    server.start()
    after = api("POST", "/api/webhooks/hook_public", auth=False, json={"n": 3})
    assert after.status_code == 202, after.text  # the first request after the restart, no retry needed
    assert finished(api, after.json()["run_id"])["status"] == "success"
    runs = api("GET", "/api/runs?workflow=hook_public").json()
    assert sorted(r["id"] for r in runs) == sorted([before.json()["run_id"], after.json()["run_id"]])  # no third
    server.stop()  # and serve still stops cleanly while its database is down


def test_the_suite_switch_puts_the_service_on_postgresql(service: ServiceThread) -> None:
    dialect = service.service.runtime.store.dialect.name
    assert dialect == ("postgresql" if os.environ.get("FLOWDESK_TEST_DATABASE") == "postgresql" else "sqlite")


@pytest.fixture()
def queue_ws(tmp_path: Path) -> Path:
    # burst: sleeps, notes its end in a ledger, retries 1; flaky: fails once, then succeeds (retries 1)
    return copy_workspace(FIXTURES / "queue_workspace", tmp_path / "queue_ws")


@pytest.fixture()
def queue_service(own_pg_server: EmbeddedPostgres, queue_ws: Path, data_dir: Path,
                  monkeypatch: pytest.MonkeyPatch) -> Iterator[ServiceThread]:
    monkeypatch.setenv("FLOWDESK_DATABASE_URL", own_pg_server.create_database("flowdesk"))
    monkeypatch.setenv("FLOWDESK_API_TOKEN", TOKEN)
    svc = ServiceThread(queue_ws, data_dir, RuntimeSettings(max_workers=2, warm_workers=1), watch=False,
                        scheduler=False)
    svc.start()
    try:
        yield svc
    finally:
        svc.stop()


def test_a_run_ending_while_postgresql_is_down_is_recorded_once_when_it_is_back(
        own_pg_server: EmbeddedPostgres, queue_service: ServiceThread, tmp_path: Path,
        caplog: pytest.LogCaptureFixture) -> None:
    api, ledger = Api(queue_service.url), tmp_path / "ledger"
    accepted = api("POST", "/api/webhooks/burst", auth=False, json={"i": 7, "ledger": str(ledger), "seconds": 3})
    assert accepted.status_code == 202
    run_id = accepted.json()["run_id"]
    deadline = time.monotonic() + 30
    while api("GET", f"/api/runs/{run_id}").json()["status"] != "running":
        assert time.monotonic() < deadline, "the run did not start"
        time.sleep(0.05)

    caplog.set_level(logging.WARNING, logger="flowdesk")
    own_pg_server.stop()
    deadline = time.monotonic() + 30
    while not ledger.exists():  # the run ends while the database is down
        assert time.monotonic() < deadline, "the run did not end"
        time.sleep(0.05)
    time.sleep(3)  # several attempts to record it fail meanwhile
    refused = api("POST", "/api/webhooks/burst", auth=False, json={"i": 8, "ledger": str(ledger)})
    assert refused.status_code == 503 and refused.headers["Retry-After"]

    own_pg_server.start()
    run = finished(api, run_id, timeout=60)
    assert run["status"] == "success" and run["output"] == {"status": "success", "message": "delivery 7"}, run
    time.sleep(2)  # a late second recording or a retry would show by now
    assert ledger.read_text() == "7\n"  # ran once, not again after the outage
    runs = api("GET", "/api/runs?workflow=burst").json()
    assert [r["id"] for r in runs] == [run_id]  # no retry queued, no second row
    waits = [r for r in caplog.records if "cannot record" in r.getMessage()]
    assert len(waits) == 1, [r.getMessage() for r in caplog.records]  # logged once, not once per attempt


def test_a_retry_due_while_postgresql_is_down_waits_for_it_instead_of_failing(
        own_pg_server: EmbeddedPostgres, queue_service: ServiceThread, queue_ws: Path, tmp_path: Path) -> None:
    config = queue_ws / "private" / "workflows" / "flaky" / "config.json"
    config.write_text(config.read_text().replace('"retries": 1', '"retries": 1, "retry_delay": 3'))
    queue_service.call(asyncio.to_thread(queue_service.service.runtime.reload))
    api = Api(queue_service.url)
    first = api("POST", "/api/workflows/execute/flaky", json={"marker": str(tmp_path / "marker")})
    assert first.json()["status"] == "error"  # its retry waits 3 s, its input read back from the store then
    own_pg_server.stop()
    time.sleep(5)  # the retry comes due while the database is down
    own_pg_server.start()
    deadline = time.monotonic() + 60
    while True:
        runs = api("GET", "/api/runs?workflow=flaky").json()
        if len(runs) == 2 and all(r["status"] not in ("queued", "running") for r in runs):
            break
        assert time.monotonic() < deadline, runs
        time.sleep(0.1)
    assert sorted((r["status"], r["message"]) for r in runs) == [
        ("error", "RuntimeError: first attempt fails on purpose"), ("success", "second attempt")], runs
