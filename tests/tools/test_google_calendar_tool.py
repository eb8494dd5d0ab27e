"""The built-in google_calendar tool (plus google_drive and google_sheets) against the local Google stand-in."""

from __future__ import annotations

import json
import os
import socket
import stat
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from flowdesk.core import seed_compat
from flowdesk.core.oauth.google_oauth import utcnow
from flowdesk.core.oauth.token_store import read_token_info, reconnect_reason
from flowdesk.core.registry import Registry
from flowdesk.core.workspace import Workspace
from flowdesk.tools.google_calendar.main import CalendarTool
from flowdesk.tools.google_drive.main import DriveTool
from flowdesk.tools.google_sheets.main import SheetsTool
from tests.core.oauth.local_provider import CALENDAR, CALENDAR_RO, DRIVE_RO, SHEETS, LocalGoogle, write_google_workspace

ALL = [CALENDAR, CALENDAR_RO, DRIVE_RO, SHEETS]


class Env:
    """A workspace whose TEST profile points at the local provider, with FLOWDESK_WORKSPACE set."""

    def __init__(self, root: Path, provider: LocalGoogle, monkeypatch: pytest.MonkeyPatch) -> None:
        self.root = root
        self.provider = provider
        self.monkeypatch = monkeypatch
        self.token_file = write_google_workspace(root, provider,
                                                 extra={"GOOGLE_CALENDAR_TEST_TIMEZONE": "Europe/Paris"})
        monkeypatch.setenv("FLOWDESK_WORKSPACE", str(root))

    def connect(self, scopes: list[str] = ALL, **token: Any) -> dict[str, Any]:
        data = {**self.provider.token_file(scopes), **token}
        self.token_file.parent.mkdir(parents=True, exist_ok=True)
        self.token_file.write_text(json.dumps(data), encoding="utf-8")
        return data

    def env(self, **values: str) -> None:
        with (self.root / "config" / ".env").open("a", encoding="utf-8") as fh:
            fh.writelines(f"{k}={v}\n" for k, v in values.items())


@pytest.fixture()
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Env]:
    provider = LocalGoogle().start()
    yield Env(tmp_path, provider, monkeypatch)
    provider.stop()


def ok(result: dict[str, Any]) -> dict[str, Any]:
    assert result["status"] == "success", result
    return result["data"]


def err(result: dict[str, Any]) -> str:
    assert result["status"] == "error", result
    assert "Traceback" not in result["message"]
    return result["message"]


# -- discovery and seed compatibility -----------------------------------------------


def test_registry_sees_the_seed_calendar_tool_config(tmp_path: Path) -> None:
    registry = Registry(Workspace(tmp_path))
    registry.reload()
    entry = registry.tool("calendar")
    assert entry.slug == "google_calendar" and entry.builtin and entry.class_name == "CalendarTool"
    cfg = entry.config
    assert cfg is not None and cfg.required_params == ["token_file", "credentials_file"]
    assert {"calendar_id", "timezone", "scopes_read_only", "timeout"} <= set(cfg.optional_params)
    assert [a.name for a in cfg.actions] == ["list_events", "create_event", "update_event", "delete_event"]
    assert cfg.oauth_config is not None and cfg.oauth_config.provider == "google"
    assert cfg.oauth_config.scopes == [CALENDAR, CALENDAR_RO]
    for slug, cls in (("drive", "DriveTool"), ("sheets", "SheetsTool")):
        other = registry.tool(slug)
        assert other.class_name == cls and other.config is not None and other.config.oauth_config is not None


def test_seed_import_path(env: Env) -> None:
    env.connect()
    previous = seed_compat.installed_root()
    seed_compat.install(env.root)
    try:
        from app.private.tools.google_calendar.main import (  # type: ignore[import-not-found]
            CalendarTool as SeedCalendar,
        )

        tool = SeedCalendar(profile="TEST")
        assert tool.authenticate()
        assert seed_compat.load_tool_class("tools.google_calendar.main") is SeedCalendar
    finally:
        if previous is None:
            seed_compat.uninstall()
        else:
            seed_compat.install(previous)


# -- actions ------------------------------------------------------------------------


def test_create_list_update_delete(env: Env) -> None:
    env.connect()
    tool = CalendarTool(profile="TEST")
    assert tool.authenticate() and tool.get_available_actions()[:4] == \
        ["list_events", "create_event", "update_event", "delete_event"]
    created = ok(tool.execute("create_event", {
        "summary": "Réunion équipe", "start_time": "2031-07-01T14:00:00", "end_time": "2031-07-01T15:00:00",
        "description": "Point hebdo", "location": "Salle A", "attendees": "dev1@company.com, dev2@company.com"}))
    event_id = created["event_id"]
    stored = env.provider.events["primary"][event_id]
    assert stored["start"] == {"dateTime": "2031-07-01T14:00:00", "timeZone": "Europe/Paris"}
    assert stored["attendees"] == [{"email": "dev1@company.com"}, {"email": "dev2@company.com"}]
    assert created["event"]["attendees"] == ["dev1@company.com", "dev2@company.com"]

    ok(tool.execute("create_event", {"summary": "Later", "start_time": "2031-08-01T10:00:00Z",
                                     "end_time": "2031-08-01T11:00:00Z"}))
    listed = ok(tool.execute("list_events", {"count": 10, "time_min": "2031-06-30", "time_max": "2031-07-31"}))
    assert [e["summary"] for e in listed["events"]] == ["Réunion équipe"]
    assert listed["events"][0]["start"] == "2031-07-01T14:00:00" and listed["calendar_id"] == "primary"
    assert ok(tool.execute("list_events", {"count": 1}))["count"] == 1

    updated = ok(tool.execute("update_event", {"event_id": event_id, "summary": "Réunion équipe - URGENT",
                                               "location": "Visioconférence"}))
    assert updated["updated_fields"] == ["location", "summary"]
    assert env.provider.events["primary"][event_id]["description"] == "Point hebdo"  # PATCH keeps the rest

    deleted = ok(tool.execute("delete_event", {"event_id": event_id}))
    assert deleted == {"event_id": event_id, "calendar_id": "primary", "deleted": True}
    assert "already deleted" in err(tool.execute("delete_event", {"event_id": event_id}))
    missing = tool.execute("update_event", {"event_id": "nope", "summary": "x"})
    assert err(missing).startswith("event 'nope' not found in calendar 'primary'") and missing["http_status"] == 404


def test_other_calendar_and_all_day_events(env: Env) -> None:
    env.connect()
    env.env(GOOGLE_CALENDAR_TEST_CALENDAR_ID="work@company.com")
    tool = CalendarTool(profile="TEST")
    ok(tool.execute("create_event", {"summary": "Off", "start_time": "2031-07-14", "end_time": "2031-07-14"}))
    stored = next(iter(env.provider.events["work@company.com"].values()))
    assert stored["start"] == {"date": "2031-07-14"} and stored["end"] == {"date": "2031-07-15"}
    events = ok(tool.execute("list_events", {"time_min": "2031-07-01T00:00:00"}))["events"]
    assert events[0]["all_day"] is True
    ok(tool.execute("create_event", {"summary": "x", "start_time": "2031-07-02T10:00:00",
                                     "end_time": "2031-07-02T11:00:00", "calendar_id": "other@x.com"}))
    assert "other@x.com" in env.provider.events


@pytest.mark.parametrize(("action", "params", "expected"), [
    ("create_event", {"start_time": "2031-07-01T10:00:00", "end_time": "2031-07-01T11:00:00"}, "summary is required"),
    ("create_event", {"summary": "x", "start_time": "tomorrow", "end_time": "2031-07-01T11:00:00"},
     "start_time must be"),
    ("create_event", {"summary": "x", "start_time": "2031-07-01T11:00:00", "end_time": "2031-07-01T10:00:00"},
     "must be after start_time"),
    ("create_event", {"summary": "x", "start_time": "2031-07-01", "end_time": "2031-07-01T10:00:00"}, "both be dates"),
    ("create_event", {"summary": "x", "start_time": "2031-07-01T10:00:00", "end_time": "2031-07-01T11:00:00",
                      "attendees": ["not-an-email"]}, "not an e-mail"),
    ("create_event", {"summary": "x", "start_time": "2031-07-01T10:00:00", "end_time": "2031-07-01T11:00:00",
                      "timezone": "Mars/Base"}, "unknown timezone"),
    ("list_events", {"count": "many"}, "count must be an integer"),
    ("update_event", {"summary": "x"}, "event_id is required"),
    ("update_event", {"event_id": "abc"}, "give at least one of"),
    ("delete_event", {}, "event_id is required"),
    ("remind_me", {}, "not supported"),
])
def test_bad_parameters_are_error_results(env: Env, action: str, params: dict[str, Any], expected: str) -> None:
    env.connect()
    assert expected in err(CalendarTool(profile="TEST").execute(action, params))
    assert env.provider.count("api") == 0  # refused before calling Google


def _fill_calendar(env: Env, how_many: int) -> None:
    """``how_many`` events straight into the stand-in's primary calendar, one a day from 2031-01-01."""
    events = env.provider.events.setdefault("primary", {})
    first = datetime(2031, 1, 1, 9, tzinfo=timezone.utc)
    for n in range(how_many):
        start = (first + timedelta(days=n)).isoformat()
        events[f"ev{n:04d}"] = {"id": f"ev{n:04d}", "summary": f"Rendez-vous {n}", "status": "confirmed",
                                "start": {"dateTime": start}, "end": {"dateTime": start}}


def test_list_events_pages_through_to_the_seed_count(env: Env) -> None:
    """The seed passed count=250 (and more) straight to Google: FlowDesk follows nextPageToken instead of refusing."""
    env.connect()
    _fill_calendar(env, 320)
    env.provider.page_cap = 100  # Google may return fewer than maxResults per page
    tool = CalendarTool(profile="TEST")
    listed = ok(tool.execute("list_events", {"count": 250, "time_min": "2030-01-01"}))
    assert listed["count"] == 250 and len({e["id"] for e in listed["events"]}) == 250
    assert listed["next_page_token"]  # more remain after the 250th
    pages = [c for c in env.provider.calls if c[0] == "api"]
    assert len(pages) == 3  # 100 + 100 + 50
    everything = ok(tool.execute("list_events", {"count": 10_000, "time_min": "2030-01-01"}))
    assert everything["count"] == 320 and everything["next_page_token"] is None  # clamped to 2500, 320 exist
    assert ok(tool.execute("list_events", {"count": 0, "time_min": "2030-01-01"}))["count"] == 1  # clamped up
    env.provider.empty_pages = 2  # "fewer than maxResults, or none at all, even if there are more"
    assert ok(tool.execute("list_events", {"count": 5, "time_min": "2030-01-01"}))["count"] == 5


# -- tokens -------------------------------------------------------------------------


def test_token_close_to_expiry_is_refreshed_and_written_back(env: Env) -> None:
    data = env.connect(expiry=(utcnow() + timedelta(minutes=2)).isoformat() + "Z")
    tool = CalendarTool(profile="TEST")
    assert tool.authenticate()
    after = read_token_info(env.token_file)
    assert after is not None and after["token"] != data["token"] and after["refresh_token"] == data["refresh_token"]
    assert env.provider.calls.count(("token", "refresh_token")) == 1
    if os.name == "posix":
        assert stat.S_IMODE(env.token_file.stat().st_mode) == 0o600
    ok(tool.execute("list_events", {}))
    assert env.provider.calls.count(("token", "refresh_token")) == 1  # fresh now: no second refresh


def test_access_token_rejected_mid_flight_is_refreshed(env: Env) -> None:
    data = env.connect()
    tool = CalendarTool(profile="TEST")
    assert tool.authenticate()
    env.provider.access[data["token"]].revoked = True  # e.g. the user changed their password
    ok(tool.execute("list_events", {}))
    assert read_token_info(env.token_file)["token"] != data["token"]  # type: ignore[index]


def test_revoked_refresh_token_asks_to_reconnect_and_is_remembered(env: Env) -> None:
    data = env.connect()
    tool = CalendarTool(profile="TEST")
    assert tool.authenticate()
    env.provider.revoke_refresh_token(data["refresh_token"])
    result = tool.execute("list_events", {})
    assert err(result).startswith("reconnect google_calendar (profile TEST)")
    assert "invalid_grant" in result["message"] and result["auth_required"] is True
    info = read_token_info(env.token_file)
    assert info is not None and "Token has been expired or revoked." in (reconnect_reason(info) or "")
    calls = len(env.provider.calls)
    again = CalendarTool(profile="TEST").execute("list_events", {})
    assert "reconnect google_calendar (profile TEST)" in err(again) and "flowdesk oauth connect" in again["message"]
    assert again["auth_url"] == "http://127.0.0.1:8000/oauth/google/auth?service=calendar&profile=TEST"
    assert len(env.provider.calls) == calls  # known dead: no call to Google


def test_missing_token_and_missing_variables(env: Env) -> None:
    tool = CalendarTool(profile="TEST")
    assert not tool.authenticate()
    status = tool.get_oauth_status()
    assert status["authenticated"] is False
    assert status["auth_url"] == "http://127.0.0.1:8000/oauth/google/auth?service=calendar&profile=TEST"
    assert "not connected yet" in status["error"]
    message = err(tool.execute("list_events", {}))
    assert message.startswith("reconnect google_calendar (profile TEST): not connected yet")
    unconfigured = CalendarTool(profile="NOPE")
    assert "GOOGLE_CALENDAR_NOPE_TOKEN_FILE" in err(unconfigured.execute("list_events", {}))


def test_listener_url_for_the_auth_link(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLOWDESK_LISTENER_URL", "http://127.0.0.1:8123/")
    assert CalendarTool(profile="TEST").get_oauth_status()["auth_url"] == \
        "http://127.0.0.1:8123/oauth/google/auth?service=calendar&profile=TEST"


def test_token_lacking_a_scope_is_refused_before_any_call(env: Env) -> None:
    env.connect([DRIVE_RO])
    message = err(CalendarTool(profile="TEST").execute("list_events", {}))
    assert "lacks scope(s) " + CALENDAR in message


def test_insufficient_scope_answer_from_google(env: Env) -> None:
    # The file claims calendar scopes but Google granted only Drive: Google answers 403.
    data = env.connect([DRIVE_RO])
    env.connect(ALL, token=data["token"], refresh_token=data["refresh_token"], expiry=data["expiry"])
    result = CalendarTool(profile="TEST").execute("list_events", {})
    assert "scopes do not allow" in err(result) and result["http_status"] == 403 and result["auth_required"]


def test_read_only_profile_refuses_writes_clearly(env: Env) -> None:
    env.connect([CALENDAR_RO])
    env.env(GOOGLE_CALENDAR_TEST_SCOPES_READ_ONLY="true")
    tool = CalendarTool(profile="TEST")
    ok(tool.execute("list_events", {}))
    message = err(tool.execute("create_event", {"summary": "x", "start_time": "2031-07-01T10:00:00",
                                                "end_time": "2031-07-01T11:00:00"}))
    assert "read-only" in message and "SCOPES_READ_ONLY=false" in message


def test_rate_limit_and_unreachable_api(env: Env) -> None:
    env.connect()
    tool = CalendarTool(profile="TEST")
    env.provider.rate_limit_next = 7
    result = tool.execute("list_events", {})
    assert "retry after 7 s" in err(result) and result["retry_after"] == 7 and result["http_status"] == 429
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    closed = CalendarTool(profile="TEST", config={**tool.config, "base_url": f"http://127.0.0.1:{port}/calendar/v3",
                                                  "timeout": 5})
    assert "cannot reach Google Calendar API" in err(closed.execute("list_events", {}))


def test_engine_style_construction_with_relative_paths(env: Env) -> None:
    env.connect()
    config = {"token_file": "etc/secrets/google_test_token.json",
              "credentials_file": "etc/secrets/google_test_credentials.json",
              "base_url": f"{env.provider.url}/calendar/v3", "timezone": "UTC"}
    tool = CalendarTool(profile="TEST", config=config)
    ok(tool.execute("list_events", {}))
    assert tool.token_path == env.root / "etc/secrets/google_test_token.json"


# -- drive and sheets on the same token ---------------------------------------------


def test_drive_and_sheets_share_the_token(env: Env) -> None:
    env.connect()
    env.provider.files["f1"] = {"id": "f1", "name": "report.pdf", "mimeType": "application/pdf"}
    env.provider.sheets["s1"] = [["date", "name"], ["2031-07-01", "Ada"]]
    drive = DriveTool(profile="TEST")
    assert ok(drive.execute("list_files", {"page_size": 5}))["files"][0]["name"] == "report.pdf"
    assert ok(drive.execute("get_file_metadata", {"file_id": "f1"}))["file"]["id"] == "f1"
    assert "file 'zz' not found" in err(drive.execute("get_file_metadata", {"file_id": "zz"}))
    assert "page_size must be an integer" in err(drive.execute("list_files", {"page_size": "many"}))
    # Out-of-range sizes are clamped to Drive's 1..1000 rather than refused.
    assert ok(drive.execute("list_files", {"page_size": 0}))["count"] == 1
    assert ok(drive.execute("list_files", {"page_size": 5000}))["count"] == 1  # the stand-in refuses > 1000
    sheets = SheetsTool(profile="TEST")
    assert ok(sheets.execute("read_range", {"spreadsheet_id": "s1", "range": "Sheet1!A1:B2"}))["row_count"] == 2
    appended = ok(sheets.execute("append_rows", {"spreadsheet_id": "s1", "range": "Sheet1!A:B",
                                                 "rows": [["2031-07-02", "Grace"]]}))
    assert appended["updated_rows"] == 1 and env.provider.sheets["s1"][-1] == ["2031-07-02", "Grace"]
    assert "rows must be" in err(sheets.execute("append_rows", {"spreadsheet_id": "s1", "range": "A:B", "rows": []}))
    assert "spreadsheet_id is required" in err(sheets.execute("read_range", {"range": "A1"}))


def test_access_token_rejected_even_after_refresh(env: Env) -> None:
    env.connect()
    env.provider.expires_in = 0  # every new access token is dead on arrival: Google keeps answering 401
    env.provider.access.clear()
    result = CalendarTool(profile="TEST").execute("list_events", {})
    assert err(result).startswith("reconnect google_calendar (profile TEST): Google Calendar API rejected the "
                                  "access token (401")
    assert result["http_status"] == 401 and result["auth_required"] is True


def test_runs_inside_a_worker_with_relative_paths(env: Env, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import asyncio

    from flowdesk.core.run_service import RunRequest
    from flowdesk.core.runtime import Runtime
    from flowdesk.core.service_settings import RuntimeSettings

    env.connect()
    env.provider.events["primary"] = {}
    ok(CalendarTool(profile="TEST").execute("create_event", {"summary": "From a worker", "start_time": "2031-07-01",
                                                             "end_time": "2031-07-01"}))
    folder = env.root / "private" / "workflows" / "agenda"
    folder.mkdir(parents=True)
    (folder / "config.json").write_text(json.dumps({"name": "Agenda", "tools_required": ["calendar"],
                                                    "tool_profiles": {"calendar": "TEST"}}), encoding="utf-8")
    (folder / "main.py").write_text(
        "def execute(data, tools):\n"
        "    result = tools['calendar'].execute('list_events', {'time_min': '2031-01-01T00:00:00'})\n"
        "    return {'status': result['status'], 'message': result['message'], 'data': result.get('data')}\n",
        encoding="utf-8")
    monkeypatch.delenv("FLOWDESK_WORKSPACE")  # the worker finds the workspace by itself
    (tmp_path / "data").mkdir()

    async def main() -> Any:
        runtime = Runtime(Workspace(env.root), tmp_path / "data", RuntimeSettings(warm_workers=1, max_workers=1))
        await runtime.start()
        try:
            return await runtime.runs.run(RunRequest("agenda", {}))
        finally:
            await runtime.stop(grace=2)

    record = asyncio.run(main())
    assert record.status == "success", record.to_dict(include_log=True)
    assert [e["summary"] for e in record.output["data"]["events"]] == ["From a worker"]
