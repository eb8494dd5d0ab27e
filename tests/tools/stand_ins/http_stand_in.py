"""A tiny threaded HTTP server with routes, a request log and scripted failures, for service stand-ins."""

from __future__ import annotations

import json
import re
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    """One request the stand-in received."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # lower-case names
    body: bytes

    def json(self) -> Any:
        """The body parsed as JSON (``None`` if it is not JSON)."""
        try:
            return json.loads(self.body or b"null")
        except ValueError:
            return None

    def form(self) -> dict[str, str]:
        """The body parsed as ``application/x-www-form-urlencoded``."""
        return {k: v[0] for k, v in parse_qs(self.body.decode("utf-8"), keep_blank_values=True).items()}

    @property
    def content_type(self) -> str:
        """The media type without parameters."""
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    def bearer(self) -> str | None:
        """The token of an ``Authorization: Bearer`` header."""
        value = self.headers.get("authorization", "")
        return value[7:].strip() if value.lower().startswith("bearer ") else None


@dataclass
class Reply:
    """What to answer: a status, a JSON-able or text body, extra headers."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str | None = None

    def encoded(self) -> tuple[bytes, str]:
        """Body bytes and content type."""
        if isinstance(self.body, bytes):
            return self.body, self.content_type or "application/octet-stream"
        if isinstance(self.body, str):
            return self.body.encode("utf-8"), self.content_type or "text/plain; charset=utf-8"
        if self.body is None:
            return b"", self.content_type or "application/json"
        return json.dumps(self.body).encode("utf-8"), self.content_type or "application/json; charset=utf-8"


Handler = Callable[[Request, "re.Match[str]"], Reply]


@dataclass
class _Failure:
    pattern: re.Pattern[str]
    reply: Reply
    remaining: int


def dead_url() -> str:
    """``http://127.0.0.1:<port>`` where nothing listens (connections are refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


class HttpStandIn:
    """Routes requests to handlers; subclasses register routes in ``setup_routes`` and reset state in ``reset``."""

    service = "stand-in"

    def __init__(self) -> None:
        self.routes: list[tuple[str, re.Pattern[str], Handler]] = []
        self.requests: list[Request] = []
        self._failures: list[_Failure] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.setup_routes()

    # -- configuration ----------------------------------------------------------------

    def setup_routes(self) -> None:
        """Register routes with ``self.add``."""

    def add(self, method: str, pattern: str, handler: Handler) -> None:
        """Answer ``method`` requests whose path fully matches ``pattern`` with ``handler``."""
        self.routes.append((method.upper(), re.compile(pattern), handler))

    def fail_next(self, path_pattern: str, reply: Reply, times: int = 1) -> None:
        """Answer the next ``times`` requests whose path contains ``path_pattern`` (a regex) with ``reply``."""
        with self._lock:
            self._failures.append(_Failure(re.compile(path_pattern), reply, times))

    def reset(self) -> None:
        """Forget requests and scripted failures (subclasses also reset their data)."""
        with self._lock:
            self.requests.clear()
            self._failures.clear()

    def calls(self, path_pattern: str) -> list[Request]:
        """Requests whose path contains ``path_pattern`` (a regex)."""
        return [r for r in self.requests if re.search(path_pattern, r.path)]

    def not_found(self, request: Request) -> Reply:
        """The answer for an unknown path."""
        return Reply(404, {"error": f"no route for {request.method} {request.path}"})

    # -- lifecycle --------------------------------------------------------------------

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        assert self._server is not None, "stand-in not started"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> HttpStandIn:
        """Listen on a free loopback port in a daemon thread."""
        stand_in = self

        class _Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                stand_in._serve(self)

            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _serve

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - base signature
                """Silence the default stderr access log."""
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        # A short poll keeps stop() fast (shutdown waits for the serve loop to notice).
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"{self.service}-stand-in", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop listening."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    # -- dispatch ---------------------------------------------------------------------

    def _serve(self, raw: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(raw.path)
        length = int(raw.headers.get("Content-Length") or 0)
        request = Request(
            method=raw.command,
            path=parts.path,
            query={k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()},
            headers={k.lower(): v for k, v in raw.headers.items()},
            body=raw.rfile.read(length) if length else b"",
        )
        with self._lock:
            self.requests.append(request)
            reply = self._scripted(request)
        if reply is None:
            reply = self._route(request)
        body, content_type = reply.encoded()
        raw.send_response(reply.status)
        raw.send_header("Content-Type", content_type)
        raw.send_header("Content-Length", str(len(body)))
        for name, value in reply.headers.items():
            raw.send_header(name, value)
        raw.end_headers()
        raw.wfile.write(body)

    def _scripted(self, request: Request) -> Reply | None:
        for failure in self._failures:
            if failure.remaining > 0 and failure.pattern.search(request.path):
                failure.remaining -= 1
                return failure.reply
        return None

    def _route(self, request: Request) -> Reply:
        allowed = False
        for method, pattern, handler in self.routes:
            match = pattern.fullmatch(request.path)
            if match is None:
                continue
            allowed = True
            if method == request.method:
                try:
                    return handler(request, match)
                except Exception as exc:  # a stand-in bug must show up in the test, not hang it
                    return Reply(500, {"error": f"stand-in crashed: {type(exc).__name__}: {exc}"})
        if allowed:
            return Reply(405, {"error": f"method {request.method} not allowed on {request.path}"})
        return self.not_found(request)
