"""One raw HTTP/1.1 client connection on loopback: request heads, body bytes and answers exactly as on the wire."""

from __future__ import annotations

import json
import socket
import struct
from typing import Any

from tests.core.listener.conftest import ServiceThread


def listener_port(service: ServiceThread) -> int:
    """The listener's port."""
    return int(service.url.rsplit(":", 1)[1])


class RawConnection:
    """One client socket; ``head`` sends a request line and headers, ``response`` reads one answer."""

    def __init__(self, port: int, timeout: float = 10) -> None:
        self.port = port
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.buffer = b""

    def head(self, method: str, path: str, headers: dict[str, str]) -> None:
        """Send the request line and headers (Host added), no body."""
        lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{self.port}",
                 *(f"{k}: {v}" for k, v in headers.items()), "", ""]
        self.sock.sendall("\r\n".join(lines).encode("latin-1"))

    def send(self, data: bytes) -> None:
        """Send body bytes."""
        self.sock.sendall(data)

    def response(self) -> tuple[int, dict[str, str], bytes]:
        """The next response (an interim ``100 Continue`` counts as one): status, headers, body."""
        while b"\r\n\r\n" not in self.buffer:
            self._fill()
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split(" ", 2)[1])
        headers = {k.strip().lower(): v.strip() for k, v in (h.split(":", 1) for h in header_lines)}
        length = int(headers.get("content-length", "0"))
        while len(self.buffer) < length:
            self._fill()
        body, self.buffer = self.buffer[:length], self.buffer[length:]
        return status, headers, body

    def json(self) -> tuple[int, Any]:
        """The next response's status and JSON body."""
        status, _, body = self.response()
        return status, json.loads(body) if body else None

    def _fill(self) -> None:
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError(f"connection closed; received so far: {self.buffer[:200]!r}")
        self.buffer += chunk

    def abort(self) -> None:
        """Close with a TCP reset, as a client that crashes mid-upload does."""
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.sock.close()

    def close(self) -> None:
        """Close normally."""
        self.sock.close()
