"""Slow and greedy clients over real loopback sockets: header, body and idle timeouts, the connection cap."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest

from flowdesk.core.listener.fd_limit import (CAP_CEILING, CAP_FLOOR, accept_backlog, connection_cap,
                                             raise_open_file_limit)
from tests.core.listener.raw_http import (closed_within, connect, port_of, read_response, request_bytes,
                                          start_service)

PARTIAL = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "  # a request that never finishes


def test_slowloris_connections_are_answered_408_and_closed_after_the_header_timeout(
        listener_ws: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    svc = start_service(listener_ws, data_dir, monkeypatch, header_timeout=1.0)
    try:
        port = port_of(svc)
        slow = [connect(port) for _ in range(20)]
        for sock in slow:
            sock.sendall(PARTIAL)
        trickler = connect(port)  # a byte now and then must not buy more time
        trickler.sendall(PARTIAL)
        start = time.monotonic()
        for _ in range(3):
            time.sleep(0.25)
            trickler.sendall(b"x")
        for sock in [*slow, trickler]:
            closed, sent = closed_within(sock, 3)
            assert closed and sent.startswith(b"HTTP/1.1 408"), sent[:80]
            sock.close()
        assert time.monotonic() - start < 3.5  # today they stay open for ever
        # a keep-alive connection that starts a second request and stalls gets the same deadline
        with connect(port) as sock:
            sock.sendall(request_bytes("GET", "/health", auth=False))
            assert read_response(sock)[0] == 200
            sock.sendall(PARTIAL)
            closed, sent = closed_within(sock, 3)
            assert closed and sent.startswith(b"HTTP/1.1 408")
        assert svc.service.listener.guard.timed_out >= 22
        with connect(port) as sock:  # and the listener is as good as new
            sock.sendall(request_bytes("GET", "/health", auth=False))
            assert read_response(sock)[0] == 200
    finally:
        svc.stop()


def test_idle_keep_alive_connections_are_closed(listener_ws: Path, data_dir: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    svc = start_service(listener_ws, data_dir, monkeypatch, idle_timeout=1.0)
    try:
        with connect(port_of(svc)) as sock:
            sock.sendall(request_bytes("GET", "/health", auth=False))
            assert read_response(sock)[0] == 200
            start = time.monotonic()
            closed, _ = closed_within(sock, 4)
            assert closed and 0.5 < time.monotonic() - start < 3  # aiohttp's default idle time is 3,630 s
    finally:
        svc.stop()


def test_a_body_that_never_arrives_gets_408_and_a_large_one_413(listener_ws: Path, data_dir: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    svc = start_service(listener_ws, data_dir, monkeypatch, body_timeout=1.0)
    try:
        port = port_of(svc)
        with connect(port) as sock:
            head = request_bytes("POST", "/api/workflows/execute/echo", headers={"Content-Type": "application/json"})
            sock.sendall(head.replace(b"Content-Length: 0", b"Content-Length: 100") + b'{"n": 1')
            start = time.monotonic()
            status, body = read_response(sock, timeout=5)
            assert status == 408 and "not received within 1 s" in body["error"]
            assert time.monotonic() - start < 3
        with connect(port) as sock:  # chunked, so no Content-Length gives the size away up front
            head = request_bytes("POST", "/api/workflows/execute/echo",
                                 headers={"Content-Type": "application/json", "Transfer-Encoding": "chunked"})
            sock.sendall(head.replace(b"Content-Length: 0\r\n", b""))
            chunk = b"x" * 65536
            answer = None
            for _ in range(20):  # 1.25 MiB offered, over the 1 MiB limit
                try:
                    sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                except (BrokenPipeError, ConnectionResetError):
                    break
            answer = read_response(sock, timeout=5)
            assert answer is not None and answer[0] == 413 and "limit 1048576 bytes" in answer[1]["error"]
    finally:
        svc.stop()


def test_at_the_cap_slow_connections_make_room_and_busy_ones_get_503(
        listener_ws: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    svc = start_service(listener_ws, data_dir, monkeypatch, max_connections=50, header_timeout=30, body_timeout=2)
    flood: list[socket.socket] = []
    try:
        port = port_of(svc)
        guard = svc.service.listener.guard
        flood += [connect(port) for _ in range(300)]  # silent sockets: each holds a slot until its deadline
        time.sleep(0.5)
        dropped = sum(closed_within(sock, 0.02)[0] for sock in flood)
        assert dropped >= 300 - 50 and guard.open <= 50  # today all 300 are accepted and held
        for _ in range(5):  # real clients still get in during the flood: each takes a slow socket's place
            with connect(port) as sock:
                sock.sendall(request_bytes("GET", "/health", auth=False))
                assert read_response(sock)[0] == 200
        for sock in flood:
            sock.close()
        flood.clear()
        # 50 requests whose bodies never come: every connection is busy, so a newcomer gets 503
        head = request_bytes("POST", "/api/workflows/execute/echo", headers={"Content-Type": "application/json"})
        for _ in range(50):
            sock = connect(port)
            sock.sendall(head.replace(b"Content-Length: 0", b"Content-Length: 100") + b"{")
            flood.append(sock)
        deadline = time.monotonic() + 5
        while sum(c.in_request for c in guard._by_handler.values()) < 50 and time.monotonic() < deadline:
            time.sleep(0.02)
        with connect(port) as sock:
            closed, sent = closed_within(sock, 2)
            assert closed and sent.startswith(b"HTTP/1.1 503") and b"Retry-After: 1" in sent, sent[:120]
        assert guard.refused >= 1
        for sock in flood:  # their body timeout answers them 408 ...
            status, body = read_response(sock, timeout=5)
            assert status == 408
        with connect(port) as sock:  # ... and the listener serves newcomers again
            sock.sendall(request_bytes("GET", "/health", auth=False))
            assert read_response(sock)[0] == 200
    finally:
        for sock in flood:
            sock.close()
        svc.stop()


def test_the_cap_is_a_safe_fraction_of_the_raised_open_file_limit() -> None:
    import resource

    soft = raise_open_file_limit()
    now_soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    assert soft == now_soft and (soft >= min(hard, 10240) or hard == resource.RLIM_INFINITY)
    assert connection_cap(1024) == 512
    assert connection_cap(100_000) == CAP_CEILING
    assert connection_cap(20) == CAP_FLOOR
    # what asyncio accepts in one loop turn must fit beside the cap: 1024 descriptors -> 512 + 128
    assert accept_backlog(1024, 512) == 128 and accept_backlog(65536, 4096) == 1024
