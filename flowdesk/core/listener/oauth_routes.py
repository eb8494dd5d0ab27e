"""OAuth routes: status of every OAuth tool profile, the Google consent round trip, disconnect.

``/oauth/google/auth`` needs the API token (or the interface session cookie) like any
route; ``/oauth/google/callback`` is open because Google's redirect carries no token:
the single-use ``state`` it must bring back is its credential.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

from flowdesk.core.errors import NotFound
from flowdesk.core.listener.app_keys import RUNTIME
from flowdesk.core.listener.http_errors import json_error
from flowdesk.core.listener.seed_shapes import oauth_tool_keys, oauth_totals_keys
from flowdesk.core.oauth.google_oauth import OAuthError
from flowdesk.core.oauth.oauth_connect import (
    CALLBACK_PATH,
    disconnect,
    finish_connect,
    html_page,
    redirect_uri_for,
    start_connect,
)
from flowdesk.core.oauth.oauth_state import OAuthStateStore, StateError
from flowdesk.core.oauth.oauth_status import collect_statuses, target_status
from flowdesk.core.oauth.oauth_targets import build_target, list_targets, oauth_entry
from flowdesk.core.oauth.token_store import TokenFileError
from flowdesk.core.runtime import Runtime

log = logging.getLogger(__name__)

STATES = web.AppKey("oauth_states", OAuthStateStore)
_TRUE = {"1", "true", "yes", "on"}


def add_routes(app: web.Application) -> None:
    """Register the OAuth status, consent and disconnect routes (and the pending-consent store)."""
    app[STATES] = OAuthStateStore()
    app.router.add_get("/api/oauth/status", status_all)
    app.router.add_get("/api/oauth/status/{tool}", status_one)
    app.router.add_post("/api/oauth/disconnect/{tool}", disconnect_tool)
    app.router.add_get("/oauth/google/auth", google_auth)
    app.router.add_get(CALLBACK_PATH, google_callback)


def _runtime(request: web.Request) -> Runtime:
    return request.app[RUNTIME]


def _flag(request: web.Request, name: str) -> bool:
    return request.query.get(name, "").strip().lower() in _TRUE


def page(status: int, title: str, message: str) -> web.Response:
    """The HTML page a browser tab shows for a consent step (no-store)."""
    return web.Response(status=status, text=html_page(title, message, ok=status < 400), content_type="text/html",
                        headers={"Cache-Control": "no-store"})


def request_port(request: web.Request) -> int:
    """The listener port as the browser addressed it (Host header), so the redirect URI comes back here."""
    try:
        port = urlsplit("//" + (request.host or "")).port
    except ValueError:
        port = None
    if port:
        return port
    sockname = request.transport.get_extra_info("sockname") if request.transport else None
    if isinstance(sockname, tuple) and len(sockname) >= 2:
        return int(sockname[1])
    return 80


# -- status -------------------------------------------------------------------------


async def status_all(request: web.Request) -> web.Response:
    """``GET /api/oauth/status[?check=true]``: every OAuth tool times its profiles (with the seed's keys)."""
    rt = _runtime(request)
    statuses = await asyncio.to_thread(collect_statuses, rt.registry, rt.resolver, verify=_flag(request, "check"))
    tools: dict[str, Any] = {}
    for st in statuses:
        tool = tools.setdefault(st["tool"], {"tool": st["tool"], "display_name": st["display_name"],
                                             "provider": st["provider"], "profiles": {}})
        tool["profiles"][st["profile"]] = st
    for tool in tools.values():
        tool.update(_seed_tool_keys(tool["tool"], tool["provider"], list(tool["profiles"].values())))
    return web.json_response({
        "tools": tools,
        "total": len(statuses),
        "authenticated": sum(1 for s in statuses if s["authenticated"]),
        "needs_reconnect": [f"{s['tool']} ({s['profile']})" for s in statuses if s["needs_reconnect"]],
        **oauth_totals_keys(tools),
    })


def _seed_tool_keys(tool: str, provider: str, statuses: list[dict[str, Any]]) -> dict[str, Any]:
    scopes = list(dict.fromkeys(scope for st in statuses for scope in st.get("required_scopes") or []))
    return oauth_tool_keys(tool, provider, scopes, statuses)


async def status_one(request: web.Request) -> web.Response:
    """``GET /api/oauth/status/{tool}?profile=P``: one profile's status, or every profile of the tool."""
    rt = _runtime(request)
    tool, profile = request.match_info["tool"], request.query.get("profile")
    verify = _flag(request, "check")
    entry = oauth_entry(rt.registry, tool)  # NotFound -> 404 through the error middleware
    if profile:
        target = build_target(rt.registry, rt.resolver, entry.slug, profile)
        return web.json_response(await asyncio.to_thread(target_status, target, verify=verify))
    targets = list_targets(rt.registry, rt.resolver, entry.slug)
    statuses = await asyncio.to_thread(lambda: [target_status(t, verify=verify) for t in targets])
    provider = entry.config.oauth_config.provider.lower() if entry.config and entry.config.oauth_config else ""
    return web.json_response({"tool": entry.slug, "display_name": entry.display_name,
                              "profiles": {s["profile"]: s for s in statuses},
                              **_seed_tool_keys(entry.slug, provider, statuses)})


async def disconnect_tool(request: web.Request) -> web.Response:
    """``POST /api/oauth/disconnect/{tool}?profile=P``: revoke at the provider if possible, delete the token file."""
    rt = _runtime(request)
    profile = request.query.get("profile")
    if not profile:
        return json_error(400, "profile is required, e.g. ?profile=WORK")
    target = build_target(rt.registry, rt.resolver, request.match_info["tool"], profile)
    if not target.configured:
        return json_error(409, f"{target.label} is not configured: set {', '.join(target.missing)}")
    result = await asyncio.to_thread(disconnect, target)
    log.info("disconnected %s (revoked at provider: %s)", target.label, result.revoked)
    return web.json_response({
        "status": "disconnected" if result.token_deleted else "not_connected",
        "tool": target.tool, "profile": target.profile, "revoked": result.revoked,
        "revoke_error": result.revoke_error, "token_deleted": result.token_deleted,
        "shared_with": target.shared_with,
    })


# -- consent ------------------------------------------------------------------------


async def google_auth(request: web.Request) -> web.Response:
    """``GET /oauth/google/auth?service=S&profile=P``: 302 to the consent page (HTML page on error)."""
    rt = _runtime(request)
    service = request.query.get("service", "").strip()
    profile = request.query.get("profile", "").strip() or "DEFAULT"
    if not service:
        return page(400, "Cannot connect", "The service parameter is missing, e.g. ?service=calendar&profile=WORK.")
    try:
        target = build_target(rt.registry, rt.resolver, service, profile)
    except NotFound as exc:
        return page(404, "Cannot connect", str(exc))
    if target.provider != "google":
        return page(400, "Cannot connect", f"{target.tool} uses the {target.provider} provider, not Google.")
    try:
        url, _ = start_connect(target, redirect_uri_for(request_port(request)), request.app[STATES])
    except OAuthError as exc:
        return page(400, f"Cannot connect {target.label}", str(exc))
    raise web.HTTPFound(url, headers={"Cache-Control": "no-store"})


async def google_callback(request: web.Request) -> web.Response:
    """``GET /oauth/google/callback?code=&state=``: check the state once, exchange the code, write the token."""
    q = request.query
    try:
        flow = request.app[STATES].pop(q.get("state"))
    except StateError as exc:
        return page(400, "Sign-in not accepted", str(exc))
    if q.get("error"):
        return page(400, f"{flow.label} not connected", f"Google did not grant access ({q['error']}).")
    code = q.get("code")
    if not code:
        return page(400, f"{flow.label} not connected", "The callback has no authorization code.")
    try:
        result = await asyncio.to_thread(finish_connect, flow, code)
    except (OAuthError, TokenFileError, OSError) as exc:
        log.warning("OAuth callback for %s failed: %s", flow.label, exc)
        return page(400, f"{flow.label} not connected", str(exc))
    log.info("connected %s; token written to %s", flow.label, result.token_file)
    return page(200, f"Connected {flow.label}", result.message)
