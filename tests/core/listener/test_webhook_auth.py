"""Webhook authentication attacked: strangers learn nothing, HMAC covers what reaches the run, replays bounce."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from pathlib import Path

import pytest

from flowdesk.core.config import WorkflowConfig
from flowdesk.core.errors import ConfigErrors
from flowdesk.core.config.config_file import load_workflow_config
from tests.core.listener.conftest import Api

HOOK_MAIN = "def execute(data, tools):\n    return {'status': 'success', 'message': 'hooked', 'data': data}\n"
DOTENV_SECRET = "dotenv-hook-secret-0123456789"
EXTRA_WORKFLOWS = {
    "hook_env": {"name": "Hook env", "triggers": ["webhook"], "webhook": {"auth": "token", "secret_env": "HOOK_ENV_SECRET"}},
    "hook_unset": {"name": "Hook unset", "triggers": ["webhook"],
                   "webhook": {"auth": "token", "secret_env": "HOOK_UNSET_SECRET"}},
    "hook_ts": {"name": "Hook ts", "triggers": ["webhook"], "max_instances": 8,
                "webhook": {"auth": "hmac", "secret": "ts-secret", "timestamp": True}},
    "broken_hook": {"name": "Broken hook", "triggers": ["webhook"], "webhook": {"auth": "nope"}},
}


@pytest.fixture()
def listener_ws(listener_ws: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The listener workspace plus webhook workflows for these attacks, and a config/.env secret."""
    for slug, config in EXTRA_WORKFLOWS.items():
        folder = listener_ws / "private" / "workflows" / slug
        folder.mkdir(parents=True)
        (folder / "config.json").write_text(json.dumps(config), encoding="utf-8")
        (folder / "main.py").write_text(HOOK_MAIN, encoding="utf-8")
    (listener_ws / "config" / ".env").write_text(f"HOOK_ENV_SECRET={DOTENV_SECRET}\n", encoding="utf-8")
    monkeypatch.delenv("HOOK_ENV_SECRET", raising=False)
    monkeypatch.delenv("HOOK_UNSET_SECRET", raising=False)
    return listener_ws


def signed(secret: str, body: bytes, timestamp: str | None = None) -> str:
    message = body if timestamp is None else f"{timestamp}.".encode() + body
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


# -- point 12: one answer for every refused stranger; details for the owner -----------------------


def test_unknown_broken_inactive_and_unauthorised_webhooks_are_indistinguishable(api: Api) -> None:
    attempts = {
        "unknown": ("/api/webhooks/no_such_workflow", {}),
        "broken": ("/api/webhooks/broken_hook", {}),
        "inactive": ("/api/webhooks/inactive", {}),
        "webhook trigger not allowed": ("/api/webhooks/manual_only", {}),
        "API-token webhook": ("/api/webhooks/echo", {}),
        "wrong shared token": ("/api/webhooks/hook_token", {"X-FlowDesk-Token": "guess"}),
        "missing shared token": ("/api/webhooks/hook_token", {}),
        "secret variable unset": ("/api/webhooks/hook_unset", {"X-FlowDesk-Token": "anything"}),
        "bad signature": ("/api/webhooks/hook_hmac", {"X-FlowDesk-Signature": "sha256=" + "0" * 64}),
        "display name, wrong token": ("/api/webhooks/Hook token", {"X-FlowDesk-Token": "guess"}),
    }
    answers = {}
    for label, (path, headers) in attempts.items():
        r = api("POST", path, auth=False, data=b'{"a": 1}', headers={"Content-Type": "application/json", **headers})
        answers[label] = (r.status_code, r.content)
        for leak in ("HOOK_UNSET_SECRET", "no_such_workflow", "broken_hook", "inactive", "manual_only", "private",
                     "X-FlowDesk", "/tmp"):
            assert leak.encode() not in r.content, (label, r.content)
    assert set(answers.values()) == {(401, b'{"error": "unauthorized"}')}, answers


def test_the_owner_still_gets_the_detailed_reason(api: Api) -> None:
    assert api("POST", "/api/webhooks/no_such_workflow", json={}).status_code == 404
    broken = api("POST", "/api/webhooks/broken_hook", json={})
    assert broken.status_code == 409 and "auth" in broken.json()["error"]
    assert api("POST", "/api/webhooks/inactive", json={}).status_code == 403
    manual = api("POST", "/api/webhooks/manual_only", json={})
    assert manual.status_code == 403 and "webhook" in manual.json()["error"]


def test_secret_env_is_read_from_the_workspace_env_file(api: Api) -> None:
    r = api("POST", "/api/webhooks/hook_env?wait=true", auth=False, json={"x": 1},
            headers={"X-FlowDesk-Token": DOTENV_SECRET})
    assert r.status_code == 200 and r.json()["data"] == {"x": 1}
    wrong = api("POST", "/api/webhooks/hook_env", auth=False, json={}, headers={"X-FlowDesk-Token": "nope"})
    assert wrong.status_code == 401


def test_inline_webhook_secrets_are_masked_in_api_answers(api: Api) -> None:
    for path in ("/api/workflows/hook_token", "/api/workflows/hook_hmac", "/api/workflows", "/api/workflows/hook_ts"):
        r = api("GET", path)
        assert r.status_code == 200
        for secret in ("s3cret-token", "hmac-secret", "ts-secret"):
            assert secret not in r.text, (path, secret)
    detail = api("GET", "/api/workflows/hook_token").json()
    assert detail["config"]["webhook"] == {"auth": "token", "secret": "***"}
    assert api("GET", "/api/workflows/hook_env").json()["config"]["webhook"]["secret_env"] == "HOOK_ENV_SECRET"


# -- point 9: what the signature does not cover never reaches the run ------------------------------


def test_injected_url_parameters_never_reach_an_hmac_run(api: Api) -> None:
    body = b'{"event": "push", "ref": "main"}'
    headers = {"Content-Type": "application/json", "X-FlowDesk-Signature": signed("hmac-secret", body)}
    # A captured, validly signed delivery replayed with parameters added to the URL.
    r = api("POST", "/api/webhooks/hook_hmac?wait=true&event=delete&ref=prod&admin=1", auth=False,
            data=body, headers=headers)
    assert r.status_code == 200, r.text
    assert r.json()["data"] == {"event": "push", "ref": "main"}


def test_url_parameters_still_reach_token_and_owner_webhooks(api: Api) -> None:
    r = api("POST", "/api/webhooks/hook_token?wait=true&room=a", auth=False, json={"title": "t"},
            headers={"X-FlowDesk-Token": "s3cret-token"})
    assert r.status_code == 200 and r.json()["data"] == {"title": "t", "room": "a"}
    owner = api("POST", "/api/webhooks/hook_hmac?wait=true&room=b", json={"title": "t"})
    assert owner.status_code == 200 and owner.json()["data"] == {"title": "t", "room": "b"}


def test_timestamped_delivery_is_accepted_once_within_the_window(api: Api) -> None:
    body = b'{"n": 1}'
    ts = str(int(time.time()))
    headers = {"Content-Type": "application/json", "X-FlowDesk-Timestamp": ts,
               "X-FlowDesk-Signature": signed("ts-secret", body, ts)}
    first = api("POST", "/api/webhooks/hook_ts?wait=true", auth=False, data=body, headers=headers)
    assert first.status_code == 200 and first.json()["data"] == {"n": 1}
    replay = api("POST", "/api/webhooks/hook_ts", auth=False, data=body, headers=headers)
    assert replay.status_code == 401 and replay.json() == {"error": "unauthorized"}
    # The same signature spelled differently (bare, upper-case hex) is still the same delivery.
    respelled = {**headers, "X-FlowDesk-Signature": headers["X-FlowDesk-Signature"][7:].upper()}
    assert api("POST", "/api/webhooks/hook_ts", auth=False, data=body, headers=respelled).status_code == 401
    # A new delivery (new timestamp) of the same body is fine.
    ts2 = str(int(ts) + 1)
    fresh = {**headers, "X-FlowDesk-Timestamp": ts2, "X-FlowDesk-Signature": signed("ts-secret", body, ts2)}
    assert api("POST", "/api/webhooks/hook_ts", auth=False, data=body, headers=fresh).status_code == 202


def test_old_missing_or_unsigned_timestamps_are_refused(api: Api) -> None:
    body = b'{"n": 2}'
    old = str(int(time.time()) - 301)
    cases = [
        {"X-FlowDesk-Timestamp": old, "X-FlowDesk-Signature": signed("ts-secret", body, old)},  # validly signed, stale
        {"X-FlowDesk-Signature": signed("ts-secret", body)},  # GitHub-style, no timestamp
    ]
    now = str(int(time.time()))
    cases.append({"X-FlowDesk-Timestamp": now, "X-FlowDesk-Signature": signed("ts-secret", body)})  # ts not signed
    cases.append({"X-FlowDesk-Timestamp": str(int(now) + 3600),
                  "X-FlowDesk-Signature": signed("ts-secret", body, str(int(now) + 3600))})  # from the future
    for headers in cases:
        r = api("POST", "/api/webhooks/hook_ts", auth=False, data=body,
                headers={"Content-Type": "application/json", **headers})
        assert r.status_code == 401 and r.json() == {"error": "unauthorized"}, headers


def test_timestamp_is_off_by_default_for_github_style_senders(api: Api) -> None:
    body = b'{"n": 3}'
    headers = {"Content-Type": "application/json", "X-FlowDesk-Signature": signed("hmac-secret", body),
               "X-FlowDesk-Timestamp": "1"}
    assert api("POST", "/api/webhooks/hook_hmac", auth=False, data=body, headers=headers).status_code == 202
    assert api("POST", "/api/webhooks/hook_hmac", auth=False, data=body, headers=headers).status_code == 202


def test_timestamp_setting_needs_hmac(tmp_path: Path) -> None:
    assert WorkflowConfig.model_validate({"webhook": {"auth": "hmac", "secret": "s", "timestamp": True}}).webhook.timestamp
    path = tmp_path / "config.json"
    path.write_text(json.dumps({"webhook": {"auth": "token", "secret": "s", "timestamp": True}}), encoding="utf-8")
    with pytest.raises(ConfigErrors) as info:
        load_workflow_config(path)
    assert "timestamp" in str(info.value) and "hmac" in str(info.value)
