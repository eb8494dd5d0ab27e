"""OAuth routes of the listener, end to end against the local Google stand-in over real sockets."""

from __future__ import annotations

import asyncio
import json
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from flowdesk.core.listener import oauth_routes
from flowdesk.core.listener.server import build_app
from flowdesk.core.oauth.google_oauth import utcnow
from flowdesk.core.oauth.oauth_status import oauth_blocker
from flowdesk.core.oauth.token_store import read_token_info
from flowdesk.core.run_service import RunRequest, RunService
from flowdesk.core.runtime import Runtime
from flowdesk.core.workspace import Workspace
from tests.core.oauth.local_provider import (
    CALENDAR,
    CALENDAR_RO,
    DRIVE_RO,
    SHEETS,
    LocalGoogle,
    ServerThread,
    write_google_workspace,
)

TOKEN = "test-api-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
UNION = {CALENDAR, CALENDAR_RO, DRIVE_RO, SHEETS}


@dataclass
class Listener:
    """A running listener on a workspace wired to the local provider."""

    runtime: Runtime
    server: ServerThread
    provider: LocalGoogle
    token_file: Path

    @property
    def url(self) -> str:
        return f"http://localhost:{self.server.port}"

    def get(self, path: str, **kw: object) -> requests.Response:
        return requests.get(self.url + path, timeout=10, **kw)  # type: ignore[arg-type]


def make_listener(root: Path, provider: LocalGoogle) -> Listener:
    token_file = write_google_workspace(root, provider)
    wf = root / "private" / "workflows" / "agenda"
    wf.mkdir(parents=True)
    (wf / "config.json").write_text(json.dumps({"name": "Agenda", "tools_required": ["google_calendar"],
                                                "tool_profiles": {"google_calendar": "TEST"},
                                                "triggers": ["manual", "schedule"]}), encoding="utf-8")
    (wf / "main.py").write_text("def execute(data, tools):\n    return {'status': 'success'}\n", encoding="utf-8")
    data_dir = root / "data"
    data_dir.mkdir()
    runtime = Runtime(Workspace(root), data_dir)
    runtime.registry.reload()
    app = build_app(runtime, TOKEN)
    if not any(getattr(r.resource, "canonical", "") == "/api/oauth/status" for r in app.router.routes()):
        oauth_routes.add_routes(app)  # until the lead wires it into build_app
    return Listener(runtime, ServerThread(app).start(), provider, token_file)


@pytest.fixture()
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Listener]:
    provider = LocalGoogle().start()
    listener = make_listener(tmp_path / "ws", provider)
    monkeypatch.setenv("FLOWDESK_WORKSPACE", str(tmp_path / "ws"))
    yield listener
    listener.server.stop()
    listener.runtime.store.close()
    provider.stop()


def start_consent(env: Listener, service: str = "calendar", profile: str = "TEST") -> str:
    """GET /oauth/google/auth and return the provider URL it redirects to."""
    r = env.get(f"/oauth/google/auth?service={service}&profile={profile}", headers=AUTH, allow_redirects=False)
    assert r.status_code == 302, r.text
    return r.headers["Location"]


def consent_callback_url(provider_url: str) -> str:
    """What the provider's consent page redirects the browser to."""
    r = requests.get(provider_url, allow_redirects=False, timeout=10)
    assert r.status_code == 302, r.text
    return r.headers["Location"]


def query_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def calendar_tool():  # type: ignore[no-untyped-def]
    from flowdesk.tools.google_calendar.main import CalendarTool

    return CalendarTool(profile="TEST")


def test_end_to_end_consent_refresh_revoke(env: Listener) -> None:
    # 1. The listener sends the browser to the provider with state, PKCE and the union of shared scopes.
    provider_url = start_consent(env)
    assert provider_url.startswith(f"{env.provider.url}/auth?")
    q = query_of(provider_url)
    assert set(q["scope"].split()) == UNION
    assert q["redirect_uri"] == f"http://127.0.0.1:{env.server.port}/oauth/google/callback"
    assert q["code_challenge_method"] == "S256" and q["state"]

    # 2. Consent given: the callback (no API token: Google's redirect carries none) writes the token.
    callback = consent_callback_url(provider_url)
    r = requests.get(callback, timeout=10)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/html")
    assert "Connected google_calendar (profile TEST). You can close this tab." in r.text
    if os.name == "posix":
        assert stat.S_IMODE(env.token_file.stat().st_mode) == 0o600
    info = read_token_info(env.token_file)
    assert info is not None and set(info["scopes"]) == UNION and info["refresh_token"]
    assert info["token_uri"] == f"{env.provider.url}/token"
    assert requests.get(callback, timeout=10).status_code == 400  # the state is single use

    # 3. The calendar tool works with that token, and so do the tools sharing it.
    created = calendar_tool().execute("create_event", {"summary": "Standup", "start_time": "2031-01-05T09:00:00",
                                                       "end_time": "2031-01-05T09:15:00"})
    assert created["status"] == "success", created
    listed = calendar_tool().execute("list_events", {"count": 5})
    assert listed["status"] == "success" and [e["summary"] for e in listed["data"]["events"]] == ["Standup"]
    from flowdesk.tools.google_drive.main import DriveTool

    assert DriveTool(profile="TEST").execute("list_files", {})["status"] == "success"

    # 4. Forced expiry: the tool refreshes before calling and rewrites the token file (0600).
    info["expiry"] = (utcnow() - timedelta(minutes=1)).isoformat() + "Z"
    env.token_file.write_text(json.dumps(info), encoding="utf-8")
    refreshes = env.provider.calls.count(("token", "refresh_token"))
    assert calendar_tool().execute("list_events", {})["status"] == "success"
    assert env.provider.calls.count(("token", "refresh_token")) == refreshes + 1
    after = read_token_info(env.token_file)
    assert after is not None and after["token"] != info["token"] and after["refresh_token"] == info["refresh_token"]
    if os.name == "posix":
        assert stat.S_IMODE(env.token_file.stat().st_mode) == 0o600

    # 5. The user revokes access at Google: status (checked) says not refreshable; runs are blocked.
    env.provider.revoke_refresh_token(info["refresh_token"])
    st = env.get("/api/oauth/status/google_calendar?profile=TEST&check=true", headers=AUTH).json()
    assert st["authenticated"] is False and st["refreshable"] is False and st["needs_reconnect"] is True
    assert "invalid_grant" in st["last_error"]
    blocker = oauth_blocker(env.runtime.registry, env.runtime.resolver)
    assert (blocker("google_calendar", "TEST") or "").startswith("reconnect google_calendar (profile TEST)")
    failed = calendar_tool().execute("list_events", {})
    assert failed["status"] == "error" and failed["auth_required"]
    assert failed["message"].startswith("reconnect google_calendar (profile TEST)")

    # 6. The run service turns the blocker into a skipped run with that reason.
    service = RunService(env.runtime.registry, env.runtime.store, None, env.runtime.resolver, tool_blocker=blocker)
    prepared = service.prepare(RunRequest("agenda", {}, trigger="schedule"))
    assert prepared.skip_reason is not None
    assert prepared.skip_reason.startswith("reconnect google_calendar (profile TEST)")

    async def submit() -> str:
        _, done = service.submit(prepared)
        return (await done).status

    assert asyncio.run(submit()) == "skipped"

    # 7. Connecting again clears it.
    requests.get(consent_callback_url(start_consent(env, "google_calendar")), timeout=10).raise_for_status()
    assert blocker("google_calendar", "TEST") is None
    assert calendar_tool().execute("list_events", {})["status"] == "success"


def test_auth_route_needs_the_api_token_and_the_callback_does_not(env: Listener) -> None:
    assert env.get("/oauth/google/auth?service=calendar&profile=TEST", allow_redirects=False).status_code == 401
    assert env.get("/api/oauth/status").status_code == 401
    r = env.get("/oauth/google/callback?state=forged&code=x")
    assert r.status_code == 400 and "unknown sign-in state" in r.text


def test_redirect_uri_is_always_the_bound_loopback_ip_with_the_request_port(env: Listener) -> None:
    # Asked as localhost or as 127.0.0.1, Google is told to come back to the address the listener binds.
    for name in ("localhost", "127.0.0.1"):
        r = requests.get(f"http://{name}:{env.server.port}/oauth/google/auth?service=drive&profile=TEST",
                         headers=AUTH, allow_redirects=False, timeout=10)
        assert query_of(r.headers["Location"])["redirect_uri"] == \
            f"http://127.0.0.1:{env.server.port}/oauth/google/callback"


def test_auth_route_errors_are_html_pages(env: Listener) -> None:
    r = env.get("/oauth/google/auth?service=nope&profile=TEST", headers=AUTH)
    assert r.status_code == 404 and "text/html" in r.headers["Content-Type"] and "not installed" in r.text
    r = env.get("/oauth/google/auth?service=calendar&profile=WORK", headers=AUTH)
    assert r.status_code == 400 and "GOOGLE_CALENDAR_WORK_TOKEN_FILE" in r.text
    r = env.get("/oauth/google/auth?profile=TEST", headers=AUTH)
    assert r.status_code == 400 and "service" in r.text
    (env.runtime.workspace.root / "etc/secrets/google_test_credentials.json").unlink()
    r = env.get("/oauth/google/auth?service=calendar&profile=TEST", headers=AUTH)
    assert r.status_code == 400 and "not found" in r.text


def test_denied_consent_writes_nothing(env: Listener) -> None:
    env.provider.deny_next = True
    r = requests.get(consent_callback_url(start_consent(env)), timeout=10)
    assert r.status_code == 400 and "access_denied" in r.text
    assert not env.token_file.exists()


def test_status_routes(env: Listener) -> None:
    body = env.get("/api/oauth/status", headers=AUTH).json()
    assert set(body["tools"]) == {"google_calendar", "google_drive", "google_sheets"}
    cal = body["tools"]["google_calendar"]["profiles"]["TEST"]
    assert cal["authenticated"] is False and cal["configured"] is True
    assert "google_calendar (TEST)" in body["needs_reconnect"]
    requests.get(consent_callback_url(start_consent(env, "sheets")), timeout=10).raise_for_status()
    body = env.get("/api/oauth/status", headers=AUTH).json()
    assert body["authenticated"] == body["total"] == 3  # one consent connected all three tools
    one = env.get("/api/oauth/status/calendar?profile=TEST", headers=AUTH).json()
    assert one["tool"] == "google_calendar" and one["authenticated"] and one["valid"]
    assert one["shared_with"] == ["google_drive (TEST)", "google_sheets (TEST)"]
    every = env.get("/api/oauth/status/google_calendar", headers=AUTH).json()
    assert list(every["profiles"]) == ["TEST"]
    r = env.get("/api/oauth/status/date", headers=AUTH)
    assert r.status_code == 404 and "does not use OAuth" in r.json()["error"]


def test_disconnect_revokes_and_deletes(env: Listener) -> None:
    requests.get(consent_callback_url(start_consent(env)), timeout=10).raise_for_status()
    refresh = read_token_info(env.token_file)["refresh_token"]  # type: ignore[index]
    r = requests.post(f"{env.url}/api/oauth/disconnect/calendar?profile=TEST", headers=AUTH, timeout=10)
    body = r.json()
    assert r.status_code == 200 and body["status"] == "disconnected"
    assert body["revoked"] is True and body["token_deleted"] is True
    assert body["shared_with"] == ["google_drive (TEST)", "google_sheets (TEST)"]
    assert not env.token_file.exists() and env.provider.grants[refresh].revoked
    again = requests.post(f"{env.url}/api/oauth/disconnect/calendar?profile=TEST", headers=AUTH, timeout=10).json()
    assert again["status"] == "not_connected"
    r = requests.post(f"{env.url}/api/oauth/disconnect/calendar", headers=AUTH, timeout=10)
    assert r.status_code == 400
