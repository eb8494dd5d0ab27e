"""The seed's OAuth tool bases and built-in names (issue 12 #6) on the seed-style fixture ``seed_oauth_workspace``.

``AgendaTool(AgendaDeBase(GoogleOAuthTool))`` imports its base as ``from ..base_oauth import
GoogleOAuthTool`` and calls the seed's helpers (``is_authenticated``, ``get_authorized_session``,
``get_credentials``, ``build_service``...); everything runs against the local Google stand-in.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from flowdesk.core.oauth.google_oauth import utcnow
from flowdesk.core.oauth.token_store import read_token_info
from flowdesk.core.tool_testing import tool_environment
from tests.core.oauth.local_provider import CALENDAR, CALENDAR_RO, LocalGoogle
from tests.core.test_seed_compat import run_seed

REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "tests" / "fixtures" / "seed_oauth_workspace"


def seed_oauth_workspace(dest: Path, provider: LocalGoogle | None = None, scopes: list[str] | None = None,
                         **token: Any) -> Path:
    """A copy of the fixture; with ``provider``, its agenda/rappels profiles point at it and hold a token."""
    shutil.copytree(FIXTURE, dest, ignore=shutil.ignore_patterns("__pycache__"))
    if provider is None:
        return dest
    secrets = dest / "etc" / "secrets"
    secrets.mkdir(parents=True)
    (secrets / "google_test_credentials.json").write_text(json.dumps(provider.client_file()), encoding="utf-8")
    data = {**provider.token_file(scopes or [CALENDAR, CALENDAR_RO]), **token}
    (secrets / "google_test_token.json").write_text(json.dumps(data), encoding="utf-8")
    with (dest / "config" / ".env").open("a", encoding="utf-8") as fh:
        fh.write(f"AGENDA_TEST_BASE_URL={provider.url}/calendar/v3\n")
    return dest


@pytest.fixture()
def provider() -> Iterator[LocalGoogle]:
    p = LocalGoogle().start()
    p.events["primary"] = {
        f"rdv{n}": {"id": f"rdv{n}", "summary": title, "status": "confirmed",
                    "start": {"dateTime": f"2031-03-0{n + 1}T09:00:00+00:00"},
                    "end": {"dateTime": f"2031-03-0{n + 1}T10:00:00+00:00"}}
        for n, title in enumerate(["Dentiste", "Garage", "Réunion parents"])}
    yield p
    p.stop()


@pytest.fixture()
def agenda_ws(tmp_path: Path, provider: LocalGoogle) -> Path:
    return seed_oauth_workspace(tmp_path / "ws", provider)


def _agenda(ws: Path) -> Any:
    from app.private.tools.agenda.main import AgendaTool  # type: ignore[import-not-found]

    return AgendaTool(profile="TEST")


def test_builtin_calendar_under_the_seed_folder_name(tmp_path: Path) -> None:
    ws = seed_oauth_workspace(tmp_path / "ws")
    out = run_seed(ws, """
        from tools.calendar.main import CalendarTool
        from app.private.tools.calendar.main import CalendarTool as Old
        import flowdesk.tools.google_calendar.main as builtin
        out["same"] = CalendarTool is Old is builtin.CalendarTool
        out["module"] = CalendarTool.__module__
        from tools.drive.main import DriveTool
        out["drive"] = DriveTool.__module__
    """)
    assert out == {"same": True, "module": "flowdesk.tools.google_calendar.main",
                   "drive": "flowdesk.tools.google_drive.main"}
    # A workspace folder of that name wins, as for any built-in.
    own = ws / "private" / "tools" / "calendar"
    own.mkdir()
    (own / "main.py").write_text("from ..base import BaseTool\nclass CalendarTool(BaseTool):\n    pass\n")
    out = run_seed(ws, "from tools.calendar.main import CalendarTool\nout['module'] = CalendarTool.__module__\n")
    assert out == {"module": "tools.calendar.main"}


def test_seed_oauth_bases_importable_where_seed_code_imports_them(tmp_path: Path) -> None:
    ws = seed_oauth_workspace(tmp_path / "ws")
    out = run_seed(ws, """
        import flowdesk.tools.base_oauth as real
        from tools.base_oauth import GoogleOAuthTool as a
        from app.private.tools.base_oauth import GoogleOAuthTool as b
        from app.common.tools.base_oauth import BaseOAuthTool as c
        from tools.base import GoogleOAuthTool as d, BaseTool
        out["same"] = a is b is d is real.GoogleOAuthTool and c is real.BaseOAuthTool
        out["chain"] = [k.__name__ for k in a.__mro__ if issubclass(k, BaseTool)]
    """)
    assert out == {"same": True, "chain": ["GoogleOAuthTool", "BaseOAuthTool", "BaseTool"]}


def test_seed_methods_on_flowdesk_oauth(agenda_ws: Path, provider: LocalGoogle) -> None:
    with tool_environment(agenda_ws):
        tool = _agenda(agenda_ws)
        assert tool.is_authenticated()
        creds = tool.get_credentials()
        assert creds is not None and creds.token in provider.access
        assert set(tool.get_scopes()) == {CALENDAR, CALENDAR_RO}
        listed = tool.execute("lister_rendez_vous", {"nombre": 2})
        assert listed == {"status": "success", "data": {"rendez_vous": ["Dentiste", "Garage"], "nombre": 2}}
        created = tool.execute("creer_rendez_vous", {"titre": "Coiffeur", "debut": "2031-03-10T09:00:00",
                                                      "fin": "2031-03-10T10:00:00"})
        assert provider.events["primary"][created["data"]["id"]]["summary"] == "Coiffeur"
        status = tool.get_oauth_status()
        assert status["authenticated"] and status["profile"] == "TEST" and status["error"] is None
        assert tool.get_auth_url().endswith("/oauth/google/auth?service=agenda&profile=TEST")
        assert tool.get_connect_command() == "flowdesk oauth connect agenda --profile TEST"


def test_expiring_token_is_refreshed_and_written_back(tmp_path: Path, provider: LocalGoogle) -> None:
    ws = seed_oauth_workspace(tmp_path / "ws", provider, expiry=(utcnow() + timedelta(minutes=1)).isoformat() + "Z")
    before = read_token_info(ws / "etc/secrets/google_test_token.json")
    with tool_environment(ws):
        creds = _agenda(ws).get_credentials()
    after = read_token_info(ws / "etc/secrets/google_test_token.json")
    assert creds is not None and before is not None and after is not None
    assert after["token"] == creds.token != before["token"]
    assert provider.calls.count(("token", "refresh_token")) == 1


def test_load_and_refresh_credentials(agenda_ws: Path, provider: LocalGoogle) -> None:
    with tool_environment(agenda_ws):
        tool = _agenda(agenda_ws)
        loaded = tool.load_credentials()
        assert loaded is not None and loaded.refresh_token and not tool.authenticated  # loading is not connecting
        old = loaded.token
        assert tool.refresh_credentials()
    stored = read_token_info(agenda_ws / "etc/secrets/google_test_token.json")
    assert stored is not None and stored["token"] != old and stored["token"] in provider.access
    provider.revoke_refresh_token(stored["refresh_token"])
    with tool_environment(agenda_ws):
        tool = _agenda(agenda_ws)
        assert not tool.refresh_credentials() and "reconnect agenda (profile TEST)" in tool.auth_error


def test_not_connected_says_how_to_connect(tmp_path: Path, provider: LocalGoogle) -> None:
    ws = seed_oauth_workspace(tmp_path / "ws", provider)
    (ws / "etc/secrets/google_test_token.json").unlink()
    with tool_environment(ws):
        tool = _agenda(ws)
        assert not tool.is_authenticated() and tool.get_credentials() is None
        result = tool.execute("lister_rendez_vous", {})
    assert result["status"] == "error" and result["auth_url"].endswith("service=agenda&profile=TEST")
    assert "flowdesk oauth connect agenda --profile TEST" in tool.auth_error


def test_revoke_deletes_the_token(agenda_ws: Path, provider: LocalGoogle) -> None:
    with tool_environment(agenda_ws):
        tool = _agenda(agenda_ws)
        assert tool.is_authenticated() and tool.revoke_credentials()
    assert not (agenda_ws / "etc/secrets/google_test_token.json").exists()
    assert provider.count("revoke") == 1


def test_build_service_names_the_missing_package(agenda_ws: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from flowdesk.tools.base_oauth import MissingDependency

    monkeypatch.setitem(sys.modules, "googleapiclient", None)  # as if not installed
    with tool_environment(agenda_ws):
        tool = _agenda(agenda_ws)
        with pytest.raises(MissingDependency, match="google-api-python-client") as caught:
            tool.build_service()
    assert isinstance(caught.value, ImportError) and "AgendaTool.build_service()" in str(caught.value)


def test_build_service_with_the_api_client(agenda_ws: Path) -> None:
    import google_auth_httplib2  # noqa: F401 - a test dependency (pyproject [test]): never skipped
    import googleapiclient.discovery  # noqa: F401

    with tool_environment(agenda_ws):
        service = _agenda(agenda_ws).build_service()  # SERVICE_NAME/VERSION of AgendaDeBase: calendar v3
        found = service.events().list(calendarId="primary", maxResults=5).execute()
    assert [e["summary"] for e in found["items"]] == ["Dentiste", "Garage", "Réunion parents"]


def test_seed_workflow_runs_unchanged(tmp_path: Path, agenda_ws: Path) -> None:
    """``flowdesk run`` in a real process: seed imports, seed settings, seed classes and class-name variables."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHONDONTWRITEBYTECODE": "1"}
    proc = subprocess.run([sys.executable, "-m", "flowdesk", "run", "rappel_rendez_vous", "-p", "nombre=2",
                           "--workspace", str(agenda_ws), "--data-dir", str(tmp_path / "data")],
                          capture_output=True, text=True, timeout=120, env=env, cwd=str(REPO))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    record = json.loads(proc.stdout)
    assert record["status"] == "success", record
    data = record["output"]["data"]
    assert data["rendez_vous"] == ["Dentiste", "Garage"] and data["classe_agenda"] == "AgendaTool"
    assert data["ville"] == "Lyon"
    assert data["calendrier"] == ["flowdesk.tools.google_calendar.main", True]
    assert data["reglages"]["app_name"] == "Agenda Perso" and data["reglages"]["port"] == 8123
    assert data["reglages"]["debug"] is True and record["output"]["message"] == "Agenda Perso : 2 rendez-vous"
