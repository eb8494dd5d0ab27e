"""Garbage requests, aborted bodies and accept failures: one short log line per kind per minute, no traceback."""

from __future__ import annotations

import asyncio
import errno
import logging
import socket

import pytest

from flowdesk.core.listener.client_error_log import ACCEPT_FAILED, ClientErrorLog, DISCONNECTED, MALFORMED
from tests.core.listener.conftest import ServiceThread
from tests.core.listener.raw_http import connect, port_of, read_response, request_bytes

GARBAGE = [
    b"GET /\x00 HTTP/1.1\r\n\r\n",  # control byte in the path
    b"GET / HTTP/1.1\r\nBad Header\r\n\r\n",  # header without a colon
    b"GET / HTTP/9.9\r\n\r\n",  # no such version
    b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: zz\r\n\r\n",  # non-numeric length
    b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\n\r\n",  # request line over the 8,190-byte limit
    b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 40 + b"\r\n\r\n",  # TLS hello on the HTTP port
]


def noisy_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name.startswith(("aiohttp", "asyncio"))]


def test_two_hundred_garbage_requests_and_aborted_bodies_log_a_couple_of_lines(
        service: ServiceThread, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    port = port_of(service)
    for i in range(200):
        with connect(port) as sock:
            sock.sendall(GARBAGE[i % len(GARBAGE)])
            answer = read_response(sock)
            assert answer is None or answer[0] == 400, answer  # the TLS hello is simply closed
    for _ in range(20):  # a body promised and cut short by the client going away
        sock = connect(port)
        sock.sendall(request_bytes("POST", "/api/workflows/execute/echo").replace(b"Content-Length: 0",
                                                                                 b"Content-Length: 500") + b'{"n"')
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        sock.close()  # RST: an abortive close, as a crashing client would
    with connect(port) as sock:  # wait until the listener has seen them all
        sock.sendall(request_bytes("GET", "/health", auth=False))
        assert read_response(sock)[0] == 200
    service.call(asyncio.sleep(0.2))
    records = noisy_records(caplog)
    assert 1 <= len(records) <= 2, [r.getMessage() for r in records]
    assert {r.getMessage().split(":", 1)[0] for r in records} <= {MALFORMED, DISCONNECTED}
    for record in records:
        assert record.exc_info is None and record.levelno == logging.WARNING
        assert "\n" not in record.getMessage() and len(record.getMessage()) < 400
    assert "Traceback" not in caplog.text


def test_accept_failures_are_logged_once_a_minute_with_the_count(caplog: pytest.LogCaptureFixture) -> None:
    # asyncio reports EMFILE on accept() through the loop's exception handler, once per retry second
    now = [1000.0]
    log = ClientErrorLog(clock=lambda: now[0])
    log.install()
    loop = asyncio.new_event_loop()
    try:
        caplog.set_level(logging.INFO)
        for _ in range(100):
            loop.call_exception_handler({"message": "socket.accept() out of system resource",
                                         "exception": OSError(errno.EMFILE, "Too many open files")})
        now[0] += 61
        loop.call_exception_handler({"message": "socket.accept() out of system resource",
                                     "exception": OSError(errno.EMFILE, "Too many open files")})
        loop.call_exception_handler({"message": "Task exception was never retrieved",
                                     "exception": RuntimeError("a real bug")})
    finally:
        loop.close()
        log.uninstall()
    accept = [r for r in caplog.records if r.getMessage().startswith(ACCEPT_FAILED)]
    assert len(accept) == 2 and all(r.exc_info is None for r in accept)
    assert accept[0].getMessage().startswith(f"{ACCEPT_FAILED} (EMFILE): socket.accept() out of system resource")
    assert "[99 more of this kind since the previous line, not logged]" in accept[1].getMessage()
    real = [r for r in caplog.records if r.getMessage().startswith("Task exception was never retrieved")]
    assert len(real) == 1 and real[0].exc_info is not None, "other loop errors keep their traceback"
