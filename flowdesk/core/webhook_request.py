"""A webhook delivery as a sender makes it (URL, auth headers, signed body), and sending one to the listener.

The window's webhook tab shows these requests as snippets and fires one with "Send test request";
the signature is computed exactly as ``listener/webhook_auth.py`` checks it.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from flowdesk.core.config.workflow_config import WebhookConfig

API_TOKEN_VARIABLE = "FLOWDESK_API_TOKEN"
DEFAULT_SECRET_VARIABLE = "FLOWDESK_WEBHOOK_SECRET"


def webhook_url(base_url: str, slug: str) -> str:
    """The full address of a workflow's webhook: listener address + ``/api/webhooks/<slug>``."""
    return f"{base_url.rstrip('/')}/api/webhooks/{quote(slug, safe='')}"


def secret_variable(hook: WebhookConfig) -> str | None:
    """The variable a sender keeps the credential in: the API token's, the webhook's ``secret_env``, or a default."""
    if hook.auth == "api":
        return API_TOKEN_VARIABLE
    if hook.auth == "public":
        return None
    return hook.secret_env or DEFAULT_SECRET_VARIABLE


def sample_body(body: dict[str, Any], hook: WebhookConfig) -> dict[str, Any]:
    """``body`` plus an event id in ``idempotency_field`` when the workflow names one (as the sender's events carry)."""
    if hook.idempotency_field and hook.idempotency_field not in body:
        return {**body, hook.idempotency_field: "evt_0001"}
    return body


def body_bytes(body: dict[str, Any]) -> bytes:
    """The body as sent: compact UTF-8 JSON (what an HMAC signature covers byte for byte)."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


@dataclass
class WebhookRequest:
    """One POST to a webhook: everything a sender needs, with the credential filled in or left to a variable."""

    url: str
    hook: WebhookConfig
    body: bytes
    credential: str | None  # API token or webhook secret; None: snippets read it from ``variable``
    variable: str | None
    timestamp: str | None = None  # hmac + timestamp only
    headers: dict[str, str] = field(default_factory=dict)  # final headers (credential filled in when known)


def build_webhook_request(base_url: str, slug: str, hook: WebhookConfig, body: dict[str, Any],
                          credential: str | None, *, now: float | None = None) -> WebhookRequest:
    """The request for ``slug``'s webhook; with ``credential`` its auth header is complete (HMAC signed)."""
    from flowdesk.core.listener.webhook_auth import body_signature  # aiohttp is loaded with it: only when sending

    raw = body_bytes(sample_body(body, hook))
    timestamp = str(int(time.time() if now is None else now)) if hook.auth == "hmac" and hook.timestamp else None
    request = WebhookRequest(webhook_url(base_url, slug), hook, raw, credential, secret_variable(hook), timestamp)
    headers = {"Content-Type": "application/json"}
    if hook.auth == "api":
        headers["Authorization"] = f"Bearer {credential or '$' + API_TOKEN_VARIABLE}"
    elif hook.auth == "token":
        headers[hook.effective_header or ""] = credential or f"${request.variable}"
    elif hook.auth == "hmac":
        if timestamp is not None:
            headers[hook.effective_timestamp_header or ""] = timestamp
        headers[hook.effective_header or ""] = (body_signature(credential, raw, timestamp) if credential
                                                 else "sha256=<HMAC-SHA256 of the body>")
    request.headers = headers
    return request


@dataclass
class WebhookResponse:
    """What the listener answered: status and JSON body (``{"run_id": ...}`` on 202)."""

    status: int
    body: dict[str, Any]

    @property
    def run_id(self) -> str | None:
        """The accepted run, if the delivery was accepted."""
        value = self.body.get("run_id")
        return value if isinstance(value, str) else None


def send_webhook_request(request: WebhookRequest, timeout: float = 15.0) -> WebhookResponse:
    """POST the request (blocking: call it from a worker thread); HTTP errors are answers, not exceptions."""
    if request.credential is None and request.hook.auth != "public":
        raise ValueError("the request has no credential to send")
    http = urllib.request.Request(request.url, data=request.body, headers=request.headers, method="POST")
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: never through a proxy
    try:
        with opener.open(http, timeout=timeout) as answer:
            status, raw = answer.status, answer.read()
    except urllib.error.HTTPError as exc:
        status, raw = exc.code, exc.read()
    try:
        parsed = json.loads(raw.decode("utf-8") or "{}")
    except (UnicodeDecodeError, json.JSONDecodeError):
        parsed = {"error": raw[:200].decode("utf-8", "replace")}
    return WebhookResponse(status, parsed if isinstance(parsed, dict) else {"value": parsed})
