"""Access rules of CONTRACT §6 and the attacks the listener must refuse."""

from __future__ import annotations

import hashlib
import hmac
import os
import socket
from pathlib import Path

from tests.core.listener.conftest import TOKEN, Api, ServiceThread


def raw_get(service: ServiceThread, path: str, host: str | None = None) -> tuple[int, bytes]:
    """An HTTP/1.1 request sent byte for byte, so nothing normalises the path or the Host header."""
    port = int(service.url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        host_line = f"Host: {host}\r\n" if host is not None else ""
        sock.sendall(f"GET {path} HTTP/1.1\r\n{host_line}Connection: close\r\n\r\n".encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    status = int(data.split(b" ", 2)[1])
    return status, data.split(b"\r\n\r\n", 1)[1]


def test_foreign_host_header_is_refused(service: ServiceThread) -> None:
    port = service.url.rsplit(":", 1)[1]
    assert raw_get(service, "/health", f"127.0.0.1:{port}")[0] == 200
    assert raw_get(service, "/health", f"localhost:{port}")[0] == 200
    status, body = raw_get(service, "/health", "evil.example.com")
    assert status == 403 and b"not allowed" in body
    assert raw_get(service, "/site/", "attacker.test:80")[0] == 403
    assert raw_get(service, "/health", None)[0] in (400, 403)


def test_interface_files_are_served_and_folders_get_index(api: Api) -> None:
    r = api("GET", "/site/", auth=False)
    assert r.status_code == 200 and "site index" in r.text and r.headers["Content-Type"].startswith("text/html")
    assert api("GET", "/site/sub/page.html", auth=False).text.strip() == "<p>sub page</p>"
    assert api("GET", "/site/app.js", auth=False).headers["Content-Type"].startswith(("text/javascript", "application/javascript"))
    redirect = api("GET", "/site", auth=False)
    assert redirect.status_code == 302 and redirect.headers["Location"] == "/site/"
    assert api("GET", "/site/missing.html", auth=False).status_code == 404


def test_path_traversal_in_every_spelling_is_refused(service: ServiceThread) -> None:
    for path in ("/site/../config/not_served.txt", "/site/%2e%2e/%2e%2e/config/not_served.txt",
                 "/site/%252e%252e/%252e%252e/config/not_served.txt", "/site/..%2f..%2fconfig/not_served.txt",
                 "/site/sub/../../../config/not_served.txt", "/site/..\\..\\config\\not_served.txt",
                 "/site/%00index.html", "/site//etc/passwd"):
        status, body = raw_get(service, path, "127.0.0.1")
        assert status in (400, 404), path
        assert b"SECRET_OUTSIDE" not in body, path


def test_symlink_out_of_src_is_refused(api: Api, listener_ws: Path) -> None:
    src = listener_ws / "private/interfaces/site/src"
    os.symlink(listener_ws / "config" / "not_served.txt", src / "leak.txt")
    os.symlink(listener_ws / "config", src / "leakdir")
    assert api("GET", "/site/leak.txt", auth=False).status_code == 404
    assert api("GET", "/site/leakdir/not_served.txt", auth=False).status_code == 404


def test_no_cors_by_default(api: Api) -> None:
    r = api("GET", "/api/workflows", headers={"Origin": "https://evil.example.com"})
    assert "Access-Control-Allow-Origin" not in r.headers
    pre = api("OPTIONS", "/api/workflows", auth=False, headers={"Origin": "https://evil.example.com",
                                                             "Access-Control-Request-Method": "POST"})
    assert "Access-Control-Allow-Origin" not in pre.headers


def test_session_cookie_for_interfaces(api: Api) -> None:
    bad = api("GET", "/auth/login?token=wrong&next=/site/", auth=False)
    assert bad.status_code == 401
    ok = api("GET", f"/auth/login?token={TOKEN}&next=/site/", auth=False)
    assert ok.status_code == 302 and ok.headers["Location"] == "/site/"
    cookie = ok.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and TOKEN not in cookie
    # the session (requests keeps the cookie) now reaches the API as the page's JavaScript would
    assert api("GET", "/api/workflows", auth=False).status_code == 200
    # but not from a foreign origin
    assert api("GET", "/api/workflows", auth=False, headers={"Origin": "http://evil.example.com"}).status_code == 401
    assert api("GET", f"/auth/login?token={TOKEN}&next=//evil.example.com", auth=False).headers["Location"] == "/"


def test_webhook_shared_token(api: Api) -> None:
    assert api("POST", "/api/webhooks/hook_token", auth=False, json={}).status_code == 401
    wrong = api("POST", "/api/webhooks/hook_token", auth=False, json={}, headers={"X-FlowDesk-Token": "nope"})
    assert wrong.status_code == 401 and wrong.json() == {"error": "unauthorized"}  # no reason for strangers
    ok = api("POST", "/api/webhooks/hook_token", auth=False, json={}, headers={"X-FlowDesk-Token": "s3cret-token"})
    assert ok.status_code == 202
    assert api("POST", "/api/webhooks/hook_token", json={}).status_code == 202  # the API token always works


def test_webhook_hmac_signature_of_the_raw_body(api: Api) -> None:
    body = b'{"event": "push", "n": 1}'
    sig = "sha256=" + hmac.new(b"hmac-secret", body, hashlib.sha256).hexdigest()
    headers = {"Content-Type": "application/json", "X-FlowDesk-Signature": sig}
    ok = api("POST", "/api/webhooks/hook_hmac?wait=true", auth=False, data=body, headers=headers)
    assert ok.status_code == 200 and ok.json()["data"]["event"] == "push"
    tampered = api("POST", "/api/webhooks/hook_hmac", auth=False, data=body.replace(b"1", b"2"), headers=headers)
    assert tampered.status_code == 401 and tampered.json() == {"error": "unauthorized"}
    bare_hex = {**headers, "X-FlowDesk-Signature": sig.removeprefix("sha256=")}
    assert api("POST", "/api/webhooks/hook_hmac", auth=False, data=body, headers=bare_hex).status_code == 202
    assert api("POST", "/api/webhooks/hook_hmac", auth=False, data=body,
               headers={"Content-Type": "application/json"}).status_code == 401


def test_public_webhook_and_default_api_auth(api: Api) -> None:
    assert api("POST", "/api/webhooks/hook_public", auth=False, json={"a": 1}).status_code == 202
    assert api("POST", "/api/webhooks/echo", auth=False, json={}).status_code == 401


def test_a_backlog_past_its_limit_answers_429(listener_ws: Path, data_dir: Path, monkeypatch) -> None:
    from flowdesk.core.service_settings import RuntimeSettings

    monkeypatch.setenv("FLOWDESK_API_TOKEN", TOKEN)
    svc = ServiceThread(listener_ws, data_dir, RuntimeSettings(max_workers=1, warm_workers=1, max_backlog=2),
                        watch=False, scheduler=False).start()
    try:
        api = Api(svc.url)
        codes = [api("POST", "/api/webhooks/slow", json={"seconds": 3}).status_code for _ in range(6)]
        # one running, two queued (the backlog limit), then refusals
        assert codes == [202, 202, 202, 429, 429, 429]
        refused = api("POST", "/api/webhooks/slow", json={"seconds": 3})
        assert refused.status_code == 429 and refused.headers["Retry-After"] == "1"
        accepted = [r for r in api("GET", "/api/runs?workflow=slow").json()]
        assert len(accepted) == codes.count(202)  # refused work left no record
    finally:
        svc.stop()
