"""Per-workflow webhook authorisation: API token, shared token, HMAC-SHA256 of the body, or public.

Everything that can be checked on the headers is checked before a body byte is read; only an
HMAC delivery has its body read (bounded) to verify the signature. A caller without the API
token learns nothing: unknown, broken, inactive, not-a-webhook and wrongly signed requests all
get the same answer (``refusal()``); the reason goes to the log only.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

from flowdesk.core.api_token import tokens_match
from flowdesk.core.errors import NotFound
from flowdesk.core.listener.access import is_authorised
from flowdesk.core.listener.http_errors import json_error
from flowdesk.core.listener.replay_guard import ReplayGuard, timestamp_problem
from flowdesk.core.registry import Registry, WorkflowEntry
from flowdesk.core.request_refusals import UNAUTHORIZED

REFUSAL_STATUS = 401
REFUSAL_MESSAGE = UNAUTHORIZED()


class WebhookRefused(Exception):
    """The request does not get in; the message is for the log, never for the caller."""


def refusal() -> web.Response:
    """The one answer every refused stranger gets, whatever the reason."""
    return json_error(REFUSAL_STATUS, REFUSAL_MESSAGE)


def body_signature(secret: str, body: bytes, timestamp: str | None = None) -> str:
    """``sha256=<hex>`` of the body (GitHub's format), or of ``"<timestamp>.<body>"`` when timestamped."""
    signed = body if timestamp is None else timestamp.encode("ascii") + b"." + body
    return "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


@dataclass
class Admission:
    """A webhook request let in on its headers; an HMAC one still needs ``verify_body``."""

    entry: WorkflowEntry
    by_owner: bool = False  # API token or interface session: detailed errors, URL parameters used
    secret: str | None = None  # hmac only
    signature: str | None = None  # hmac only: the header value, checked against the body
    timestamp: str | None = None  # hmac with timestamp only

    @property
    def signed_body(self) -> bool:
        """True for an HMAC delivery: only what the signature covers (the body) may reach the run."""
        return self.signature is not None


def admit_headers(request: web.Request, registry: Registry, env_file: Path | None) -> Admission:
    """Check a webhook request on its headers alone; raise WebhookRefused (or NotFound for the owner)."""
    name = request.match_info["name"]
    if is_authorised(request):
        return Admission(registry.workflow(name), by_owner=True)  # the owner may test any webhook
    try:
        entry = registry.refresh_workflow(registry.workflow(name).slug)
    except NotFound:
        raise WebhookRefused("unknown workflow") from None
    config = entry.config
    if config is None:
        raise WebhookRefused("workflow is broken")
    if not config.allows("webhook"):
        raise WebhookRefused("the webhook trigger is not allowed")
    if not config.active:
        raise WebhookRefused("workflow is inactive")
    hook = config.webhook
    if hook.auth == "public":
        return Admission(entry)
    if hook.auth == "api":
        raise WebhookRefused("no API token")
    secret = hook.resolve_secret(env_file=env_file)
    if not secret:
        raise WebhookRefused(f"webhook secret is not set (variable {hook.secret_env} is empty)")
    header = hook.effective_header or ""
    given = request.headers.get(header)
    if not given:
        raise WebhookRefused(f"missing {header} header")
    if hook.auth == "token":
        if not tokens_match(given, secret):
            raise WebhookRefused(f"wrong token in {header}")
        return Admission(entry)
    timestamp = None
    if hook.timestamp:
        timestamp = request.headers.get(hook.effective_timestamp_header or "")
        problem = timestamp_problem(timestamp)
        if problem:
            raise WebhookRefused(f"{hook.effective_timestamp_header}: {problem}")
    return Admission(entry, secret=secret, signature=given, timestamp=timestamp)


def verify_body(admission: Admission, body: bytes, replays: ReplayGuard) -> None:
    """Raise WebhookRefused unless an HMAC delivery's signature matches ``body`` (and is not a replay)."""
    if admission.signature is None or admission.secret is None:
        return
    expected = body_signature(admission.secret, body, admission.timestamp)
    given = admission.signature.strip()
    candidate = given if given.lower().startswith("sha256=") else "sha256=" + given
    if not hmac.compare_digest(candidate.lower().encode(), expected.encode()):
        raise WebhookRefused("signature does not match the body")
    # Keyed on the computed signature, so a different spelling of the same header is still a replay.
    if admission.timestamp is not None and not replays.first_use(f"{admission.entry.slug}:{expected}"):
        raise WebhookRefused("replayed delivery (signature already seen)")
