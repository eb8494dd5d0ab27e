"""Who may call the listener: Host allow-list, bearer token, interface session cookie on the exact origin."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from aiohttp import web
from aiohttp.http import HttpVersion11

from flowdesk.core.api_token import tokens_match
from flowdesk.core.listener.app_keys import ALLOWED_HOSTS, API_TOKEN, MAX_BODY
from flowdesk.core.listener.http_errors import Handler, json_error
from flowdesk.core.listener.sessions import session_store
from flowdesk.core.request_refusals import (
    BODY_TOO_LARGE,
    HOST_NOT_ALLOWED,
    NAMED_HOST_NOT_ALLOWED,
    UNSUPPORTED_EXPECT,
    WRONG_API_TOKEN,
)

SESSION_COOKIE = "flowdesk_session"
LOCAL_NAMES = {"127.0.0.1", "localhost", "::1", "[::1]"}
# Routes reachable without the bearer token: each does its own check (or needs none).
OPEN_PREFIXES = ("/health", "/api/webhooks/", "/api/openapi.json", "/api/integrations/whatsapp/webhook",
                 "/oauth/google/callback", "/auth/login", "/auth/logout")
# The seed's per-tool OAuth callbacks (/oauth/<tool>/callback): exactly that path, nothing below or beside it.
OPEN_PATHS = re.compile(r"/oauth/[^/]+/callback")
# GET routes that start work: a cookie alone (a link, an <img>, a top-level navigation) must not reach them.
STATE_CHANGING_GETS = ("/api/workflows/trigger/",)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Fetch metadata a browser adds: a request from another site, or another port of this machine, is refused.
FOREIGN_FETCH_SITES = frozenset({"cross-site", "same-site"})
UNAUTHORISED = WRONG_API_TOKEN()


def host_allowed(host_header: str | None, allowed: set[str]) -> bool:
    """True when the Host header names this listener (DNS-rebinding defence)."""
    if not host_header:
        return False
    try:
        name = urlsplit("//" + host_header).hostname or ""
    except ValueError:
        return False
    return name.lower() in allowed or f"[{name}]" in allowed


def listener_port(request: web.Request) -> int | None:
    """The port the request arrived on (the socket's, not what the client claims)."""
    sockname = request.transport.get_extra_info("sockname") if request.transport else None
    if isinstance(sockname, tuple) and len(sockname) >= 2:
        return int(sockname[1])
    return None


def listener_origins(request: web.Request) -> set[str]:
    """Every spelling of this listener's own origin: ``http://<local name>:<port>``."""
    port = listener_port(request)
    if port is None:
        return set()
    origins: set[str] = set()
    for name in request.app[ALLOWED_HOSTS]:
        host = name if name.startswith("[") or ":" not in name else f"[{name}]"
        origins.add(f"http://{host}:{port}")
        if port == 80:
            origins.add(f"http://{host}")  # browsers leave the default port out of Origin
    return origins


def origin_is_listener(request: web.Request) -> bool:
    """True when the ``Origin`` header is exactly this listener's origin (scheme, host and port)."""
    origin = request.headers.get("Origin")
    return origin is not None and origin.lower() in listener_origins(request)


def bearer_of(request: web.Request) -> str | None:
    """The token of an ``Authorization: Bearer`` header."""
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" else None


def has_api_token(request: web.Request) -> bool:
    """True when the request carries the API token as a bearer token."""
    return tokens_match(bearer_of(request), request.app[API_TOKEN])


def session_allows(request: web.Request) -> bool:
    """True for a live session cookie on a request the listener's own pages could have made.

    Cookies are not isolated by port and ``SameSite`` treats every port of localhost as the same
    site, so the cookie alone proves nothing: the Origin must be this listener's exact origin, and
    a request without Origin may only read. Browsers leave Origin off same-origin GETs, so a GET
    that starts a run is also let in on ``Sec-Fetch-Site: same-origin`` (a header pages cannot
    set): the seed platform's interfaces ``fetch('/api/workflows/trigger/...')``, while a link, an
    image or a typed URL (``cross-site``, ``same-site``, ``none`` or no header) stays out.
    """
    cookie = request.cookies.get(SESSION_COOKIE)
    store = session_store(request.app)
    if not cookie or store is None:
        return False
    fetch_site = request.headers.get("Sec-Fetch-Site", "").lower()
    if fetch_site in FOREIGN_FETCH_SITES:
        return False
    if "Origin" in request.headers:
        if not origin_is_listener(request):
            return False
    elif request.method not in SAFE_METHODS:
        return False
    elif request.path.startswith(STATE_CHANGING_GETS) and fetch_site != "same-origin":
        return False
    return store.check(cookie, request.app[API_TOKEN])


def is_authorised(request: web.Request) -> bool:
    """The API bearer token, or the interface session cookie under the rules of ``session_allows``."""
    return has_api_token(request) or session_allows(request)


def _is_interface_file(request: web.Request) -> bool:
    # /auth/ is FlowDesk's (a reserved route): its routes are closed unless listed in OPEN_PREFIXES.
    return not request.path.startswith(("/api/", "/oauth/", "/auth/")) and request.path not in ("/api", "/oauth", "/auth")


@web.middleware
async def access_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Refuse foreign Host headers, then require credentials except on open routes and interface files."""
    if not host_allowed(request.headers.get("Host"), request.app[ALLOWED_HOSTS]):
        return json_error(403, NAMED_HOST_NOT_ALLOWED(host=repr(request.headers.get("Host"))))
    if request.path.startswith(OPEN_PREFIXES) or OPEN_PATHS.fullmatch(request.path) or _is_interface_file(request):
        return await handler(request)
    if not is_authorised(request):
        return json_error(401, UNAUTHORISED)
    return await handler(request)


def declared_too_large(request: web.Request) -> web.Response | None:
    """A 413 when the declared ``Content-Length`` is over the app's body limit, before any body byte."""
    limit = request.app[MAX_BODY]
    if request.content_length is not None and request.content_length > limit:
        return json_error(413, BODY_TOO_LARGE(limit=limit))
    return None


async def send_continue(request: web.Request) -> web.Response | None:
    """Answer ``Expect: 100-continue`` with ``100 Continue``; any other expectation is a 417."""
    if request.version == HttpVersion11 and request.headers.get("Expect", "").lower() == "100-continue":
        await request.writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        request.writer.output_size = 0  # the interim answer is not part of the response size
        return None
    return json_error(417, UNSUPPORTED_EXPECT())


async def authorised_expect(request: web.Request) -> web.Response | None:
    """``expect_handler`` of token-protected routes: Host, credentials, size, and only then ``100 Continue``.

    aiohttp calls it before the middlewares, so it repeats their Host and credential checks.
    """
    if not host_allowed(request.headers.get("Host"), request.app[ALLOWED_HOSTS]):
        return json_error(403, HOST_NOT_ALLOWED())
    if not is_authorised(request):
        return json_error(401, UNAUTHORISED)
    return declared_too_large(request) or await send_continue(request)
