"""Every route of CONTRACT §6 on a real listener, with the seed's JSON shapes and error statuses."""

from __future__ import annotations

import time

from tests.core.listener.conftest import Api, ServiceThread


def test_health_is_open_and_counts(api: Api) -> None:
    r = api("GET", "/health", auth=False)
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "healthy" and body["app"] == "FlowDesk"
    assert body["workflows_loaded"] == 9 and body["interfaces_loaded"] == 2  # site + the built-in dashboard
    assert body["scheduler"]["jobs"] == 1


def test_list_and_detail(api: Api) -> None:
    workflows = {w["name"]: w for w in api("GET", "/api/workflows").json()}
    echo = workflows["echo"]
    assert {"name", "display_name", "description", "category", "active", "tools_required", "triggers"} <= set(echo)
    assert echo["display_name"] == "Echo" and echo["triggers"] == ["manual", "webhook"]
    detail = api("GET", "/api/workflows/echo").json()
    assert detail["config"]["max_instances"] == 64 and detail["path"].endswith("echo")
    assert api("GET", "/api/workflows/nope").status_code == 404


def test_execute_waits_and_answers_the_workflow_result(api: Api) -> None:
    r = api("POST", "/api/workflows/execute/echo", json={"data": {"n": "7"}})
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "success" and body["message"] == "n=7" and body["data"]["n"] == 7
    run = api("GET", f"/api/runs/{body['run_id']}").json()
    assert run["trigger"] == "api" and run["status"] == "success" and "echo" in run["log"]
    # the data itself, without the {"data": ...} wrapper, works too
    assert api("POST", "/api/workflows/execute/echo", json={"n": 3}).json()["message"] == "n=3"


def test_trigger_takes_url_parameters(api: Api) -> None:
    body = api("GET", "/api/workflows/trigger/echo?n=12&extra=yes").json()
    assert body["status"] == "success" and body["data"] == {"n": 12, "extra": "yes"}


def test_webhook_merges_url_over_body_and_answers_202(api: Api) -> None:
    r = api("POST", "/api/webhooks/echo?n=5&source=site", json={"n": 1, "name": "Jane"})
    assert r.status_code == 202
    run_id = r.json()["run_id"]
    for _ in range(100):
        run = api("GET", f"/api/runs/{run_id}").json()
        if run["status"] not in ("queued", "running"):
            break
        time.sleep(0.05)
    assert run["status"] == "success" and run["trigger"] == "webhook"
    assert run["input"]["n"] == 5 and run["input"]["name"] == "Jane" and run["input"]["source"] == "site"


def test_webhook_wait_true_answers_the_result(api: Api) -> None:
    body = api("POST", "/api/webhooks/echo?wait=true", json={"n": 9}).json()
    assert body["status"] == "success" and body["data"]["n"] == 9 and "wait" not in body["data"]


def test_webhook_form_body(api: Api) -> None:
    body = api("POST", "/api/webhooks/echo?wait=true", data={"n": "4"}).json()
    assert body["data"]["n"] == 4


def test_logs_and_stats(api: Api) -> None:
    for n in (1, 2):
        api("POST", "/api/workflows/execute/echo", json={"n": n})
    api("POST", "/api/workflows/execute/echo", json={"n": 1000})  # 422, not a run
    logs = api("GET", "/api/workflows/logs/echo").json()
    assert len(logs) == 2 and logs[0]["status"] == "success"
    stats = api("GET", "/api/workflows/stats/echo").json()
    assert stats["total"] == 2 and stats["success"] == 2 and stats["success_rate"] == 100.0
    assert stats["average_duration"] > 0
    overall = api("GET", "/api/workflows/stats").json()
    assert {"total", "success", "error", "success_rate", "average_duration"} <= set(overall)
    assert overall["workflows"]["echo"]["total"] == 2


def test_error_in_workflow_still_answers_200_with_status_error(api: Api, listener_ws) -> None:
    (listener_ws / "private/workflows/echo/main.py").write_text("def execute(data, tools):\n    return 1 / 0\n")
    body = api("POST", "/api/workflows/execute/echo", json={}).json()
    assert body["status"] == "error" and "ZeroDivisionError" in body["message"] and body["run_status"] == "error"


def test_toggle_switches_active_and_the_schedule(api: Api, listener_ws) -> None:
    assert len(api("GET", "/api/scheduler/jobs").json()) == 1
    r = api("POST", "/api/workflows/toggle/scheduled").json()
    assert r["active"] is False
    assert '"active": false' in (listener_ws / "private/workflows/scheduled/config.json").read_text()
    assert api("GET", "/api/scheduler/jobs").json() == []
    assert api("POST", "/api/workflows/toggle/scheduled").json()["active"] is True
    assert len(api("GET", "/api/scheduler/jobs").json()) == 1


def test_scheduler_jobs_shape_and_pause(api: Api) -> None:
    (job,) = api("GET", "/api/scheduler/jobs").json()
    assert job["workflow_name"] == "scheduled" and job["cron_expression"] == "*/5 * * * *"
    assert job["timezone"] == "Europe/Paris" and job["next_run"].endswith(("+01:00", "+02:00", "+00:00"))
    assert {"id", "workflow_display_name", "active", "last_run", "workflow_active"} <= set(job)
    assert api("POST", "/api/scheduler/pause").json() == {"paused": True}
    assert api("GET", "/health", auth=False).json()["scheduler"]["paused"] is True
    assert api("POST", "/api/scheduler/resume").json() == {"paused": False}


def test_interfaces_list(api: Api) -> None:
    assert api("GET", "/api/interfaces").json() == [
        {"name": "dashboard", "display_name": "Dashboard",
         "description": "Workflows, the latest runs, schedules and OAuth connections, read-only, refreshed every few "
                        "seconds.", "route": "/dashboard", "icon": "chart-bar", "broken": False, "error": None, "warnings": []},
        {"name": "site", "display_name": "Site", "description": None, "route": "/site", "icon": "S",
         "broken": False, "error": None, "warnings": []}]


def test_reload_reports_changes(api: Api, listener_ws) -> None:
    new = listener_ws / "private/workflows/fresh"
    new.mkdir()
    (new / "config.json").write_text('{"name": "Fresh", "triggers": ["manual"]}')
    (new / "main.py").write_text("def execute(data, tools):\n    return {'status': 'success'}\n")
    body = api("POST", "/api/reload").json()
    assert "workflow:fresh" in body["added"] or "fresh" in {w["name"] for w in api("GET", "/api/workflows").json()}
    assert api("POST", "/api/workflows/execute/fresh", json={}).json()["status"] == "success"


def test_runs_list_filters(api: Api) -> None:
    api("POST", "/api/workflows/execute/echo", json={})
    runs = api("GET", "/api/runs?workflow=echo&status=success").json()
    assert runs and all(r["workflow"] == "echo" for r in runs)
    assert api("GET", "/api/runs/doesnotexist").status_code == 404


def test_error_statuses(api: Api, service: ServiceThread) -> None:
    assert api("POST", "/api/workflows/execute/echo", data=b"{nope", headers={"Content-Type": "application/json"}).status_code == 400
    assert api("POST", "/api/workflows/execute/echo", json=[1, 2]).status_code == 400
    assert api("GET", "/api/workflows", auth=False).status_code == 401
    assert api("GET", "/api/workflows", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert api("POST", "/api/webhooks/manual_only", json={}).status_code == 403  # trigger not allowed
    assert api("POST", "/api/workflows/execute/inactive", json={}).status_code == 403
    assert api("POST", "/api/workflows/execute/nope", json={}).status_code == 404
    big = api("POST", "/api/webhooks/echo", data=b"x" * (2 * 1024 * 1024), headers={"Content-Type": "application/json"})
    assert big.status_code == 413 and "too large" in big.json()["error"]
    bad = api("POST", "/api/workflows/execute/echo", json={"n": 500, "email": "nope"})
    assert bad.status_code == 422
    assert set(bad.json()["fields"]) == {"n", "email"}
    for r in (bad, big):
        assert r.headers["Content-Type"].startswith("application/json") and "error" in r.json()


def test_skipped_run_for_missing_profile(api: Api) -> None:
    body = api("POST", "/api/workflows/execute/missing_profile", json={}).json()
    assert body["status"] == "skipped" and "NEEDS_KEY_PROD_API_KEY" in body["message"]


def test_password_inputs_are_masked_in_records_and_logs(api: Api) -> None:
    body = api("POST", "/api/workflows/execute/echo", json={"secret": "hunter2-hunter2"}).json()
    run = api("GET", f"/api/runs/{body['run_id']}").json()
    assert run["input"]["secret"] == "***"
    assert "hunter2-hunter2" not in str(run)


def test_import_errors_are_found_in_the_background_and_listed(api: Api, listener_ws) -> None:
    folder = listener_ws / "private/workflows/bad_import"
    folder.mkdir()
    (folder / "config.json").write_text('{"name": "Bad import", "triggers": ["manual"]}')
    (folder / "main.py").write_text("import no_such_module_anywhere\n\n\ndef execute(data, tools):\n    return {}\n")
    api("POST", "/api/reload")
    for _ in range(100):
        entry = [w for w in api("GET", "/api/workflows").json() if w["name"] == "bad_import"][0]
        if entry["broken"]:
            break
        time.sleep(0.1)
    assert "ModuleNotFoundError: No module named 'no_such_module_anywhere'" in entry["error"]
    assert not [w for w in api("GET", "/api/workflows").json() if w["name"] == "echo"][0]["broken"]
