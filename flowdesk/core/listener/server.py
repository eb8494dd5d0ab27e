"""Build the aiohttp application and run it on 127.0.0.1 next to the engine, on the same loop."""

from __future__ import annotations

import logging
import socket

from aiohttp import web

from flowdesk.core.listener.app_keys import ALLOWED_HOSTS, API_TOKEN, LIMITS, MAX_BODY, RUNTIME
from flowdesk.core.listener import (admin_routes, api_docs_page, auth_routes, interface_files, oauth_routes,
                                    seed_oauth_routes, whatsapp_routes, workflow_routes)
from flowdesk.core.listener.access import LOCAL_NAMES, access_middleware
from flowdesk.core.listener.client_error_log import ClientErrorLog
from flowdesk.core.listener.connection_guard import ConnectionGuard, GuardedSite
from flowdesk.core.listener.fd_limit import accept_backlog, connection_cap, raise_open_file_limit
from flowdesk.core.listener.http_errors import error_middleware
from flowdesk.core.listener.limits import ListenerLimits
from flowdesk.core.listener.openapi import openapi_document
from flowdesk.core.runtime import Runtime
from flowdesk.core.service_settings import DEFAULT_HOST, DEFAULT_PORT
from flowdesk.core.translatable import translatable

log = logging.getLogger(__name__)

DEFAULT_MAX_BODY = 1024 * 1024


def build_app(runtime: Runtime, api_token: str, *, host: str = DEFAULT_HOST,
              max_body: int = DEFAULT_MAX_BODY, extra_hosts: tuple[str, ...] = (),
              limits: ListenerLimits | None = None) -> web.Application:
    """The listener's aiohttp application (errors outermost, then access control)."""
    app = web.Application(middlewares=[error_middleware, access_middleware], client_max_size=max_body)
    app[RUNTIME] = runtime
    app[API_TOKEN] = api_token
    app[MAX_BODY] = max_body
    app[LIMITS] = limits or ListenerLimits()
    app[ALLOWED_HOSTS] = {h.lower() for h in (*LOCAL_NAMES, host, *extra_hosts)}
    auth_routes.add_routes(app)
    app.router.add_get("/api/openapi.json", _openapi)
    admin_routes.add_routes(app)
    workflow_routes.add_routes(app)
    oauth_routes.add_routes(app)
    seed_oauth_routes.add_routes(app)  # after: /oauth/google/auth and /callback keep their own handlers
    whatsapp_routes.add_routes(app)
    api_docs_page.add_routes(app)
    interface_files.add_routes(app)  # catch-all: last
    return app


async def _openapi(request: web.Request) -> web.Response:
    return web.json_response(openapi_document(request.app))


class ListenerServer:
    """Start/stop the listener; ``port=0`` picks a free port (tests, second instances).

    ``limits`` defaults to the app's (``build_app(limits=...)``): header, body and idle timeouts and
    the connection cap, which is derived from the open-file limit unless given.
    """

    def __init__(self, app: web.Application, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
                 limits: ListenerLimits | None = None) -> None:
        self.app = app
        self.host = host
        self.port = port
        self.limits = limits or app.get(LIMITS) or ListenerLimits()
        self.guard: ConnectionGuard | None = None
        self._runner: web.AppRunner | None = None
        self._client_errors = ClientErrorLog()

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:8000``."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    async def start(self) -> None:
        """Bind and serve; raises OSError with the port named when it is taken."""
        soft_limit = raise_open_file_limit()  # before anything else opens descriptors
        cap = self.limits.max_connections or connection_cap(soft_limit)
        self._client_errors.install()
        self._runner = web.AppRunner(self.app, access_log=None, handle_signals=False,
                                     keepalive_timeout=self.limits.idle_timeout)
        await self._runner.setup()
        assert self._runner.server is not None
        self.guard = ConnectionGuard(self._runner.server, header_timeout=self.limits.header_timeout,
                                     max_connections=cap)
        sock = socket.socket(socket.AF_INET6 if ":" in self.host else socket.AF_INET, socket.SOCK_STREAM)
        if hasattr(socket, "SO_REUSEADDR") and not hasattr(socket, "SO_EXCLUSIVEADDRUSE"):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # POSIX: rebind right after a restart
        try:
            sock.bind((self.host, self.port))
        except OSError as exc:
            sock.close()
            await self._runner.cleanup()
            self._client_errors.uninstall()
            reason = translatable("Listener", "cannot listen on {address}: {reason}",
                                  address=f"{self.host}:{self.port}", reason=exc.strerror)
            raise OSError(exc.errno, reason) from None
        sock.setblocking(False)
        self.port = sock.getsockname()[1]
        await GuardedSite(self._runner, sock, self.guard, accept_backlog(soft_limit, cap)).start()
        log.info("listening on %s (at most %d connections; open-file limit %s)", self.url, cap, soft_limit)

    async def stop(self) -> None:
        """Stop accepting and close connections."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        self._client_errors.uninstall()
