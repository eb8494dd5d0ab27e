"""``flowdesk tools [--json]`` and ``flowdesk tools test TOOL --profile P`` in real processes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from flowdesk.core.scaffold import new_tool
from flowdesk.core.workspace import Workspace
from tests.cli.test_oauth_cli import run_cli
from tests.core.oauth.local_provider import CALENDAR, CALENDAR_RO, DRIVE_RO, SHEETS, LocalGoogle, write_google_workspace

ALL = [CALENDAR, CALENDAR_RO, DRIVE_RO, SHEETS]


@pytest.fixture()
def provider() -> Iterator[LocalGoogle]:
    p = LocalGoogle().start()
    yield p
    p.stop()


@pytest.fixture()
def ws(tmp_path: Path, provider: LocalGoogle) -> Path:
    root = tmp_path / "ws"
    write_google_workspace(root, provider, tools=("google_calendar",))
    return root


def test_new_tool_passes_its_own_test(tmp_path: Path, ws: Path) -> None:
    new_tool(Workspace(ws), "weather")
    r = run_cli(tmp_path, "tools", "test", "weather", "--profile", "DEFAULT", workspace=ws)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.strip() == "OK weather (profile DEFAULT): authenticate() succeeded"


def test_listing_json(tmp_path: Path, ws: Path, provider: LocalGoogle) -> None:
    new_tool(Workspace(ws), "weather")
    r = run_cli(tmp_path, "tools", "--json", workspace=ws)
    assert r.returncode == 0, r.stderr
    tools = {t["name"]: t for t in json.loads(r.stdout)}
    date = tools["date"]
    assert date["source"] == "built-in" and date["enabled"] and "calculate_date" in date["actions"]
    (default,) = date["profiles"]
    assert (default["profile"], default["configured"], default["missing"]) == ("DEFAULT", True, [])
    assert "oauth" not in default
    assert tools["weather"]["source"] == "workspace" and tools["weather"]["actions"] == ["echo"]
    cal = tools["google_calendar"]
    assert cal["aliases"] == ["calendar"] and cal["oauth"] == {"provider": "google", "scopes": [CALENDAR, CALENDAR_RO]}
    (test,) = cal["profiles"]
    assert test["profile"] == "TEST" and test["configured"] is True
    assert test["oauth"]["authenticated"] is False and "not connected yet" in test["oauth"]["reason"]
    assert test["oauth"]["connect_command"] == "flowdesk oauth connect google_calendar --profile TEST"
    drive = tools["google_drive"]["profiles"][0]
    assert drive["profile"] == "DEFAULT" and drive["configured"] is False
    assert drive["missing"] == ["GOOGLE_DRIVE_DEFAULT_TOKEN_FILE", "GOOGLE_DRIVE_DEFAULT_CREDENTIALS_FILE"]


def test_listing_text(tmp_path: Path, ws: Path, provider: LocalGoogle) -> None:
    (ws / "etc/secrets/google_test_token.json").write_text(json.dumps(provider.token_file(ALL)), encoding="utf-8")
    r = run_cli(tmp_path, "tools", workspace=ws)
    assert r.returncode == 0, r.stderr
    assert "✓ google_calendar  (built-in, enabled)  OAuth google" in r.stdout
    assert "actions: list_events, create_event, update_event, delete_event" in r.stdout
    assert "TEST         connected, token valid until" in r.stdout
    assert "missing GOOGLE_DRIVE_DEFAULT_TOKEN_FILE" in r.stdout


def test_oauth_tool_test(tmp_path: Path, ws: Path, provider: LocalGoogle) -> None:
    r = run_cli(tmp_path, "tools", "test", "calendar", "--profile", "TEST", workspace=ws)
    assert r.returncode == 1
    assert r.stderr.startswith("FAIL google_calendar (profile TEST): reconnect google_calendar (profile TEST): "
                               "not connected yet")
    (ws / "etc/secrets/google_test_token.json").write_text(json.dumps(provider.token_file(ALL)), encoding="utf-8")
    r = run_cli(tmp_path, "tools", "test", "calendar", "--profile", "test", workspace=ws)
    assert r.returncode == 0 and r.stdout.startswith("OK google_calendar (profile TEST)"), r.stderr


def test_failures_say_why(tmp_path: Path, ws: Path) -> None:
    r = run_cli(tmp_path, "tools", "test", "nope", workspace=ws)
    assert r.returncode == 1 and "not installed" in r.stderr
    r = run_cli(tmp_path, "tools", "test", "google_calendar", "--profile", "WORK", workspace=ws)
    assert r.returncode == 1 and "missing GOOGLE_CALENDAR_WORK_TOKEN_FILE" in r.stderr
    folder = new_tool(Workspace(ws), "broken_one")
    (folder / "main.py").write_text((folder / "main.py").read_text(encoding="utf-8").replace(
        "self.authenticated = self.validate_config()", "raise RuntimeError('service down')"), encoding="utf-8")
    r = run_cli(tmp_path, "tools", "test", "broken_one", workspace=ws)
    assert r.returncode == 1 and "RuntimeError: service down" in r.stderr
