"""The seed platform's per-tool OAuth routes, ``/oauth/<tool>/auth|callback|status|revoke``, on FlowDesk's OAuth.

Seed workspaces registered Google clients with ``/oauth/<tool>/callback`` and link to
``/oauth/<tool>/auth?profile=P``. These routes run the same consent as ``/oauth/google/auth``
(state, PKCE, token files per profile) with that callback. As with FlowDesk's own routes,
only the callback is open: Google's redirect carries no token, and the single-use ``state``
it brings back is its credential, checked before anything else so a stranger learns nothing,
not even whether a tool exists. ``auth``, ``status`` and ``revoke`` need the API token or a
session (the access middleware), and the redirect URI is always on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import logging
from urllib.parse import urlsplit

from aiohttp import web

from flowdesk.core.errors import NotFound
from flowdesk.core.listener.app_keys import RUNTIME
from flowdesk.core.listener.http_errors import json_error
from flowdesk.core.listener.oauth_routes import STATES, page, request_port
from flowdesk.core.oauth.google_oauth import OAuthError
from flowdesk.core.oauth.oauth_connect import (disconnect, finish_connect, redirect_uri_for, start_connect,
                                               tool_callback_path)
from flowdesk.core.oauth.oauth_state import StateError
from flowdesk.core.oauth.oauth_status import target_status
from flowdesk.core.oauth.oauth_targets import OAuthTarget, build_target, oauth_entries
from flowdesk.core.oauth.token_store import TokenFileError
from flowdesk.core.profiles import DEFAULT_PROFILE

log = logging.getLogger(__name__)


def add_routes(app: web.Application) -> None:
    """Register the per-tool routes; after ``oauth_routes`` so ``/oauth/google/auth|callback`` keep their own."""
    app.router.add_get("/oauth/google/status", google_status)
    app.router.add_get("/oauth/{tool}/auth", tool_auth)
    app.router.add_get("/oauth/{tool}/callback", tool_callback)
    app.router.add_get("/oauth/{tool}/status", tool_status)
    app.router.add_post("/oauth/{tool}/revoke", tool_revoke)


def _target(request: web.Request, tool: str, profile: str | None) -> OAuthTarget:
    runtime = request.app[RUNTIME]
    return build_target(runtime.registry, runtime.resolver, tool, (profile or "").strip() or DEFAULT_PROFILE)


def _wants_json(request: web.Request) -> bool:
    """True for API clients (the seed answered JSON); browsers, which ask for HTML first, get a page."""
    accept = request.headers.get("Accept", "")
    return "application/json" in accept and "text/html" not in accept


async def tool_auth(request: web.Request) -> web.Response:
    """``GET /oauth/<tool>/auth?profile=P``: 302 to Google's consent, coming back to ``/oauth/<tool>/callback``."""
    try:
        target = _target(request, request.match_info["tool"], request.query.get("profile"))
    except NotFound as exc:
        return page(404, "Cannot connect", str(exc))
    if target.provider != "google":
        return page(400, "Cannot connect", f"{target.tool} uses the {target.provider} provider, not Google.")
    redirect_uri = redirect_uri_for(request_port(request), tool_callback_path(target.tool))
    try:
        url, _ = start_connect(target, redirect_uri, request.app[STATES])
    except OAuthError as exc:
        return page(400, f"Cannot connect {target.label}", str(exc))
    raise web.HTTPFound(url, headers={"Cache-Control": "no-store"})


def _refused(request: web.Request, title: str, message: str) -> web.Response:
    return json_error(400, message) if _wants_json(request) else page(400, title, message)


async def tool_callback(request: web.Request) -> web.Response:
    """``GET /oauth/<tool>/callback?code=&state=``: the state once, then the code exchanged and the token written."""
    q = request.query
    try:
        flow = request.app[STATES].pop(q.get("state"))  # first, and the same answer whatever the tool
    except StateError as exc:
        return _refused(request, "Sign-in not accepted", str(exc))
    if urlsplit(flow.redirect_uri).path != request.path:  # e.g. a flow of /oauth/google/auth, or of another tool
        return _refused(request, "Sign-in not accepted", "this sign-in was started for another callback; "
                        "start the connection again")
    if q.get("error"):
        return _refused(request, f"{flow.label} not connected", f"Google did not grant access ({q['error']}).")
    if not q.get("code"):
        return _refused(request, f"{flow.label} not connected", "The callback has no authorization code.")
    try:
        result = await asyncio.to_thread(finish_connect, flow, q["code"])
    except (OAuthError, TokenFileError, OSError) as exc:
        log.warning("OAuth callback for %s failed: %s", flow.label, exc)
        return _refused(request, f"{flow.label} not connected", str(exc))
    log.info("connected %s; token written to %s", flow.label, result.token_file)
    if _wants_json(request):
        return web.json_response({"status": "success", "message": result.message, "tool": result.tool,
                                  "profile": result.profile, "missing_scopes": result.missing_scopes})
    return page(200, f"Connected {flow.label}", result.message)


async def tool_status(request: web.Request) -> web.Response:
    """``GET /oauth/<tool>/status?profile=P``: the seed's ``{authenticated, provider, scopes, tool, auth_url}`` and FlowDesk's keys."""
    target = _target(request, request.match_info["tool"], request.query.get("profile"))  # NotFound -> 404 JSON
    return web.json_response(await asyncio.to_thread(target_status, target))


async def google_status(request: web.Request) -> web.Response:
    """``GET /oauth/google/status[?service=S]&profile=P``: one Google service's status, or ``{google_services, profile}``."""
    runtime = request.app[RUNTIME]
    profile = (request.query.get("profile") or "").strip() or DEFAULT_PROFILE
    service = (request.query.get("service") or "").strip()
    if service:
        return web.json_response(await asyncio.to_thread(target_status, _target(request, service, profile)))
    entries = oauth_entries(runtime.registry, "google")
    targets = [_target(request, e.slug, profile) for e in entries]
    statuses = await asyncio.to_thread(lambda: [target_status(t) for t in targets])
    return web.json_response({"google_services": {s["tool"].removeprefix("google_"): s for s in statuses},
                              "profile": profile})


async def tool_revoke(request: web.Request) -> web.Response:
    """``POST /oauth/<tool>/revoke?profile=P``: revoke at Google when possible and delete the profile's token file."""
    target = _target(request, request.match_info["tool"], request.query.get("profile"))
    if not target.configured:
        return json_error(409, f"{target.label} is not configured: set {', '.join(target.missing)}")
    result = await asyncio.to_thread(disconnect, target)
    log.info("revoked %s (at provider: %s, token deleted: %s)", target.label, result.revoked, result.token_deleted)
    message = f"{target.display_name} authentication revoked" if result.token_deleted else \
        f"No active authentication found for {target.display_name}"
    return web.json_response({
        "status": "success" if result.token_deleted else "info", "message": message,
        "tool": target.tool, "profile": target.profile, "revoked": result.revoked,
        "revoke_error": result.revoke_error, "token_deleted": result.token_deleted,
    })
