"""The listener never waits on a run; every accepted webhook has exactly one run record."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from flowdesk.core.service_settings import RuntimeSettings
from tests.core.listener.conftest import TOKEN, Api, ServiceThread


def test_health_and_api_answer_while_every_worker_is_busy(listener_ws: Path, data_dir: Path, monkeypatch) -> None:
    monkeypatch.setenv("FLOWDESK_API_TOKEN", TOKEN)
    svc = ServiceThread(listener_ws, data_dir, RuntimeSettings(max_workers=2, warm_workers=2, queue_limit=100),
                        watch=False, scheduler=False).start()
    try:
        api = Api(svc.url)
        for _ in range(40):  # the seed platform took 28 s to answer /health with 40 slow runs in flight
            assert api("POST", "/api/webhooks/slow", json={"seconds": 5}).status_code == 202
        health = api("GET", "/health", auth=False)
        assert health.status_code == 200
        body = health.json()
        # Webhook runs never take the last worker: it is kept for clicks and schedules.
        assert body["runs_running"] == 1 and body["runs_queued"] == 39
        # a few more calls, all answered from memory or SQLite, never behind the runs
        assert api("GET", "/api/workflows").status_code == 200
        started = time.monotonic()
        manual = api("POST", "/api/workflows/execute/echo", json={"n": 3})
        assert manual.json()["status"] == "success" and time.monotonic() - started < 5
        assert api("GET", "/api/workflows/stats").status_code == 200
        assert health.elapsed.total_seconds() < 2  # generous bound on a loaded CI box; real figure in BENCHMARKS.md
    finally:
        svc.service.options.grace = 0
        svc.stop()


def test_every_accepted_webhook_has_exactly_one_run(listener_ws: Path, data_dir: Path, monkeypatch) -> None:
    monkeypatch.setenv("FLOWDESK_API_TOKEN", TOKEN)
    svc = ServiceThread(listener_ws, data_dir, RuntimeSettings(max_workers=2, warm_workers=2, queue_limit=150),
                        watch=False, scheduler=False).start()
    try:
        api_urls = svc.url

        def fire(i: int) -> tuple[int, str | None]:
            r = Api(api_urls)("POST", f"/api/webhooks/echo?n={i % 100}", json={"i": i})
            return r.status_code, r.json().get("run_id")

        with ThreadPoolExecutor(16) as pool:
            results = list(pool.map(fire, range(400)))
        accepted = [run_id for code, run_id in results if code == 202]
        refused = [code for code, _ in results if code != 202]
        assert accepted and set(refused) <= {429}
        assert len(set(accepted)) == len(accepted)
        store = svc.service.runtime.store
        deadline = time.time() + 60
        while store.count_runs(workflow="echo", status=["queued", "running"]) and time.time() < deadline:
            time.sleep(0.1)
        runs = store.list_runs(workflow="echo", limit=1000)
        assert sorted(r.id for r in runs) == sorted(accepted)
        assert {r.status for r in runs} == {"success"}
    finally:
        svc.stop()
