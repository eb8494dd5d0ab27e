"""Seed clients find every key the seed platform returned, beside FlowDesk's own (issue 12 #11).

One test per route, on the seed-style fixture workspace: the seed's keys with the seed's JSON
types, and FlowDesk's keys still there.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import FIXTURES, copy_workspace
from tests.core.listener.conftest import Api


@pytest.fixture()
def listener_ws(tmp_path: Path) -> Path:  # overrides the conftest fixture: the service runs on the seed workspace
    return copy_workspace(FIXTURES / "seed_routes_workspace", tmp_path / "ws")


def has_types(body: dict, **types: type | tuple[type, ...]) -> bool:
    """True when every key is present with its JSON type (bool is not an int here, as in JSON)."""
    for key, kind in types.items():
        value = body.get(key, KeyError)
        if value is KeyError or not isinstance(value, kind) or (isinstance(value, bool) and bool not in (
                kind if isinstance(kind, tuple) else (kind,))):
            return False
    return True


def test_health_keeps_flowdesk_status_and_answers_the_seeds_on_request(api: Api) -> None:
    body = api("GET", "/health", auth=False).json()
    assert body["status"] == "healthy" and body["version"] and "scheduler" in body  # FlowDesk's
    assert has_types(body, status=str, app=str, workflows_loaded=int, interfaces_loaded=int)
    seed = api("GET", "/health?format=seed", auth=False).json()
    assert seed["status"] == "ok" and {k: v for k, v in seed.items() if k != "status"} == \
        {k: v for k, v in body.items() if k != "status"}


def test_reload_has_the_seed_keys(api: Api, listener_ws: Path) -> None:
    (listener_ws / "private/workflows/relance_clients/main.py").unlink()  # one workflow breaks
    body = api("POST", "/api/reload").json()
    assert has_types(body, status=str, message=str, workflows_loaded=int, interfaces_loaded=int)
    assert body["status"] == "success" and body["workflows_loaded"] == 1
    assert body["changed"] == ["workflow:relance_clients"] and body["broken"] == ["workflow:relance_clients"]
    assert body["added"] == [] and body["removed"] == []


def test_oauth_status_has_the_seed_keys_per_tool_and_in_total(api: Api) -> None:
    body = api("GET", "/api/oauth/status").json()
    assert has_types(body, tools=dict, total_tools=int, connected_tools=int)
    assert has_types(body, total=int, authenticated=int, needs_reconnect=list)  # FlowDesk's
    assert "agenda_equipe" in body["tools"] and body["total_tools"] == len(body["tools"])
    assert body["connected_tools"] == 0
    for name, tool in body["tools"].items():
        assert has_types(tool, authenticated=bool, provider=str, scopes=list, tool=str, auth_url=str,
                         display_name=str, service_type=str, auth_links=dict), name
        assert has_types(tool, profiles=dict)  # FlowDesk's
    agenda = body["tools"]["agenda_equipe"]
    assert agenda["scopes"] == ["https://www.googleapis.com/auth/calendar.readonly"]
    assert agenda["authenticated"] is False and agenda["auth_links"] == {"DEFAULT": agenda["auth_url"]}
    assert body["tools"]["google_calendar"]["service_type"] == "calendar"

    one = api("GET", "/api/oauth/status/agenda_equipe").json()  # no profile: the seed answered the DEFAULT's
    assert has_types(one, authenticated=bool, provider=str, scopes=list, tool=str, auth_url=str, profiles=dict)
    profile = api("GET", "/api/oauth/status/agenda_equipe?profile=EQUIPE").json()
    assert has_types(profile, authenticated=bool, provider=str, scopes=list, tool=str, auth_url=str)


def test_logs_items_have_the_seed_keys(api: Api) -> None:
    assert api("GET", "/api/workflows/trigger/rapport_quotidien").json()["status"] == "success"
    logs = api("GET", "/api/workflows/logs/rapport_quotidien").json()
    assert len(logs) == 1
    entry = logs[0]
    assert has_types(entry, workflow_name=str, trigger_type=str, start_time=str, end_time=str, status=str)
    assert entry["workflow_name"] == "rapport_quotidien" and entry["trigger_type"] == "api"
    assert has_types(entry, run_id=str, workflow=str, trigger=str, started_at=str, duration=float)  # FlowDesk's
    assert entry["start_time"] == entry["started_at"] and entry["end_time"] == entry["finished_at"]


def test_toggle_has_the_seed_keys(api: Api, listener_ws: Path) -> None:
    body = api("POST", "/api/workflows/toggle/relance_clients").json()
    assert has_types(body, status=str, active=bool) and body["status"] == "success" and body["active"] is True
    assert has_types(body, name=str, message=str)  # FlowDesk's
    assert api("POST", "/api/workflows/toggle/relance_clients").json()["active"] is False
    assert b'"active" :false,' in (listener_ws / "private/workflows/relance_clients/config.json").read_bytes()
