"""Byte-level HTTP over real loopback sockets, for attacks no well-behaved client library would send."""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path
from typing import Any

import pytest

from flowdesk.core.listener.limits import ListenerLimits
from flowdesk.core.service_settings import RuntimeSettings
from tests.core.listener.conftest import TOKEN, ServiceThread


def start_service(listener_ws: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch,
                  **limits: Any) -> ServiceThread:
    """A service without scheduler or watcher, with small listener limits for the attack at hand."""
    monkeypatch.setenv("FLOWDESK_API_TOKEN", TOKEN)
    return ServiceThread(listener_ws, data_dir, RuntimeSettings(max_workers=1, warm_workers=1, queue_limit=50),
                         watch=False, scheduler=False, grace=2, listener_limits=ListenerLimits(**limits)).start()


def port_of(service: ServiceThread) -> int:
    return int(service.url.rsplit(":", 1)[1])


def connect(port: int, timeout: float = 10) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=timeout)


def request_bytes(method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None,
                  auth: bool = True) -> bytes:
    """A complete HTTP/1.1 request (keep-alive)."""
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"]
    if auth:
        lines.append(f"Authorization: Bearer {TOKEN}")
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    if body or method == "POST":
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def read_response(sock: socket.socket, timeout: float = 10) -> tuple[int, dict[str, Any] | bytes] | None:
    """One response (status, JSON or raw body); None when the server closed without answering."""
    sock.settimeout(timeout)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    length = next((int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                   if line.lower().startswith(b"content-length:")), 0)
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    status = int(head.split(b" ", 2)[1])
    try:
        return status, json.loads(body)
    except ValueError:
        return status, body


def closed_within(sock: socket.socket, seconds: float) -> tuple[bool, bytes]:
    """Whether the server closed ``sock`` within ``seconds``, and what it sent before closing."""
    deadline = time.monotonic() + seconds
    received = b""
    while (left := deadline - time.monotonic()) > 0:
        sock.settimeout(left)
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            return False, received
        except ConnectionResetError:
            return True, received
        if not chunk:
            return True, received
        received += chunk
    return False, received
