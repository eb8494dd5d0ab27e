"""Webhook requests and snippets: sample bodies valid for the schema, signatures the listener accepts, secret rotation."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest

from flowdesk.core.config.input_field import InputField
from flowdesk.core.config.workflow_config import WebhookConfig, WorkflowConfig
from flowdesk.core.input_samples import sample_input
from flowdesk.core.input_validation import validate_inputs
from flowdesk.core.webhook_request import build_webhook_request, webhook_url
from flowdesk.core.webhook_secrets import RotationError, rotate_webhook_secret, with_inline_secret
from flowdesk.core.webhook_snippets import snippets

SCHEMA = [
    {"name": "title", "type": "text", "required": True, "min": 12, "max": 20},
    {"name": "mail", "type": "email", "required": True, "min": 25},
    {"name": "site", "type": "url"},
    {"name": "pw", "type": "password", "required": True},
    {"name": "price", "type": "number", "min": 10, "max": 20},
    {"name": "count", "type": "integer", "min": 3.5, "max": 9, "required": True},
    {"name": "flag", "type": "checkbox"},
    {"name": "room", "type": "select", "options": ["a", "b"], "required": True},
    {"name": "topics", "type": "multiselect", "options": ["x", "y", "z"], "min": 2, "required": True},
    {"name": "day", "type": "date", "min": "2030-01-01"},
    {"name": "at", "type": "datetime", "required": True},
    {"name": "extra", "type": "json", "required": True},
    {"name": "text", "type": "textarea", "default": "kept"},
]


def test_the_sample_input_validates_against_its_schema() -> None:
    fields = [InputField.model_validate(f) for f in SCHEMA]
    sample = sample_input(fields)
    assert validate_inputs(fields, sample, source="json") == {**sample}
    assert sample["text"] == "kept" and sample["day"] == "2030-01-01" and len(sample["topics"]) == 2
    json.dumps(sample)  # JSON as it is


def test_hmac_request_is_signed_over_the_body_and_timestamp() -> None:
    hook = WebhookConfig(auth="hmac", secret="s3", timestamp=True, idempotency_field="id")
    request = build_webhook_request("http://127.0.0.1:9/", "my flow", hook, {"a": "é"}, "s3", now=1700000000)
    assert request.url == "http://127.0.0.1:9/api/webhooks/my%20flow" == webhook_url("http://127.0.0.1:9", "my flow")
    assert json.loads(request.body) == {"a": "é", "id": "evt_0001"}
    expected = hmac.new(b"s3", b"1700000000." + request.body, hashlib.sha256).hexdigest()
    assert request.headers["X-FlowDesk-Signature"] == "sha256=" + expected
    assert request.headers["X-FlowDesk-Timestamp"] == "1700000000"


@pytest.mark.parametrize("auth", ["api", "token", "hmac", "public"])
def test_snippets_name_the_url_headers_and_body(auth: str) -> None:
    hook = WebhookConfig(auth=auth, secret_env="HOOK_SECRET" if auth in ("token", "hmac") else None,
                         header="X-Hook" if auth == "token" else None)
    request = build_webhook_request("http://127.0.0.1:8000", "flow", hook, {"title": "it's"}, None)
    texts = snippets(request)
    for language, text in texts.items():
        assert "http://127.0.0.1:8000/api/webhooks/flow" in text, language
        assert "title" in text and "it's" in text.replace("'\"'\"'", "'").replace("'\\''", "'"), language
        if auth == "api":
            assert "Bearer" in text and "FLOWDESK_API_TOKEN" in text
        if auth == "token":
            assert "X-Hook" in text and "HOOK_SECRET" in text
        if auth == "hmac":
            assert "X-FlowDesk-Signature" in text and "sha256" in text
        if auth == "public":
            assert "Authorization" not in text and "SECRET" not in text
    compile(texts["python"], "<snippet>", "exec")


def test_rotating_an_inline_secret_keeps_the_file_layout(tmp_path) -> None:  # noqa: ANN001
    text = '{\n\t"name": "x",\r\n  "webhook" : { "auth": "token",\t"secret":"old" , "header": "X-K" },\n "active": true}\n'
    out = with_inline_secret(text, 'n"ew')
    assert out == text.replace('"old"', '"n\\"ew"')
    path = tmp_path / "config.json"
    path.write_text(text, encoding="utf-8", newline="")
    hook = WorkflowConfig.model_validate(json.loads(text)).webhook
    rotation = rotate_webhook_secret(path, hook, tmp_path / ".env")
    assert json.loads(path.read_text())["webhook"]["secret"] == rotation.secret != "old"
    assert len(rotation.secret) >= 40 and rotation.variable is None


def test_rotating_an_env_secret_writes_config_env(tmp_path, monkeypatch) -> None:  # noqa: ANN001
    env = tmp_path / ".env"
    env.write_text("# keep me\nHOOK_SECRET=old  # comment\nOTHER=1\n")
    hook = WebhookConfig(auth="hmac", secret_env="HOOK_SECRET")
    rotation = rotate_webhook_secret(tmp_path / "config.json", hook, env)
    assert env.read_text() == f"# keep me\nHOOK_SECRET={rotation.secret}  # comment\nOTHER=1\n"
    monkeypatch.setenv("HOOK_SECRET", "from-env")
    with pytest.raises(RotationError, match="environment"):
        rotate_webhook_secret(tmp_path / "config.json", hook, env)
    with pytest.raises(RotationError):
        rotate_webhook_secret(tmp_path / "config.json", WebhookConfig(auth="api"), env)
