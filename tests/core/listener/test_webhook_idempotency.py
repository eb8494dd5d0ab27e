"""A sender that retries a delivery gets the first run back, not a second run (Idempotency-Key and friends)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from flowdesk.core.service_settings import RuntimeSettings
from tests.core.listener.conftest import TOKEN, Api, ServiceThread


@pytest.fixture()
def hooks(listener_ws: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Api]:
    folder = listener_ws / "private/workflows/stripe_events"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps({
        "name": "Stripe events", "triggers": ["webhook"],
        "webhook": {"auth": "public", "idempotency_field": "id"}}))
    (folder / "main.py").write_text("def execute(data, tools):\n    return {'status': 'success', 'data': data}\n")
    monkeypatch.setenv("FLOWDESK_API_TOKEN", TOKEN)
    svc = ServiceThread(listener_ws, data_dir, RuntimeSettings(max_workers=2, warm_workers=1),
                        watch=False, scheduler=False).start()
    yield Api(svc.url)
    svc.stop()


def runs_of(api: Api, workflow: str) -> list[dict]:
    return api("GET", f"/api/runs?workflow={workflow}").json()


def test_a_repeated_idempotency_key_returns_the_first_run(hooks: Api) -> None:
    first = hooks("POST", "/api/webhooks/hook_public", auth=False, json={"n": 1},
                  headers={"Idempotency-Key": "order-42"})
    again = hooks("POST", "/api/webhooks/hook_public", auth=False, json={"n": 2},
                  headers={"Idempotency-Key": "order-42"})
    assert first.status_code == again.status_code == 202
    assert again.json()["run_id"] == first.json()["run_id"]
    assert again.headers["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first.headers
    other = hooks("POST", "/api/webhooks/hook_public", auth=False, json={"n": 3},
                  headers={"Idempotency-Key": "order-43"})
    assert other.json()["run_id"] != first.json()["run_id"]
    assert len(runs_of(hooks, "hook_public")) == 2


def test_github_delivery_ids_deduplicate_redeliveries(hooks: Api) -> None:
    ids = {hooks("POST", "/api/webhooks/hook_public", auth=False, json={"action": "opened"},
                 headers={"X-GitHub-Delivery": "72d3162e-cc78-11e3-81ab-4c9367dc0958"}).json()["run_id"]
           for _ in range(3)}
    assert len(ids) == 1 and len(runs_of(hooks, "hook_public")) == 1


def test_an_event_id_in_the_body_deduplicates_when_the_workflow_names_the_field(hooks: Api) -> None:
    event = {"id": "evt_1NG8Du2eZvKYlo2CUI79vXWy", "type": "invoice.paid"}
    a = hooks("POST", "/api/webhooks/stripe_events", auth=False, json=event).json()["run_id"]
    b = hooks("POST", "/api/webhooks/stripe_events", auth=False, json=event).json()["run_id"]
    c = hooks("POST", "/api/webhooks/stripe_events", auth=False, json={**event, "id": "evt_other"}).json()["run_id"]
    assert a == b != c and len(runs_of(hooks, "stripe_events")) == 2


def test_the_replay_of_a_waited_run_returns_its_result(hooks: Api) -> None:
    first = hooks("POST", "/api/workflows/execute/echo", json={"n": 5}, headers={"Idempotency-Key": "k1"}).json()
    again = hooks("POST", "/api/workflows/execute/echo", json={"n": 6}, headers={"Idempotency-Key": "k1"}).json()
    assert again == first and first["data"]["n"] == 5


def test_an_unusable_idempotency_key_is_a_400(hooks: Api) -> None:
    long = hooks("POST", "/api/webhooks/hook_public", auth=False, json={}, headers={"Idempotency-Key": "k" * 300})
    assert long.status_code == 400 and "idempotency key" in long.json()["error"]
    assert runs_of(hooks, "hook_public") == []
