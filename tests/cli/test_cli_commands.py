"""The CLI of CONTRACT §5 (run, list, check, runs, new, jobs), as real subprocesses."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import FIXTURES, copy_workspace


def test_version_and_help(flowdesk_cli) -> None:
    r = flowdesk_cli("--version")
    assert r.code == 0 and r.out.startswith("FlowDesk ")
    assert "serve" in flowdesk_cli("--help").out


def test_run_prints_the_record_and_exits_0_on_success(flowdesk_cli, example_ws: Path) -> None:
    r = flowdesk_cli("run", "next_dates", "-p", "days=30", workspace=example_ws)
    assert r.code == 0, r.err
    record = r.json()
    assert record["status"] == "success" and record["trigger"] == "manual"
    assert record["input"]["days"] == 30  # "30" coerced by inputs_schema
    assert "in 30 days" == record["output"]["data"]["in_n_days"]["description"]
    assert record["queued_at"] <= record["started_at"] <= record["finished_at"]


def test_run_with_data_json_and_every_input_type(flowdesk_cli, example_ws: Path) -> None:
    data = {"title": "Kick-off", "room": "a", "topics": ["budget", "hiring"], "api_key": "sk-very-secret-123"}
    r = flowdesk_cli("run", "input_showcase", "--data", json.dumps(data), "-p", "attendees=40", workspace=example_ws)
    assert r.code == 0, r.err
    record = r.json()
    inputs = record["output"]["data"]["inputs"]
    assert inputs["attendees"] == {"value": 40, "type": "int"}
    assert inputs["remote"] == {"value": True, "type": "bool"}
    assert inputs["extra"]["type"] == "dict"
    assert record["input"]["api_key"] == "***"  # password inputs are never stored in clear
    assert "sk-very-secret-123" not in r.out


def test_invalid_input_is_refused_with_per_field_messages(flowdesk_cli, example_ws: Path) -> None:
    r = flowdesk_cli("run", "input_showcase", "-p", "attendees=0", "-p", "contact=nope", "-p", "room=z",
                     workspace=example_ws)
    assert r.code == 2
    assert "attendees: must be at least 1" in r.err
    assert "contact:" in r.err and "room:" in r.err


def test_failed_run_exits_1(flowdesk_cli, example_ws: Path) -> None:
    folder = example_ws / "private" / "workflows" / "input_showcase"
    (folder / "main.py").write_text("def execute(data, tools):\n    return {'status': 'error', 'message': 'nope'}\n")
    r = flowdesk_cli("run", "input_showcase", workspace=example_ws)
    assert r.code == 1 and r.json()["status"] == "error" and r.json()["message"] == "nope"


def test_missing_profile_makes_a_skipped_run_naming_the_variables(flowdesk_cli, example_ws: Path) -> None:
    r = flowdesk_cli("run", "next_dates", workspace=example_ws, env={"DATE_DEFAULT_TIMEZONE": "Europe/Paris"})
    assert r.code == 0
    r = flowdesk_cli("run", "newsletter_automation", workspace=example_ws)
    assert r.code == 1
    record = r.json()
    assert record["status"] == "skipped"
    assert record["message"] == "tool 'youtube' (profile TECH_CHANNEL) is missing YOUTUBE_TECH_CHANNEL_API_KEY"


def test_unknown_workflow(flowdesk_cli, example_ws: Path) -> None:
    r = flowdesk_cli("run", "nope", workspace=example_ws)
    assert r.code == 1 and "workflow 'nope' not found" in r.err


def test_list_shows_broken_entries_with_why(flowdesk_cli, tmp_path: Path) -> None:
    ws = copy_workspace(FIXTURES / "broken_workspace", tmp_path / "ws")
    r = flowdesk_cli("list", "--json", workspace=ws)
    assert r.code == 0
    data = r.json()
    assert {w["name"] for w in data["workflows"]} >= {"good", "bad_json", "syntax_error", "no_execute"}
    broken = {b["name"]: b["error"] for b in data["broken"]}
    assert "invalid JSON" in broken["bad_json"] and "SyntaxError" in broken["syntax_error"]
    assert "good" not in broken
    text = flowdesk_cli("list", workspace=ws)
    assert "✗" in text.out and "Broken" in text.out


def test_check_exits_1_with_one_line_per_broken_file(flowdesk_cli, tmp_path: Path) -> None:
    ws = copy_workspace(FIXTURES / "broken_workspace", tmp_path / "ws")
    r = flowdesk_cli("check", workspace=ws)
    assert r.code == 1
    lines = [line for line in r.out.splitlines() if line.startswith(str(ws))]
    assert any("import_error/main.py: ModuleNotFoundError" in line for line in lines)  # found by a worker probe
    assert any("bad_json/config.json" in line for line in lines)
    assert len(lines) == len(set(lines))
    assert not any("/good/" in line for line in lines)


def test_check_passes_with_only_credential_warnings(flowdesk_cli, example_ws: Path) -> None:
    r = flowdesk_cli("check", workspace=example_ws)
    assert r.code == 0, r.out + r.err
    assert "profile TECH_CHANNEL needs YOUTUBE_TECH_CHANNEL_API_KEY" in r.out
    assert "profile CRM needs NOTION_CRM_TOKEN" in r.out  # lead_nurturing's profiles come from get_tools_profiles()


def test_runs_lists_history(flowdesk_cli, example_ws: Path) -> None:
    flowdesk_cli("run", "next_dates", workspace=example_ws)
    flowdesk_cli("run", "input_showcase", workspace=example_ws)
    r = flowdesk_cli("runs", "--json", workspace=example_ws)
    runs = r.json()
    assert [x["workflow"] for x in runs] == ["input_showcase", "next_dates"]
    only = flowdesk_cli("runs", "next_dates", "--json", workspace=example_ws).json()
    assert len(only) == 1
    full = flowdesk_cli("runs", "--id", only[0]["id"], workspace=example_ws).json()
    assert full["id"] == only[0]["id"] and "log" in full


def test_new_workflow_runs_at_once(flowdesk_cli, example_ws: Path) -> None:
    r = flowdesk_cli("new", "workflow", "my_flow", workspace=example_ws)
    assert r.code == 0 and "created" in r.out
    r = flowdesk_cli("run", "my_flow", "-p", "name=Ada", workspace=example_ws)
    assert r.code == 0, r.err
    assert r.json()["output"]["message"] == "Hello, Ada!"
    assert flowdesk_cli("new", "workflow", "my_flow", workspace=example_ws).code == 1  # exists


def test_new_interface_and_tool_are_discovered(flowdesk_cli, example_ws: Path) -> None:
    assert flowdesk_cli("new", "interface", "board", workspace=example_ws).code == 0
    assert flowdesk_cli("new", "tool", "crm", workspace=example_ws).code == 0
    data = flowdesk_cli("list", "--json", workspace=example_ws).json()
    assert any(i["name"] == "board" and not i["error"] for i in data["interfaces"])
    assert any(t["name"] == "crm" and not t["error"] for t in data["tools"])


def test_jobs_lists_scheduled_workflows(flowdesk_cli, example_ws: Path) -> None:
    jobs = flowdesk_cli("jobs", "--json", workspace=example_ws).json()
    by_name = {j["workflow_name"]: j for j in jobs}
    assert by_name["next_dates"]["cron_expression"] == "0 8 * * 1-5"
    assert by_name["next_dates"]["next_run"]
    assert "input_showcase" not in by_name


def test_the_console_script_is_installed_and_works(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    script = Path(sys.executable).parent / "flowdesk"  # the [project.scripts] entry of pyproject.toml
    assert script.is_file()
    r = subprocess.run([str(script), "--version"], capture_output=True, text=True, timeout=60,
                       env={**os.environ, "FLOWDESK_DATA_DIR": str(tmp_path)})
    assert r.returncode == 0 and r.stdout.startswith("FlowDesk ")
