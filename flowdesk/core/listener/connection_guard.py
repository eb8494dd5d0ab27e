"""Per-connection defences aiohttp lacks: a deadline for request headers and a cap on open connections.

aiohttp has no header-read timeout of its own (its keep-alive timer, 3,630 s by default, also
covers a stalled request but cannot be set apart from the idle time) and accepts every connection
until the process runs out of descriptors
(aio-libs/aiohttp#675: "application level duty"). A slowloris client - open a socket, send half a
request line, never finish - therefore holds a descriptor for ever, and ~1,000 of them made
``accept()`` fail with EMFILE for everyone.

``ConnectionGuard`` is the protocol factory handed to ``loop.create_server`` in place of aiohttp's
``web.Server``: each ``GuardedConnection`` forwards every transport callback to aiohttp's own
``RequestHandler`` and adds a timer from the first byte of a request (or the connection's start)
until its handler begins, plus a count of open connections with a cap (see ConnectionGuard).
The cost per request is one extra coroutine frame and a few dict operations; no thread hop.
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


def _raw_response(status: str, message: str, retry_after: bool = False) -> bytes:
    """A complete HTTP/1.1 answer that closes the connection, written straight to the transport."""
    body = json.dumps({"error": message}).encode()
    extra = "Retry-After: 1\r\n" if retry_after else ""
    head = (f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n"
            f"{extra}Connection: close\r\n\r\n")
    return head.encode("ascii") + body


class ConnectionGuard:
    """Protocol factory around aiohttp's ``web.Server``: counts connections and times out request headers.

    At the cap a new connection takes the place of the one that has waited longest without a
    request in progress (slow headers or an idle keep-alive), so a flood of slow sockets cannot lock
    real clients out; only when every connection is busy with a request is the newcomer answered 503.
    """

    def __init__(self, server: web.Server, *, header_timeout: float, max_connections: int) -> None:
        self.server = server
        self.header_timeout = header_timeout
        self.max_connections = max_connections
        self.open = 0
        self.refused = 0
        self.evicted = 0
        self.timed_out = 0
        self._by_handler: dict[RequestHandler, GuardedConnection] = {}
        self._waiting: dict[GuardedConnection, None] = {}  # no request in progress, oldest first
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
        conn.in_request = True
        conn.disarm()
        self._waiting.pop(conn, None)
        try:
            return await self._handler(request)
        finally:
            conn.in_request = False
            if conn.inner is not None:
                self._waiting[conn] = None

    def make_room(self) -> bool:
        """True when a new connection may be admitted, after dropping the longest-waiting one if at the cap."""
        if self.open < self.max_connections:
            return True
        victim = next(iter(self._waiting), None)
        if victim is None:
            self._note_cap("every connection is busy with a request: new ones are answered 503", refused=True)
            return False
        victim.drop()
        self._note_cap("the longest-waiting connection (slow headers or idle) is closed for each new one",
                       refused=False)
        return True

    def admit(self, conn: GuardedConnection, handler: RequestHandler) -> None:
        """Count an accepted connection (waiting for its first request)."""
        self.open += 1
        self._by_handler[handler] = conn
        self._waiting[conn] = None

    def release(self, conn: GuardedConnection, handler: RequestHandler) -> None:
        """Forget a closed connection."""
        self.open -= 1
        self._by_handler.pop(handler, None)
        self._waiting.pop(conn, None)

    def _note_cap(self, what: str, refused: bool) -> None:
        """Count; say so in the log at most once a minute."""
        if refused:
            self.refused += 1
        else:
            self.evicted += 1
        suppressed = self._cap_log.check(what)
        if suppressed is not None:
            more = f" [{suppressed} more since the previous line]" if suppressed else ""
            log.warning("listener at its cap of %d connections: %s%s", self.max_connections, what, more)


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
        """Make room or refuse at the cap; then start the header deadline and hand over to aiohttp."""
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        guard = self.guard
        if not guard.make_room():
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
        self.disarm()
        inner, self.inner = self.inner, None
        if inner is not None:
            self.guard.release(self, inner)
            inner.connection_lost(exc)
        self.transport = None

    def pause_writing(self) -> None:
        """Flow control, aiohttp's business."""
        if self.inner is not None:
            self.inner.pause_writing()

    def resume_writing(self) -> None:
        """Flow control, aiohttp's business."""
        if self.inner is not None:
            self.inner.resume_writing()

    def drop(self) -> None:
        """Close at once to make room (no answer: nothing was asked, or the asking is too slow)."""
        self.disarm()
        if self.inner is not None:
            self.guard.release(self, self.inner)  # counted out now: its place is taken right away
            self.inner.force_close()  # aiohttp closes the transport; connection_lost follows
            self.inner.connection_lost(None)
            self.inner = None

    def disarm(self) -> None:
        """Cancel the header deadline (the request's handler has begun, or the connection is gone)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _arm(self) -> None:
        self._timer = asyncio.get_running_loop().call_later(self.guard.header_timeout, self._expire)

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

    def __init__(self, runner: web.BaseRunner, sock: socket.socket, guard: ConnectionGuard, backlog: int) -> None:
        super().__init__(runner, backlog=backlog)
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
