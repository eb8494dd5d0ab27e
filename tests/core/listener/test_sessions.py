"""The interface session cookie attacked: other ports, other sites, link-triggered runs, guessing, bad redirects."""

from __future__ import annotations

import hashlib
import hmac
import time
from pathlib import Path
from urllib.parse import quote

import pytest
import requests

from flowdesk.core.listener.sessions import SESSIONS, issue_login_ticket
from flowdesk.core.service_settings import RuntimeSettings
from tests.core.listener.conftest import TOKEN, Api, ServiceThread
from tests.core.listener.raw_connection import listener_port as port_of


def logged_in(service: ServiceThread) -> Api:
    """A browser-like client holding a fresh session cookie (and no bearer token)."""
    api = Api(service.url)
    r = api("GET", f"/auth/login?token={TOKEN}&next=/site/", auth=False)
    assert r.status_code == 302 and "flowdesk_session" in api.session.cookies
    return api


def origin(service: ServiceThread, host: str = "127.0.0.1", port: int | None = None) -> str:
    return f"http://{host}:{port or port_of(service)}"


def test_session_id_is_random_and_not_derived_from_the_token(service: ServiceThread) -> None:
    first, second = logged_in(service), logged_in(service)
    a, b = first.session.cookies["flowdesk_session"], second.session.cookies["flowdesk_session"]
    old_style = hmac.new(TOKEN.encode(), b"flowdesk-interface-session", hashlib.sha256).hexdigest()
    assert a != b and old_style not in (a, b) and TOKEN not in a and len(a) >= 40
    # a value made from the token (what the cookie used to be) opens nothing
    forged = Api(service.url)
    forged.session.cookies.set("flowdesk_session", old_style)
    assert forged("GET", "/api/workflows", auth=False).status_code == 401


def test_cookie_needs_this_listeners_exact_origin(service: ServiceThread) -> None:
    api = logged_in(service)
    port = port_of(service)
    for good in (origin(service), origin(service, "localhost")):
        assert api("GET", "/api/workflows", auth=False, headers={"Origin": good}).status_code == 200, good
    # Another port on this machine (a dev server, a malicious local app) shares the cookie but not the origin.
    for bad in (origin(service, port=port + 1), origin(service, "localhost", port + 1), "http://127.0.0.1",
                f"https://127.0.0.1:{port}", "null", "http://evil.example.com", f"http://127.0.0.1:{port}.evil.com"):
        r = api("POST", "/api/workflows/execute/echo", auth=False, json={}, headers={"Origin": bad})
        assert r.status_code == 401, bad
        assert api("GET", "/api/workflows", auth=False, headers={"Origin": bad}).status_code == 401, bad


def test_state_changing_requests_with_a_cookie_need_the_origin(service: ServiceThread) -> None:
    api = logged_in(service)
    # A link, an <img> or a top-level navigation sends the cookie without Origin: no run starts.
    assert api("GET", "/api/workflows/trigger/echo?n=1", auth=False).status_code == 401
    assert api("POST", "/api/workflows/execute/echo", auth=False, json={}).status_code == 401
    assert api("GET", "/api/workflows/trigger/echo?n=1", auth=False, headers={"Sec-Fetch-Site": "none"}).status_code == 401
    ok = api("GET", "/api/workflows/trigger/echo?n=1", auth=False, headers={"Origin": origin(service)})
    assert ok.status_code == 200 and ok.json()["status"] == "success"
    # A same-origin fetch() from an interface carries no Origin on a GET, but the browser says same-origin.
    page = api("GET", "/api/workflows/trigger/echo?n=1", auth=False, headers={"Sec-Fetch-Site": "same-origin"})
    assert page.status_code == 200
    # Script callers with the bearer token need no Origin.
    assert Api(service.url)("GET", "/api/workflows/trigger/echo?n=2").status_code == 200


@pytest.mark.parametrize("site", ["cross-site", "same-site"])
def test_fetch_from_another_site_or_port_is_refused(service: ServiceThread, site: str) -> None:
    api = logged_in(service)
    headers = {"Sec-Fetch-Site": site}
    assert api("GET", "/api/workflows", auth=False, headers=headers).status_code == 401
    assert api("GET", "/api/workflows", auth=False, headers={"Sec-Fetch-Site": "same-origin"}).status_code == 200
    assert api("GET", "/api/workflows", headers=headers).status_code == 200  # bearer callers are not browsers


def test_logout_revokes_the_session(service: ServiceThread) -> None:
    api, other = logged_in(service), logged_in(service)
    cookie = api.session.cookies["flowdesk_session"]
    assert api("POST", "/auth/logout", auth=False).status_code == 401  # a cross-site form cannot log you out
    out = api("POST", "/auth/logout", auth=False, headers={"Origin": origin(service)})
    assert out.status_code == 200 and out.json()["sessions_ended"] == 1
    replayed = Api(service.url)
    replayed.session.cookies.set("flowdesk_session", cookie)
    assert replayed("GET", "/api/workflows", auth=False).status_code == 401
    assert other("GET", "/api/workflows", auth=False).status_code == 200
    everyone = Api(service.url)("POST", "/auth/logout?all=true")
    assert everyone.status_code == 200 and everyone.json()["sessions_ended"] == 1
    assert other("GET", "/api/workflows", auth=False).status_code == 401


def test_sessions_expire_when_idle(service: ServiceThread) -> None:
    store = service.service.listener.app[SESSIONS]
    assert store.ttl == 12 * 3600
    store.ttl = 0.2  # the idle limit, shortened for the test
    api = logged_in(service)
    assert api("GET", "/api/workflows", auth=False).status_code == 200
    time.sleep(0.3)
    assert api("GET", "/api/workflows", auth=False).status_code == 401


def test_a_session_does_not_outlive_the_service(listener_ws: Path, data_dir: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLOWDESK_API_TOKEN", TOKEN)
    first = ServiceThread(listener_ws, data_dir, RuntimeSettings(max_workers=1, warm_workers=0), watch=False,
                          scheduler=False).start()
    try:
        cookie = logged_in(first).session.cookies["flowdesk_session"]
    finally:
        first.stop()
    second = ServiceThread(listener_ws, data_dir, RuntimeSettings(max_workers=1, warm_workers=0), watch=False,
                           scheduler=False).start()
    try:
        api = Api(second.url)
        api.session.cookies.set("flowdesk_session", cookie)
        assert api("GET", "/api/workflows", auth=False).status_code == 401
    finally:
        second.stop()


# -- point 11: login throttle; the app's ticket still works -------------------------------------------


def test_failed_logins_are_throttled_per_address(service: ServiceThread) -> None:
    api = Api(service.url)
    codes = [api("GET", f"/auth/login?token=guess-{i}", auth=False).status_code for i in range(5)]
    assert codes == [401] * 5
    blocked = api("GET", "/auth/login?token=guess-6", auth=False)
    assert blocked.status_code == 429 and 1 <= int(blocked.headers["Retry-After"]) <= 60
    # While throttled even the right token is not checked, so guessing gains nothing.
    assert api("GET", f"/auth/login?token={TOKEN}", auth=False).status_code == 429
    # The desktop app's one-time ticket (256 random bits) is not locked out by a page hammering the route.
    ticket = issue_login_ticket(service.service.listener.app)
    r = api("GET", f"/auth/login?ticket={ticket}&next=/site/", auth=False)
    assert r.status_code == 302 and r.headers["Location"] == "/site/"
    assert api("GET", "/api/workflows", auth=False).status_code == 200
    assert Api(service.url)("GET", f"/auth/login?ticket={ticket}", auth=False).status_code == 429  # single use


def test_a_ticket_is_single_use(service: ServiceThread) -> None:
    ticket = issue_login_ticket(service.service.listener.app)
    assert TOKEN not in ticket
    assert Api(service.url)("GET", f"/auth/login?ticket={ticket}", auth=False).status_code == 302
    assert Api(service.url)("GET", f"/auth/login?ticket={ticket}", auth=False).status_code == 401


# -- point 17: next= stays on this listener -----------------------------------------------------------


@pytest.mark.parametrize("target", ["/\\evil.example.com", "/\t/evil.example.com", "/\r\nSet-Cookie: x=1",
                                    "\\\\evil.example.com", "//evil.example.com", "http://evil.example.com/",
                                    "javascript:alert(1)", "/%0d%0aLocation: x", "/caf\u00e9", " /site/", "/site/\x00"])
def test_login_next_refuses_anything_but_a_plain_path(service: ServiceThread, target: str) -> None:
    r = requests.get(f"{service.url}/auth/login?token={TOKEN}&next={quote(target, safe='')}",
                     allow_redirects=False, timeout=10)
    assert r.status_code == 302
    assert r.headers["Location"] == "/", target


def test_login_next_keeps_a_plain_path_with_query(service: ServiceThread) -> None:
    r = requests.get(f"{service.url}/auth/login?token={TOKEN}&next={quote('/site/page.html?a=1&b=2#top', safe='')}",
                     allow_redirects=False, timeout=10)
    assert r.status_code == 302 and r.headers["Location"] == "/site/page.html?a=1&b=2#top"
