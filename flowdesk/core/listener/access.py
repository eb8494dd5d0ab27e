"""Who may call the listener: Host allow-list, bearer token, interface session cookie."""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import urlsplit

from aiohttp import web

from flowdesk.core.listener.app_keys import ALLOWED_HOSTS, API_TOKEN
from flowdesk.core.api_token import tokens_match
from flowdesk.core.listener.http_errors import Handler, json_error

SESSION_COOKIE = "flowdesk_session"
LOCAL_NAMES = {"127.0.0.1", "localhost", "::1", "[::1]"}
# Routes reachable without the bearer token: each does its own check (or needs none).
OPEN_PREFIXES = ("/health", "/api/webhooks/", "/api/openapi.json", "/api/integrations/whatsapp/webhook",
                 "/oauth/google/callback", "/auth/login")


def session_value(token: str) -> str:
    """The cookie value: derived from the token so it is revoked with it, but never the token itself."""
    return hmac.new(token.encode(), b"flowdesk-interface-session", hashlib.sha256).hexdigest()


def host_allowed(host_header: str | None, allowed: set[str]) -> bool:
    """True when the Host header names this listener (DNS-rebinding defence)."""
    if not host_header:
        return False
    name = urlsplit("//" + host_header).hostname or ""
    return name.lower() in allowed or f"[{name}]" in allowed


def bearer_of(request: web.Request) -> str | None:
    """The token of an ``Authorization: Bearer`` header."""
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" else None


def is_authorised(request: web.Request) -> bool:
    """Bearer token, or the interface session cookie on a same-origin request."""
    token: str = request.app[API_TOKEN]
    if tokens_match(bearer_of(request), token):
        return True
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie and tokens_match(cookie, session_value(token)):
        origin = request.headers.get("Origin")
        # SameSite=Strict already keeps the cookie off cross-site requests; a foreign Origin is refused too.
        return origin is None or host_allowed(urlsplit(origin).netloc, request.app[ALLOWED_HOSTS])
    return False


def _is_interface_file(request: web.Request) -> bool:
    return not request.path.startswith(("/api/", "/oauth/")) and request.path not in ("/api", "/oauth")


@web.middleware
async def access_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Refuse foreign Host headers, then require credentials except on open routes and interface files."""
    if not host_allowed(request.headers.get("Host"), request.app[ALLOWED_HOSTS]):
        return json_error(403, f"Host {request.headers.get('Host')!r} is not allowed; use http://127.0.0.1")
    if request.path.startswith(OPEN_PREFIXES) or _is_interface_file(request):
        return await handler(request)
    if not is_authorised(request):
        return json_error(401, "missing or wrong API token (Authorization: Bearer <token>)")
    return await handler(request)


async def login(request: web.Request) -> web.Response:
    """``GET /auth/login?token=T&next=/route/``: set the interface session cookie, then go to ``next``."""
    token: str = request.app[API_TOKEN]
    if not tokens_match(request.query.get("token"), token):
        return json_error(401, "wrong token")
    target = request.query.get("next", "/")
    if not target.startswith("/") or target.startswith("//"):
        target = "/"  # never an open redirect
    response = web.HTTPFound(target)
    response.set_cookie(SESSION_COOKIE, session_value(token), httponly=True, samesite="Strict", path="/")
    raise response
