"""Webhook credentials are checked before the body: Expect: 100-continue, half-sent and aborted uploads."""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import hashlib
import hmac
import time

import psutil

from tests.core.listener.conftest import TOKEN, ServiceThread
from tests.core.listener.raw_connection import RawConnection, listener_port as port_of

MIB = 1024 * 1024
HALF = b"x" * (MIB // 2)
REFUSED = {"error": "unauthorized"}


def settled_rss() -> int:
    """This process's RSS once freed memory is given back (the service runs in this process).

    glibc keeps freed heap pages for reuse; malloc_trim hands them back so RSS shows what is still held.
    """
    gc.collect()
    libc_name = ctypes.util.find_library("c")
    if libc_name:
        libc = ctypes.CDLL(libc_name)
        if hasattr(libc, "malloc_trim"):
            libc.malloc_trim(0)
    return psutil.Process().memory_info().rss


def expect_headers(length: int, **extra: str) -> dict[str, str]:
    return {"Content-Type": "application/json", "Content-Length": str(length), "Expect": "100-continue", **extra}


def test_expect_gets_401_before_100_continue(service: ServiceThread) -> None:
    port = port_of(service)
    body = b'{"a": 1}'
    for path, headers in (("/api/webhooks/hook_token", {"X-FlowDesk-Token": "guess"}),
                          ("/api/webhooks/hook_token", {}),
                          ("/api/webhooks/no_such_workflow", {}),
                          ("/api/webhooks/echo", {}),
                          ("/api/webhooks/hook_hmac", {})):
        conn = RawConnection(port)
        conn.head("POST", path, expect_headers(len(body), **headers))
        status, answer = conn.json()  # the first thing back is the refusal, not "100 Continue"
        assert (status, answer) == (401, REFUSED), path
        conn.close()
    conn = RawConnection(port)
    conn.head("POST", "/api/workflows/execute/echo", expect_headers(len(body)))
    assert conn.json()[0] == 401
    conn.close()


def test_expect_gets_413_before_100_continue(service: ServiceThread) -> None:
    port = port_of(service)
    for path, headers in (("/api/webhooks/hook_token", {"X-FlowDesk-Token": "s3cret-token"}),
                          ("/api/webhooks/no_such_workflow", {}),  # the size answer says nothing about the name
                          ("/api/workflows/execute/echo", {"Authorization": f"Bearer {TOKEN}"})):
        conn = RawConnection(port)
        conn.head("POST", path, expect_headers(2 * MIB, **headers))
        status, answer = conn.json()
        assert status == 413 and "too large" in answer["error"], path
        conn.close()


def test_expect_continues_for_good_credentials(service: ServiceThread) -> None:
    port = port_of(service)
    body = b'{"event": "push"}'
    signature = "sha256=" + hmac.new(b"hmac-secret", body, hashlib.sha256).hexdigest()
    for path, headers in (("/api/webhooks/hook_token", {"X-FlowDesk-Token": "s3cret-token"}),
                          ("/api/webhooks/hook_hmac", {"X-FlowDesk-Signature": signature}),
                          ("/api/webhooks/echo", {"Authorization": f"Bearer {TOKEN}"})):
        conn = RawConnection(port)
        conn.head("POST", path, expect_headers(len(body), **headers))
        assert conn.response()[0] == 100, path
        conn.send(body)
        status, answer = conn.json()
        assert status == 202 and answer["run_id"], (path, answer)
        conn.close()


def test_half_sent_bodies_to_token_webhooks_are_refused_on_headers(service: ServiceThread) -> None:
    port = port_of(service)
    baseline = settled_rss()
    conns: list[RawConnection] = []
    try:
        for i in range(200):
            conn = RawConnection(port)
            headers = {"X-FlowDesk-Token": "guess"} if i % 2 else {}
            path = "/api/webhooks/hook_token" if i % 2 else "/api/webhooks/echo"  # shared-token and API-token
            conn.head("POST", path, {"Content-Type": "application/json", "Content-Length": str(MIB), **headers})
            conn.send(HALF)
            conns.append(conn)
        # Every one is refused while its body is still half on the way; nothing waits for the rest.
        assert all(conn.json() == (401, REFUSED) for conn in conns)
        grown = settled_rss() - baseline
        # The answers above, given while every body is still half on the way, are the regression test
        # (the old code never answered). RSS is a coarse second check: holding the half bodies plus
        # aiohttp's read buffers would pass 100 MiB, and this process's own noise under parallel
        # load reached 67 MiB, so the bound sits between.
        assert grown < 90 * MIB, f"RSS grew {grown / MIB:.0f} MiB for 200 refused half-sent bodies"
    finally:
        for conn in conns:
            conn.abort()


def test_aborted_hmac_uploads_give_their_memory_back(service: ServiceThread) -> None:
    port = port_of(service)
    baseline = settled_rss()
    conns: list[RawConnection] = []
    for _ in range(200):
        conn = RawConnection(port)
        # A well-formed signature header gets the body read (to check it), up to the 1 MiB limit.
        conn.head("POST", "/api/webhooks/hook_hmac", {"Content-Type": "application/json", "Content-Length": str(MIB),
                                                      "X-FlowDesk-Signature": "sha256=" + "0" * 64})
        conn.send(HALF)
        conns.append(conn)
    time.sleep(0.5)
    for conn in conns:
        conn.abort()
    deadline = time.monotonic() + 15
    grown = settled_rss() - baseline
    while grown > 30 * MIB and time.monotonic() < deadline:
        time.sleep(0.25)
        grown = settled_rss() - baseline
    assert grown <= 30 * MIB, f"RSS still {grown / MIB:.0f} MiB above baseline after 200 aborted uploads"
    # and the listener still answers
    conn = RawConnection(port)
    conn.head("GET", "/health", {})
    assert conn.response()[0] == 200
    conn.close()
