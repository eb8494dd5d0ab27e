"""The seed's per-tool OAuth routes ``/oauth/<tool>/auth|callback|status|revoke`` (issue 12 #10).

A seed workspace's own Google tool (``agenda_equipe``, subclass of the seed's ``GoogleOAuthTool``)
with a Google client whose only registered redirect URI is the seed's per-tool callback: the
consent round trip runs against the local Google stand-in over real sockets.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from flowdesk.core.listener.server import build_app
from flowdesk.core.oauth.token_store import read_token_info
from flowdesk.core.runtime import Runtime
from flowdesk.core.workspace import Workspace
from tests.conftest import FIXTURES, copy_workspace
from tests.core.oauth.local_provider import LocalGoogle, ServerThread

TOKEN = "seed-oauth-routes-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
CALENDAR_RO = "https://www.googleapis.com/auth/calendar.readonly"


@dataclass
class Seed:
    """A listener on the seed fixture workspace, its provider and the profile's token file."""

    runtime: Runtime
    server: ServerThread
    provider: LocalGoogle
    token_file: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.port}"

    def get(self, path: str, **kw: object) -> requests.Response:
        return requests.get(self.url + path, timeout=10, allow_redirects=False, **kw)  # type: ignore[arg-type]

    def post(self, path: str, **kw: object) -> requests.Response:
        return requests.post(self.url + path, timeout=10, allow_redirects=False, **kw)  # type: ignore[arg-type]

    def callback_path(self, tool: str = "agenda_equipe") -> str:
        return f"http://127.0.0.1:{self.server.port}/oauth/{tool}/callback"


@pytest.fixture()
def seed(tmp_path: Path) -> Iterator[Seed]:
    provider = LocalGoogle().start()
    root = copy_workspace(FIXTURES / "seed_routes_workspace", tmp_path / "ws")
    secrets_dir = root / "etc" / "secrets"
    secrets_dir.mkdir(parents=True)
    (secrets_dir / "google_equipe_credentials.json").write_text(json.dumps(provider.client_file("web")), "utf-8")
    (root / "config" / ".env").write_text(
        "AGENDA_EQUIPE_EQUIPE_CREDENTIALS_FILE=etc/secrets/google_equipe_credentials.json\n"
        "AGENDA_EQUIPE_EQUIPE_TOKEN_FILE=etc/secrets/google_equipe_token.json\n", encoding="utf-8")
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    runtime = Runtime(Workspace(root), data_dir)
    runtime.registry.reload()
    server = ServerThread(build_app(runtime, TOKEN)).start()
    env = Seed(runtime, server, provider, secrets_dir / "google_equipe_token.json")
    # The Google client knows only the seed's per-tool callback (on the loopback IP the listener binds).
    provider.registered_redirects = {env.callback_path()}
    yield env
    server.stop()
    runtime.store.close()
    provider.stop()


def query_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def consent(env: Seed, tool: str = "agenda_equipe", profile: str = "EQUIPE") -> str:
    """Start at ``/oauth/<tool>/auth`` with the token; return the callback URL the provider sends the browser to."""
    r = env.get(f"/oauth/{tool}/auth?profile={profile}", headers=AUTH)
    assert r.status_code == 302, r.text
    provider_url = r.headers["Location"]
    q = query_of(provider_url)
    assert q["redirect_uri"] == env.callback_path(tool) and q["code_challenge_method"] == "S256" and q["state"]
    assert q["scope"] == CALENDAR_RO
    back = requests.get(provider_url, allow_redirects=False, timeout=10)
    assert back.status_code == 302, back.text
    return back.headers["Location"]


def test_per_tool_consent_round_trip_status_and_revoke(seed: Seed) -> None:
    status = seed.get("/oauth/agenda_equipe/status?profile=EQUIPE", headers=AUTH).json()
    assert status["authenticated"] is False and status["provider"] == "google" and status["tool"] == "agenda_equipe"
    assert isinstance(status["scopes"], list) and isinstance(status["auth_url"], str)

    callback = consent(seed)
    assert callback.startswith(seed.callback_path() + "?")
    r = requests.get(callback, timeout=10)  # the browser, without the API token
    assert r.status_code == 200 and "text/html" in r.headers["Content-Type"]
    assert "Connected agenda_equipe (profile EQUIPE)" in r.text
    info = read_token_info(seed.token_file)
    assert info is not None and info["scopes"] == [CALENDAR_RO] and info["refresh_token"]
    if os.name == "posix":
        assert stat.S_IMODE(seed.token_file.stat().st_mode) == 0o600
    again = requests.get(callback, timeout=10)
    assert again.status_code == 400 and "already used" in again.text  # single use

    status = seed.get("/oauth/agenda_equipe/status?profile=EQUIPE", headers=AUTH).json()
    assert status["authenticated"] is True and status["scopes"] == [CALENDAR_RO]

    # An API client (the seed answered JSON) gets JSON from the callback.
    as_json = requests.get(consent(seed), headers={"Accept": "application/json"}, timeout=10)
    assert as_json.json()["status"] == "success" and as_json.json()["tool"] == "agenda_equipe"

    revoked = seed.post("/oauth/agenda_equipe/revoke?profile=EQUIPE", headers=AUTH).json()
    assert revoked["status"] == "success" and revoked["token_deleted"] is True and isinstance(revoked["message"], str)
    assert not seed.token_file.exists()
    assert seed.post("/oauth/agenda_equipe/revoke?profile=EQUIPE", headers=AUTH).json()["status"] == "info"
    assert seed.get("/oauth/agenda_equipe/status?profile=EQUIPE", headers=AUTH).json()["authenticated"] is False


def test_only_the_callback_is_open(seed: Seed) -> None:
    for method, path in (("GET", "/oauth/agenda_equipe/auth?profile=EQUIPE"),
                         ("GET", "/oauth/agenda_equipe/status?profile=EQUIPE"),
                         ("POST", "/oauth/agenda_equipe/revoke?profile=EQUIPE"),
                         ("GET", "/oauth/google/status"),
                         ("GET", "/oauth/agenda_equipe/callback/extra"),
                         ("GET", "/oauth/agenda_equipe/callbackx")):
        r = requests.request(method, seed.url + path, timeout=10, allow_redirects=False)
        assert r.status_code == 401, (method, path, r.status_code)
    # A stranger's callback: the same answer whether the tool exists or not, and nothing written.
    known = seed.get("/oauth/agenda_equipe/callback?state=forged&code=x")
    unknown = seed.get("/oauth/no_such_tool/callback?state=forged&code=x")
    assert known.status_code == unknown.status_code == 400 and known.text == unknown.text
    assert "unknown sign-in state" in known.text and not seed.token_file.exists()


def test_a_session_cookie_may_read_and_start_but_revoke_needs_the_origin(seed: Seed) -> None:
    browser = requests.Session()
    login = browser.get(f"{seed.url}/auth/login?token={TOKEN}&next=/", allow_redirects=False, timeout=10)
    assert login.status_code == 302
    assert browser.get(f"{seed.url}/oauth/agenda_equipe/status?profile=EQUIPE", timeout=10).status_code == 200
    assert browser.get(f"{seed.url}/oauth/agenda_equipe/auth?profile=EQUIPE", allow_redirects=False,
                       timeout=10).status_code == 302
    bare = browser.post(f"{seed.url}/oauth/agenda_equipe/revoke?profile=EQUIPE", timeout=10)
    foreign = browser.post(f"{seed.url}/oauth/agenda_equipe/revoke?profile=EQUIPE", timeout=10,
                           headers={"Origin": "http://127.0.0.1:1"})
    assert bare.status_code == foreign.status_code == 401
    own = browser.post(f"{seed.url}/oauth/agenda_equipe/revoke?profile=EQUIPE", timeout=10,
                       headers={"Origin": seed.url})
    assert own.status_code == 200 and own.json()["status"] == "info"


def test_a_state_finishes_only_at_its_own_callback(seed: Seed) -> None:
    callback = consent(seed)
    q = urlsplit(callback).query
    elsewhere = seed.get(f"/oauth/google_calendar/callback?{q}")
    assert elsewhere.status_code == 400 and "another callback" in elsewhere.text
    assert not seed.token_file.exists()
    assert requests.get(callback, timeout=10).status_code == 400  # the state was spent by the wrong callback


def test_redirect_uri_is_on_the_loopback_ip_even_when_asked_as_localhost(seed: Seed) -> None:
    r = requests.get(f"http://localhost:{seed.server.port}/oauth/agenda_equipe/auth?profile=EQUIPE", headers=AUTH,
                     allow_redirects=False, timeout=10)
    assert query_of(r.headers["Location"])["redirect_uri"] == seed.callback_path()


def test_unknown_tools_and_errors(seed: Seed) -> None:
    r = seed.get("/oauth/no_such_tool/auth?profile=EQUIPE", headers=AUTH)
    assert r.status_code == 404 and "text/html" in r.headers["Content-Type"]
    assert seed.get("/oauth/no_such_tool/status", headers=AUTH).status_code == 404
    r = seed.get("/oauth/agenda_equipe/auth?profile=AUTRE", headers=AUTH)
    assert r.status_code == 400 and "AGENDA_EQUIPE_AUTRE_TOKEN_FILE" in r.text
    assert seed.post("/oauth/agenda_equipe/revoke?profile=AUTRE", headers=AUTH).status_code == 409
    google = seed.get("/oauth/google/status?profile=EQUIPE", headers=AUTH).json()
    assert google["profile"] == "EQUIPE" and {"calendar", "drive", "sheets"} <= set(google["google_services"])
    one = seed.get("/oauth/google/status?service=calendar&profile=EQUIPE", headers=AUTH).json()
    assert one["tool"] == "google_calendar" and one["authenticated"] is False
