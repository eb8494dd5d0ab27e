"""WhatsApp Cloud API webhook: Meta's verification handshake and signed message deliveries into the inbox."""

from __future__ import annotations

import hashlib
import hmac
import json

from aiohttp import web

from flowdesk.core.api_token import tokens_match
from flowdesk.core.listener.app_keys import RUNTIME
from flowdesk.core.json_limits import JsonLimitError, loads_limited
from flowdesk.core.listener.http_errors import BadRequest, json_error
from flowdesk.core.listener.request_input import read_body
from flowdesk.tools.whatsapp.inbox import record_delivery

WEBHOOK_PATH = "/api/integrations/whatsapp/webhook"
VERIFY_TOKEN_VAR = "WHATSAPP_WEBHOOK_VERIFY_TOKEN"
APP_SECRET_VAR = "WHATSAPP_APP_SECRET"


def _setting(request: web.Request, name: str) -> str | None:
    found = request.app[RUNTIME].resolver.lookup([name])
    return found[0] if found else None


async def verify(request: web.Request) -> web.Response:
    """``GET``: Meta subscribes with hub.mode, hub.verify_token and hub.challenge; echo the challenge."""
    expected = _setting(request, VERIFY_TOKEN_VAR)
    if not expected:
        return json_error(403, f"set {VERIFY_TOKEN_VAR} in config/.env to subscribe this webhook")
    if request.query.get("hub.mode") != "subscribe" or not tokens_match(request.query.get("hub.verify_token"), expected):
        return json_error(403, "verification failed: wrong hub.verify_token or hub.mode")
    return web.Response(text=request.query.get("hub.challenge", ""))


async def deliver(request: web.Request) -> web.Response:
    """``POST``: a delivery signed with the app secret (X-Hub-Signature-256) is stored in the inbox."""
    secret = _setting(request, APP_SECRET_VAR)
    if not secret:
        return json_error(403, f"set {APP_SECRET_VAR} in config/.env to accept deliveries (Meta signs them with it)")
    body = await read_body(request)  # size- and time-limited like every other body
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(request.headers.get("X-Hub-Signature-256", "").encode(), expected.encode()):
        return json_error(401, "X-Hub-Signature-256 does not match the body")
    try:
        payload = loads_limited(body)
    except JsonLimitError as exc:
        raise BadRequest(f"invalid JSON body: {exc}") from None
    except UnicodeDecodeError as exc:
        raise BadRequest(f"invalid JSON body: {exc}") from None
    except json.JSONDecodeError as exc:
        raise BadRequest(f"invalid JSON body at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    if not isinstance(payload, dict):
        raise BadRequest("the JSON body must be an object")
    stored = record_delivery(request.app[RUNTIME].data_dir, payload)
    return web.json_response({"received": stored})


def add_routes(app: web.Application) -> None:
    """Register the WhatsApp webhook (open to Meta: checked by verify token and signature)."""
    app.router.add_get(WEBHOOK_PATH, verify)
    app.router.add_post(WEBHOOK_PATH, deliver)
