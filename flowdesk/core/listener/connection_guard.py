"""Per-connection defences aiohttp lacks: a deadline for request headers and a cap on open connections.

aiohttp has no header-read timeout (its keep-alive timer is not reset by partial data but shares
the idle value) and accepts every connection until the process runs out of descriptors
(aio-libs/aiohttp#675: "application level duty"). A slowloris client - open a socket, send half a
request line, never finish - therefore holds a descriptor for ever, and ~1,000 of them made
``accept()`` fail with EMFILE for everyone.

``ConnectionGuard`` is the protocol factory handed to ``loop.create_server`` in place of aiohttp's
``web.Server``: each ``GuardedConnection`` forwards every transport callback to aiohttp's own
``RequestHandler`` and adds a timer from the first byte of a request (or the connection's start)
until its handler begins, plus a count of open connections that refuses new ones past the cap.
The cost per request is one extra coroutine frame and a dict lookup; no thread hop.
"""

from __future__ import annotations

import asyncio
import json
import logging
import socket

from aiohttp import web
from aiohttp.web_protocol import RequestHandler

from flowdesk.core.log_rate_limit import RateLimiter

log = logging.getLogger(__name__)

LISTEN_BACKLOG = 1024


def _raw_response(status: str, message: str, retry_after: bool = False) -> bytes:
    """A complete HTTP/1.1 answer that closes the connection, written straight to the transport."""
    body = json.dumps({"error": message}).encode()
    extra = "Retry-After: 1\r\n" if retry_after else ""
    head = (f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n"
            f"{extra}Connection: close\r\n\r\n")
    return head.encode("ascii") + body


class ConnectionGuard:
    """Protocol factory around aiohttp's ``web.Server``: counts connections and times out request headers."""

    def __init__(self, server: web.Server, *, header_timeout: float, max_connections: int) -> None:
        self.server = server
        self.header_timeout = header_timeout
        self.max_connections = max_connections
        self.open = 0
        self.refused = 0
        self.timed_out = 0
        self._by_handler: dict[RequestHandler, GuardedConnection] = {}
        self._cap_log = RateLimiter()
        self._handler = server.request_handler
        # Each RequestHandler copies this attribute when it is created, so it is replaced before any is.
        server.request_handler = self._handle
        self.refusal = _raw_response("503 Service Unavailable", "too many open connections; try again",
                                     retry_after=True)
        self.timeout_answer = _raw_response("408 Request Timeout",
                                            f"request headers not received within {header_timeout:g} s")

    def __call__(self) -> GuardedConnection:
        """A protocol for one accepted connection (asyncio calls this)."""
        return GuardedConnection(self)

    async def _handle(self, request: web.BaseRequest) -> web.StreamResponse:
        """aiohttp's request handler, told first that this connection's headers are complete."""
        conn = self._by_handler.get(request.protocol)
        if conn is None:
            return await self._handler(request)
        conn.request_started()
        try:
            return await self._handler(request)
        finally:
            conn.in_request = False

    def admit(self, conn: GuardedConnection, handler: RequestHandler) -> None:
        """Count an accepted connection."""
        self.open += 1
        self._by_handler[handler] = conn

    def release(self, handler: RequestHandler) -> None:
        """Forget a closed connection."""
        self.open -= 1
        self._by_handler.pop(handler, None)

    def note_refused(self) -> None:
        """Count a refusal; say so in the log at most once a minute."""
        self.refused += 1
        suppressed = self._cap_log.check("cap")
        if suppressed is not None:
            log.warning("listener holds %d connections (its cap): new ones are answered 503 until some close"
                        "%s", self.open, f" [{suppressed} more refused since the previous line]" if suppressed else "")


class GuardedConnection(asyncio.Protocol):
    """One connection: aiohttp's RequestHandler inside, with a header deadline and a place in the count."""

    __slots__ = ("guard", "inner", "transport", "in_request", "_timer")

    def __init__(self, guard: ConnectionGuard) -> None:
        self.guard = guard
        self.inner: RequestHandler | None = None
        self.transport: asyncio.Transport | None = None
        self.in_request = False
        self._timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:  # type: ignore[override]
        """Refuse past the cap; otherwise start the header deadline and hand over to aiohttp."""
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        guard = self.guard
        if guard.open >= guard.max_connections:
            guard.note_refused()
            transport.write(guard.refusal)
            transport.close()
            return
        self.inner = guard.server()
        guard.admit(self, self.inner)
        self._arm()
        self.inner.connection_made(transport)

    def data_received(self, data: bytes) -> None:
        """Bytes of a new request between requests start the header deadline again."""
        if self.inner is None:
            return
        if self._timer is None and not self.in_request:
            self._arm()
        self.inner.data_received(data)

    def eof_received(self) -> bool | None:
        """aiohttp decides (it closes)."""
        return self.inner.eof_received() if self.inner is not None else None

    def connection_lost(self, exc: Exception | None) -> None:
        """Leave the count and let aiohttp clean up."""
        self._disarm()
        if self.inner is not None:
            self.guard.release(self.inner)
            self.inner.connection_lost(exc)
        self.transport = None

    def pause_writing(self) -> None:
        """Flow control, aiohttp's business."""
        if self.inner is not None:
            self.inner.pause_writing()

    def resume_writing(self) -> None:
        """Flow control, aiohttp's business."""
        if self.inner is not None:
            self.inner.resume_writing()

    def request_started(self) -> None:
        """The headers are complete and the handler runs: the deadline no longer applies."""
        self.in_request = True
        self._disarm()

    def _arm(self) -> None:
        loop = asyncio.get_running_loop()
        self._timer = loop.call_later(self.guard.header_timeout, self._expire)

    def _disarm(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _expire(self) -> None:
        """Headers too slow: answer 408 and close (abort if even that cannot be sent)."""
        self._timer = None
        transport = self.transport
        if self.in_request or transport is None or transport.is_closing():
            return
        self.guard.timed_out += 1
        transport.write(self.guard.timeout_answer)
        if transport.get_write_buffer_size():
            transport.abort()  # a client that does not read must not keep the descriptor
        else:
            transport.close()


class GuardedSite(web.BaseSite):
    """A listening socket served through a ConnectionGuard (aiohttp's SockSite serves ``web.Server`` directly)."""

    __slots__ = ("_sock", "_guard")

    def __init__(self, runner: web.BaseRunner, sock: socket.socket, guard: ConnectionGuard) -> None:
        super().__init__(runner, backlog=LISTEN_BACKLOG)
        self._sock = sock
        self._guard = guard

    @property
    def name(self) -> str:
        """``http://host:port``"""
        host, port = self._sock.getsockname()[:2]
        return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"

    async def start(self) -> None:
        """Register with the runner, then serve the socket."""
        await super().start()
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(self._guard, sock=self._sock, backlog=self._backlog)
