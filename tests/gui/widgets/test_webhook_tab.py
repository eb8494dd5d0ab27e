"""Webhook tab: URL, auth, snippets that really work against the listener, Send test request, secret rotation."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import time

import pytest

from flowdesk.core.input_validation import validate_inputs
from flowdesk.core.run_preparation import input_fields
from flowdesk.core.webhook_request import build_webhook_request, send_webhook_request
from flowdesk.gui.widgets.webhook_tab import WebhookTab
from tests.gui.conftest import GUI_TOKEN, call_core


def add_hook_workflow(qtbot, bridge, slug: str, webhook: dict, env: str = "") -> None:  # noqa: ANN001
    folder = bridge.runtime.workspace.workflows_dir / slug
    folder.mkdir()
    config = {"name": slug, "triggers": ["webhook", "manual"], "webhook": webhook, "timeout": 30,
              "inputs_schema": [{"name": "title", "type": "text", "required": True, "min": 3},
                                {"name": "count", "type": "integer", "min": 2, "max": 5},
                                {"name": "room", "type": "select", "options": ["a", "b"], "required": True}]}
    (folder / "config.json").write_text(json.dumps(config, indent=2))
    (folder / "main.py").write_text(textwrap.dedent("""
        def execute(data, tools):
            return {"status": "success", "data": data}
    """))
    if env:
        env_file = bridge.runtime.workspace.env_file
        env_file.write_text((env_file.read_text() if env_file.exists() else "") + env)
    call_core(qtbot, bridge, lambda rt: rt.reload())


def make_tab(qtbot, bridge, slug: str) -> WebhookTab:  # noqa: ANN001
    tab = WebhookTab(bridge)
    qtbot.addWidget(tab)
    tab.show()
    tab.show_workflow(slug)
    return tab


def wait_run(qtbot, bridge, run_id: str):  # noqa: ANN001, ANN201
    qtbot.waitUntil(lambda: (r := bridge.runtime.store.get(run_id)) is not None and r.finished, timeout=30000)
    return bridge.runtime.store.get(run_id)


def test_snippets_carry_url_headers_and_a_valid_body_and_send_test_makes_a_run(qtbot, bridge) -> None:
    tab = make_tab(qtbot, bridge, "input_showcase")
    url = f"{bridge.url}/api/webhooks/input_showcase"
    assert tab.url.text() == url
    for language in ("curl", "python", "javascript"):
        text = tab.snippet(language)
        assert url in text and "Bearer" in text and "Content-Type" in text and "FLOWDESK_API_TOKEN" in text
        assert GUI_TOKEN not in text  # the token stays out unless asked for
    entry = bridge.runtime.registry.workflow("input_showcase")
    body = json.loads(tab.request.body)
    validate_inputs(input_fields(entry), body, source="json")
    assert json.dumps(body["title"]) in tab.snippet("javascript")
    with qtbot.waitSignal(tab.run_requested, timeout=30000) as got:
        tab.send_button.click()
    record = wait_run(qtbot, bridge, got.args[0])
    assert (record.workflow, record.trigger, record.status) == ("input_showcase", "webhook", "success")
    assert record.input["title"] == body["title"]


def _run_snippet(language: str, text: str, env: dict) -> dict:  # noqa: ANN001
    if language == "curl":
        out = subprocess.run(["bash", "-c", text], capture_output=True, text=True, timeout=30, env=env)
    elif language == "python":
        out = subprocess.run([sys.executable, "-c", text], capture_output=True, text=True, timeout=30, env=env)
    else:
        out = subprocess.run(["node", "--input-type=module", "-e", text], capture_output=True, text=True, timeout=30,
                             env=env)
    assert out.returncode == 0, out.stderr
    return {"stdout": out.stdout}


@pytest.mark.parametrize("webhook", [
    {"auth": "hmac", "secret_env": "HOOK_SECRET", "timestamp": True},
    {"auth": "token", "secret_env": "HOOK_SECRET", "header": "X-Hook-Token"},
])
def test_pasted_snippets_are_accepted_by_the_listener(qtbot, bridge, webhook: dict, monkeypatch) -> None:  # noqa: ANN001
    if not shutil.which("openssl"):
        pytest.skip("openssl is needed by the curl HMAC snippet")
    monkeypatch.delenv("HOOK_SECRET", raising=False)
    add_hook_workflow(qtbot, bridge, "hooked", webhook, env="HOOK_SECRET=abc-123-secret\n")
    tab = make_tab(qtbot, bridge, "hooked")
    assert "HOOK_SECRET" in tab.snippet("curl")
    tab.with_secret.setChecked(True)
    before = bridge.runtime.store.count_runs(workflow="hooked")
    languages = ["curl", "python"] + (["javascript"] if shutil.which("node") else [])
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    for n, language in enumerate(languages):
        if webhook.get("timestamp") and n:
            time.sleep(1.1)  # same body, same second: the same signature, which the replay guard refuses
        text = tab.snippet(language)
        assert "abc-123-secret" in text and (webhook.get("header") or "X-FlowDesk-Signature") in text
        out = _run_snippet(language, text, env)
        assert "run_id" in out["stdout"], (language, out)
        qtbot.waitUntil(lambda n=n: bridge.runtime.store.count_runs(workflow="hooked") == before + n + 1, timeout=10000)


def test_rotating_a_token_refuses_the_old_one_and_accepts_the_new(qtbot, bridge) -> None:
    add_hook_workflow(qtbot, bridge, "rotating", {"auth": "token", "secret": "old-secret-0123456789"})
    tab = make_tab(qtbot, bridge, "rotating")
    hook = bridge.runtime.registry.workflow("rotating").config.webhook
    old = build_webhook_request(bridge.url, "rotating", hook, {"title": "abc", "room": "a"}, "old-secret-0123456789")
    assert send_webhook_request(old).status == 202
    assert tab.rotate_button.isVisible()
    tab.rotate()
    qtbot.waitUntil(lambda: "config.json" in tab.result.text(), timeout=10000)
    config = json.loads((bridge.runtime.workspace.workflows_dir / "rotating" / "config.json").read_text())
    new_secret = config["webhook"]["secret"]
    assert new_secret != "old-secret-0123456789" and tab.secret.text() == new_secret
    assert send_webhook_request(old).status == 401
    with qtbot.waitSignal(tab.run_requested, timeout=30000) as got:
        tab.send_test()
    assert wait_run(qtbot, bridge, got.args[0]).status == "success"


def test_rotating_an_hmac_secret_kept_in_the_env_file_refuses_old_signatures_and_signs_with_the_new(
        qtbot, bridge, monkeypatch) -> None:
    monkeypatch.delenv("ROT_SECRET", raising=False)
    add_hook_workflow(qtbot, bridge, "signed", {"auth": "hmac", "secret_env": "ROT_SECRET"},
                      env="ROT_SECRET=old-hmac-secret-0123456789\n")
    tab = make_tab(qtbot, bridge, "signed")
    hook = bridge.runtime.registry.workflow("signed").config.webhook
    old = build_webhook_request(bridge.url, "signed", hook, {"title": "abc", "room": "a"}, "old-hmac-secret-0123456789")
    assert send_webhook_request(old).status == 202
    config_before = (bridge.runtime.workspace.workflows_dir / "signed" / "config.json").read_text()
    tab.rotate()
    qtbot.waitUntil(lambda: ".env" in tab.result.text(), timeout=10000)
    env_text = bridge.runtime.workspace.env_file.read_text()
    assert "old-hmac-secret-0123456789" not in env_text and "ROT_SECRET=" in env_text
    new_secret = next(line.split("=", 1)[1].strip().strip('"') for line in env_text.splitlines()
                      if line.startswith("ROT_SECRET="))
    assert tab.secret.text() == new_secret
    assert (bridge.runtime.workspace.workflows_dir / "signed" / "config.json").read_text() == config_before
    assert send_webhook_request(old).status == 401  # signed with the old secret: refused at once
    with qtbot.waitSignal(tab.run_requested, timeout=30000) as got:
        tab.send_test()  # signs with the new one
    assert wait_run(qtbot, bridge, got.args[0]).status == "success"


def test_a_refused_test_request_reads_in_french(qtbot, bridge, french_window) -> None:
    add_hook_workflow(qtbot, bridge, "switched_off", {"auth": "token", "secret": "off-secret-0123456789"})
    config_file = bridge.runtime.workspace.workflows_dir / "switched_off" / "config.json"
    config_file.write_text(json.dumps({**json.loads(config_file.read_text()), "active": False}))
    call_core(qtbot, bridge, lambda rt: rt.reload())
    tab = make_tab(qtbot, bridge, "switched_off")
    with qtbot.waitSignal(tab.sent, timeout=30000) as got:
        tab.send_test()
    assert got.args[0].status == 401 and got.args[0].body["error"] == "unauthorized"  # the API's own English
    assert tab.result.text() == "Refusée (401) : non autorisé"


def test_input_errors_of_a_refused_test_request_read_in_french(qtbot, bridge, french_window) -> None:
    add_hook_workflow(qtbot, bridge, "grown_schema", {"auth": "token", "secret": "grown-secret-0123456789"})
    tab = make_tab(qtbot, bridge, "grown_schema")  # its sample body follows the schema it was shown with
    config_file = bridge.runtime.workspace.workflows_dir / "grown_schema" / "config.json"
    config = json.loads(config_file.read_text())
    config["inputs_schema"].append({"name": "extra", "type": "integer", "required": True})
    config_file.write_text(json.dumps(config))
    call_core(qtbot, bridge, lambda rt: rt.reload())
    with qtbot.waitSignal(tab.sent, timeout=30000) as got:
        tab.send_test()
    assert got.args[0].status == 422 and got.args[0].body["fields"] == {"extra": "is required"}
    assert tab.result.text() == "Refusée (422) : extra : est obligatoire"
