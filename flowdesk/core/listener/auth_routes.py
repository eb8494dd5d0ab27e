"""``/auth/login`` and ``/auth/logout``: the interface session cookie's start and end; ``/auth/ticket`` mints
the one-time login tickets a browser opened by ``flowdesk open`` signs in with."""

from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit

from aiohttp import web

from flowdesk.core.api_token import tokens_match
from flowdesk.core.listener.access import SESSION_COOKIE, has_api_token, is_authorised, UNAUTHORISED
from flowdesk.core.listener.app_keys import API_TOKEN
from flowdesk.core.listener.http_errors import json_error
from flowdesk.core.listener.login_throttle import LOGIN_THROTTLE, LoginThrottle, client_address
from flowdesk.core.listener.sessions import SESSIONS, TICKET_TTL, SessionStore, issue_login_ticket

log = logging.getLogger(__name__)

# A plain absolute path: printable ASCII without backslash (browsers read "\" as "/"), no "//" start.
_PLAIN_PATH_RE = re.compile(r"/(?![/\\])[\x21-\x5b\x5d-\x7e]*")
_TRUE = {"1", "true", "yes", "on"}


def add_routes(app: web.Application) -> None:
    """Register the login/logout routes with their session store and failed-login throttle."""
    app[SESSIONS] = SessionStore(app[API_TOKEN])
    app[LOGIN_THROTTLE] = LoginThrottle()
    app.router.add_get("/auth/login", login)
    app.router.add_post("/auth/logout", logout)
    app.router.add_post("/auth/ticket", ticket)


def safe_next(target: str | None) -> str:
    """``target`` when it is a path on this listener; ``/`` for anything that could leave it."""
    if not target or not _PLAIN_PATH_RE.fullmatch(target):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return "/"
    return target


async def login(request: web.Request) -> web.Response:
    """``GET /auth/login?token=T&next=/route/`` (or ``?ticket=`` from the app): start a session, go to ``next``."""
    app = request.app
    token: str = app[API_TOKEN]
    # An app ticket is 256 random bits, single use: it is let through even while the address is
    # throttled, so a page hammering this route cannot lock the desktop app out of its interfaces.
    ticket_ok = app[SESSIONS].redeem_ticket(request.query.get("ticket"), token)
    if not ticket_ok:
        throttle = app[LOGIN_THROTTLE]
        address = client_address(request)
        wait = throttle.retry_after(address)
        if wait:
            refused = json_error(429, "too many failed logins; try again later")
            refused.headers["Retry-After"] = str(wait)
            return refused
        if not tokens_match(request.query.get("token"), token):
            throttle.record_failure(address)
            log.info("failed interface login from %s", address)
            return json_error(401, "wrong token")
    response = web.HTTPFound(safe_next(request.query.get("next")), headers={"Cache-Control": "no-store"})
    response.set_cookie(SESSION_COOKIE, app[SESSIONS].create(token), httponly=True, samesite="Strict", path="/")
    raise response


async def logout(request: web.Request) -> web.Response:
    """``POST /auth/logout``: end this session; with the API token, ``?all=true`` ends every session."""
    if not is_authorised(request):
        return json_error(401, UNAUTHORISED)
    store = request.app[SESSIONS]
    if has_api_token(request) and request.query.get("all", "").lower() in _TRUE:
        ended = store.revoke_all()
    else:
        ended = int(store.revoke(request.cookies.get(SESSION_COOKIE)))
    response = web.json_response({"status": "logged out", "sessions_ended": ended})
    response.del_cookie(SESSION_COOKIE, path="/")
    return response


async def ticket(request: web.Request) -> web.Response:
    """``POST /auth/ticket``: a single-use login ticket (TICKET_TTL seconds); the API token only, never a session.

    A session cannot mint tickets: a page running in a signed-in browser must not be able to pass
    a sign-in to somewhere else.
    """
    if not has_api_token(request):
        return json_error(401, UNAUTHORISED)
    return web.json_response({"ticket": issue_login_ticket(request.app), "expires_in": int(TICKET_TTL)},
                             headers={"Cache-Control": "no-store"})
