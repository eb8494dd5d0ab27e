"""Per-workflow webhook authorisation: API token, shared token, HMAC-SHA256 of the body, or public."""

from __future__ import annotations

import hashlib
import hmac

from aiohttp import web

from flowdesk.core.api_token import tokens_match
from flowdesk.core.config import WorkflowConfig
from flowdesk.core.listener.access import is_authorised


class WebhookRefused(Exception):
    """The webhook request does not carry what the workflow's ``webhook`` settings ask for."""


def body_signature(secret: str, body: bytes) -> str:
    """``sha256=<hex>``: the signature a sender puts in the header (GitHub's format)."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def check_webhook(request: web.Request, config: WorkflowConfig, body: bytes) -> None:
    """Raise WebhookRefused unless the request is allowed in by the workflow's settings.

    The API token is always accepted, so the owner can test any webhook with curl.
    """
    hook = config.webhook
    if hook.auth == "public" or is_authorised(request):
        return
    if hook.auth == "api":
        raise WebhookRefused("missing or wrong API token (Authorization: Bearer <token>)")
    secret = hook.resolve_secret()
    if not secret:
        raise WebhookRefused(f"webhook secret is not set (variable {hook.secret_env} is empty)")
    header = hook.effective_header or ""
    given = request.headers.get(header)
    if not given:
        raise WebhookRefused(f"missing {header} header")
    if hook.auth == "token":
        if not tokens_match(given, secret):
            raise WebhookRefused(f"wrong token in {header}")
        return
    expected = body_signature(secret, body)
    candidate = given if given.startswith("sha256=") else "sha256=" + given
    if not hmac.compare_digest(candidate.lower().encode(), expected.encode()):
        raise WebhookRefused(f"signature in {header} does not match the body")
