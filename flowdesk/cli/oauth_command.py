"""``flowdesk oauth connect|status|disconnect``: Google sign-in for tool profiles from the command line."""

from __future__ import annotations

import argparse
import asyncio
import copy
import errno
import socket
import sys
import webbrowser
from typing import Any

from aiohttp import web

from flowdesk.cli.runtime_context import workspace_from
from flowdesk.cli.table_output import print_json, print_table
from flowdesk.core.errors import FlowDeskError
from flowdesk.core.oauth.google_oauth import OAuthError, load_client_config
from flowdesk.core.oauth.oauth_connect import (
    CALLBACK_PATH,
    ConnectResult,
    disconnect,
    finish_connect,
    html_page,
    redirect_uri_for,
    start_connect,
)
from flowdesk.core.oauth.oauth_state import OAuthStateStore, PendingFlow, StateError
from flowdesk.core.oauth.oauth_status import collect_statuses
from flowdesk.core.oauth.oauth_targets import OAuthTarget, build_target
from flowdesk.core.oauth.token_store import TokenFileError
from flowdesk.core.profiles import ProfileResolver
from flowdesk.core.registry import Registry
from flowdesk.i18n.cli_text import error_line, shown, translate

SEED_PORT = 8000  # "web" clients made for the seed platform registered http://localhost:8000/oauth/google/callback


def nested_common(common: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """``common``'s options with SUPPRESS defaults, for parsers nested under a parser that has them too.

    A sub-parser writes its defaults over values its parent already parsed, so
    ``flowdesk oauth --workspace X status`` would lose X; suppressed defaults keep it.
    """
    nested = argparse.ArgumentParser(add_help=False)
    for action in common._actions:  # argparse has no public way to copy options
        if isinstance(action, argparse._HelpAction):
            continue
        clone = copy.copy(action)
        clone.default = argparse.SUPPRESS
        nested._add_action(clone)
    return nested


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add ``oauth`` with its ``connect``, ``status`` and ``disconnect`` sub-commands."""
    p = sub.add_parser("oauth", parents=[common], help=translate("cli", "connect, check or disconnect Google accounts of tool profiles"))
    actions = p.add_subparsers(dest="oauth_command", metavar="ACTION", required=True)
    common = nested_common(common)
    c = actions.add_parser("connect", parents=[common], help=translate("cli", "sign in with Google and write the profile's token file"))
    c.add_argument("tool", help=translate("cli", "tool name or alias (google_calendar, calendar, drive, sheets...)"))
    c.add_argument("--profile", default="DEFAULT", help=translate("cli", "profile name (default DEFAULT)"))
    c.add_argument("--no-browser", action="store_true", help=translate("cli", "only print the URL to open"))
    c.add_argument("--port", type=int, default=None, help=translate("cli", "callback port on 127.0.0.1 (default: 8000 for 'web' "
                   "clients, as registered for the seed platform; a free port for 'installed' clients)"))
    c.add_argument("--timeout", type=float, default=300.0, help=translate("cli", "seconds to wait for the sign-in (default 300)"))
    c.set_defaults(handler=handle_connect)
    s = actions.add_parser("status", parents=[common], help=translate("cli", "token state of every OAuth tool profile"))
    s.add_argument("tool", nargs="?", help=translate("cli", "only this tool"))
    s.add_argument("--profile", help=translate("cli", "only this profile"))
    s.add_argument("--check", action="store_true", help=translate("cli", "also refresh each token at the provider to prove it works"))
    s.add_argument("--json", action="store_true", help=translate("cli", "machine-readable output"))
    s.set_defaults(handler=handle_status)
    d = actions.add_parser("disconnect", parents=[common], help=translate("cli", "revoke the token at Google and delete the file"))
    d.add_argument("tool", help=translate("cli", "tool name or alias"))
    d.add_argument("--profile", required=True, help=translate("cli", "profile name"))
    d.set_defaults(handler=handle_disconnect)


def open_registry(args: argparse.Namespace) -> tuple[Registry, ProfileResolver]:
    """The workspace's registry (discovered) and profile resolver; no engine is started."""
    workspace = workspace_from(args)
    registry = Registry(workspace)
    registry.reload()
    return registry, ProfileResolver(workspace.env_file)


# -- connect ------------------------------------------------------------------------


class CallbackServer:
    """A one-shot local server that receives Google's redirect for one pending consent."""

    def __init__(self, states: OAuthStateStore) -> None:
        self.states = states
        self.done: asyncio.Future[ConnectResult] = asyncio.get_running_loop().create_future()
        self.runner: web.AppRunner | None = None

    async def start(self, port: int) -> int:
        """Bind 127.0.0.1 (and ::1 when possible, as ``localhost`` may resolve to it); returns the port."""
        app = web.Application()
        app.router.add_get(CALLBACK_PATH, self.callback)
        self.runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", port)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        if socket.has_ipv6:
            try:
                await web.TCPSite(self.runner, "::1", port).start()
            except OSError:
                pass  # no IPv6 loopback: browsers fall back to 127.0.0.1
        return port

    async def stop(self) -> None:
        """Close the server."""
        if self.runner is not None:
            await self.runner.cleanup()

    async def callback(self, request: web.Request) -> web.Response:
        """Google's redirect: check the state once, exchange the code, say how it went."""
        q = request.query
        try:
            flow: PendingFlow = self.states.pop(q.get("state"))
        except StateError as exc:
            return _page(400, "Sign-in not accepted", str(exc))
        if q.get("error"):
            self._fail(OAuthError(translate("cli", "Google did not grant access (%1)").replace("%1", q["error"])))
            return _page(400, f"{flow.label} not connected", f"Google did not grant access ({q['error']}).")
        try:
            result = await asyncio.to_thread(finish_connect, flow, q.get("code") or "")
        except (OAuthError, TokenFileError, OSError) as exc:
            self._fail(exc)
            return _page(400, f"{flow.label} not connected", str(exc))
        if not self.done.done():
            self.done.set_result(result)
        return _page(200, f"Connected {flow.label}", result.message)

    def _fail(self, exc: Exception) -> None:
        if not self.done.done():
            self.done.set_exception(exc)


def _page(status: int, title: str, message: str) -> web.Response:
    return web.Response(status=status, text=html_page(title, message, ok=status < 400), content_type="text/html")


def _default_port(target: OAuthTarget) -> int:
    assert target.credentials_file is not None
    return SEED_PORT if load_client_config(target.credentials_file).client_type == "web" else 0


async def _connect(target: OAuthTarget, port: int, open_browser: bool, timeout: float) -> ConnectResult:
    states = OAuthStateStore()
    server = CallbackServer(states)
    try:
        try:
            bound = await server.start(port)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE or "in use" in str(exc).lower():
                raise FlowDeskError(translate(
                    "cli", "port %1 is already in use (is FlowDesk serving on it?). Connect from the running app: "
                    "%2, or pass --port with a port your OAuth client allows").replace("%1", str(port)).replace(
                    "%2", f"http://127.0.0.1:{port}/oauth/google/auth?service={target.tool}&profile={target.profile}")
                ) from None
            raise
        url, _ = start_connect(target, redirect_uri_for(bound), states)
        print(translate("cli", "Sign in to connect %1; scopes: %2").replace("%1", target.label)
              .replace("%2", ", ".join(target.scopes)))
        if target.shared_with:
            print(translate("cli", "The token is shared with %1.").replace("%1", ", ".join(target.shared_with)))
        print(translate("cli", "Open this URL if no browser opened:") + f"\n{url}", flush=True)
        if open_browser:
            webbrowser.open(url)
        try:
            return await asyncio.wait_for(asyncio.shield(server.done), timeout)
        except asyncio.TimeoutError:
            raise FlowDeskError(translate("cli", "no answer from Google within %1 s; run the command again")
                                .replace("%1", f"{timeout:g}")) from None
    finally:
        await server.stop()


def handle_connect(args: argparse.Namespace) -> int:
    """Run the consent with a temporary local callback server and write the token file."""
    registry, resolver = open_registry(args)
    target = build_target(registry, resolver, args.tool, args.profile)
    if not target.configured:
        raise FlowDeskError(translate("cli", "%1 is not configured: set %2 in %3").replace("%1", target.label)
                            .replace("%2", ", ".join(target.missing)).replace("%3", str(resolver.env_file)))
    try:
        port = args.port if args.port is not None else _default_port(target)
        result = asyncio.run(_connect(target, port, not args.no_browser, args.timeout))
    except OAuthError as exc:
        print("flowdesk: " + translate("cli", "%1 not connected: %2").replace("%1", target.label)
              .replace("%2", error_line(exc)), file=sys.stderr)
        return 1
    print(translate("cli", "Connected %1 (profile %2); token written to %3").replace("%1", result.tool)
          .replace("%2", result.profile).replace("%3", str(result.token_file)))
    if result.missing_scopes:
        print(translate("cli", "Warning: Google did not grant %1").replace("%1", ", ".join(result.missing_scopes)),
              file=sys.stderr)
    return 0


# -- status and disconnect ----------------------------------------------------------


def _state_word(status: dict[str, Any]) -> str:
    if not status["configured"]:
        return translate("cli", "not configured")
    if status["authenticated"]:
        return translate("cli", "connected") if status["valid"] else translate("cli", "connected (refresh due)")
    return translate("cli", "reconnect needed")


def handle_status(args: argparse.Namespace) -> int:
    """Print the status table (or JSON); exit 1 when a configured profile needs a reconnect."""
    registry, resolver = open_registry(args)
    statuses = collect_statuses(registry, resolver, args.tool, args.profile, verify=args.check)
    if args.json:
        print_json(statuses)
    elif not statuses:
        print(translate("cli", "No OAuth tool in this workspace."))
    else:
        print_table([translate("cli", "tool"), translate("cli", "profile"), translate("cli", "state"),
                     translate("cli", "expires"), translate("cli", "scopes"), translate("cli", "reason")],
                    [[s["tool"], s["profile"], _state_word(s), s["expires_at"] or "", len(s["scopes"]),
                      shown(s["reason"]) or ""] for s in statuses])
    return 1 if any(s["needs_reconnect"] for s in statuses) else 0


def handle_disconnect(args: argparse.Namespace) -> int:
    """Revoke (best effort) and delete the token file of one profile."""
    registry, resolver = open_registry(args)
    target = build_target(registry, resolver, args.tool, args.profile)
    if not target.configured:
        raise FlowDeskError(translate("cli", "%1 is not configured: set %2").replace("%1", target.label)
                            .replace("%2", ", ".join(target.missing)))
    result = disconnect(target)
    if not result.token_deleted:
        print(translate("cli", "%1 was not connected (no token file at %2)").replace("%1", target.label)
              .replace("%2", str(target.token_file)))
        return 0
    revoked = translate("cli", "revoked at Google") if result.revoked else translate("cli", "not revoked (%1)").replace(
        "%1", result.revoke_error or translate("cli", "already invalid"))
    print(translate("cli", "Disconnected %1: token file deleted, %2").replace("%1", target.label).replace("%2", revoked))
    if target.shared_with:
        print(translate("cli", "The token was shared: %1 must be connected again too.")
              .replace("%1", ", ".join(target.shared_with)))
    return 0
