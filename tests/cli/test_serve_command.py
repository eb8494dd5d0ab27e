"""``flowdesk serve`` as a real process: banner, single instance, signals, crash recovery, hot reload."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.conftest import FIXTURES, REPO, copy_workspace

TOKEN = "serve-test-token-0123456789ab"


class Serve:
    """A ``flowdesk serve --port 0`` subprocess and its base URL."""

    def __init__(self, workspace: Path, data_dir: Path, *extra: str) -> None:
        env = {**os.environ, "FLOWDESK_API_TOKEN": TOKEN, "FLOWDESK_DATA_DIR": str(data_dir)}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "flowdesk", "serve", "--port", "0", "--workspace", str(workspace), *extra],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=REPO)
        line = self.proc.stdout.readline()
        if "listening on" not in line:
            self.proc.kill()
            raise AssertionError(f"no banner: {line!r} {self.proc.stderr.read()}")
        self.banner = line + self.proc.stdout.readline()
        self.url = line.split("listening on ", 1)[1].split()[0]

    def api(self, method: str, path: str, **kw) -> requests.Response:
        return requests.request(method, self.url + path, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30, **kw)

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30) -> int:
        self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()


@pytest.fixture()
def ws(tmp_path: Path) -> Path:
    return copy_workspace(FIXTURES / "listener_workspace", tmp_path / "ws")


@pytest.fixture()
def serve(ws: Path, data_dir: Path) -> Iterator[Serve]:
    s = Serve(ws, data_dir)
    yield s
    if s.proc.poll() is None:
        s.stop(signal.SIGKILL)


def test_banner_says_where_it_listens_and_where_the_token_is(serve: Serve) -> None:
    assert serve.url.startswith("http://127.0.0.1:")
    assert "FLOWDESK_API_TOKEN" in serve.banner
    assert serve.api("GET", "/health").json()["status"] == "healthy"


def test_second_serve_on_the_same_data_dir_exits_non_zero(serve: Serve, ws: Path, data_dir: Path) -> None:
    env = {**os.environ, "FLOWDESK_DATA_DIR": str(data_dir)}
    r = subprocess.run([sys.executable, "-m", "flowdesk", "serve", "--port", "0", "--workspace", str(ws)],
                       capture_output=True, text=True, env=env, cwd=REPO, timeout=30)
    assert r.returncode == 1
    assert "already running" in r.stderr and str(serve.proc.pid) in r.stderr and serve.url in r.stderr


def test_sigterm_lets_a_running_run_finish_then_exits_0(serve: Serve, data_dir: Path) -> None:
    run_id = serve.api("POST", "/api/webhooks/slow", json={"seconds": 1}).json()["run_id"]
    for _ in range(100):
        if serve.api("GET", f"/api/runs/{run_id}").json()["status"] == "running":
            break
        time.sleep(0.05)
    assert serve.stop(signal.SIGTERM) == 0
    assert "stopped" in serve.proc.stderr.read()
    with sqlite3.connect(data_dir / "flowdesk.sqlite3") as db:
        assert db.execute("SELECT status FROM run WHERE id = ?", (run_id,)).fetchone()[0] == "success"


def test_sigterm_past_the_grace_period_marks_runs_interrupted(ws: Path, data_dir: Path) -> None:
    s = Serve(ws, data_dir, "--grace", "0.5")
    run_id = s.api("POST", "/api/webhooks/slow", json={"seconds": 20}).json()["run_id"]
    time.sleep(0.5)
    started = time.time()
    assert s.stop(signal.SIGTERM) == 0
    assert time.time() - started < 10
    with sqlite3.connect(data_dir / "flowdesk.sqlite3") as db:
        assert db.execute("SELECT status FROM run WHERE id = ?", (run_id,)).fetchone()[0] == "interrupted"


def test_sigkill_mid_run_then_restart(ws: Path, data_dir: Path) -> None:
    first = Serve(ws, data_dir)
    run_id = first.api("POST", "/api/webhooks/slow", json={"seconds": 20}).json()["run_id"]
    for _ in range(100):
        if first.api("GET", f"/api/runs/{run_id}").json()["status"] == "running":
            break
        time.sleep(0.05)
    first.stop(signal.SIGKILL)
    with sqlite3.connect(data_dir / "flowdesk.sqlite3") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    second = Serve(ws, data_dir)
    try:
        run = second.api("GET", f"/api/runs/{run_id}").json()
        assert run["status"] == "interrupted" and "FlowDesk stopped" in run["error"]
        jobs = second.api("GET", "/api/scheduler/jobs").json()
        assert [j["workflow_name"] for j in jobs] == ["scheduled"] and jobs[0]["next_run"]
        assert second.api("POST", "/api/workflows/execute/echo", json={"n": 2}).json()["status"] == "success"
    finally:
        assert second.stop() == 0


def test_edits_under_private_are_picked_up_without_restart(serve: Serve, ws: Path) -> None:
    folder = ws / "private/workflows/hot"
    folder.mkdir()
    (folder / "config.json").write_text('{"name": "Hot", "triggers": ["manual"]}')
    (folder / "main.py").write_text("def execute(data, tools):\n    return {'status': 'success', 'message': 'v1'}\n")
    deadline = time.time() + 15
    while time.time() < deadline:
        if "hot" in {w["name"] for w in serve.api("GET", "/api/workflows").json()}:
            break
        time.sleep(0.2)
    else:
        raise AssertionError("new workflow not discovered")
    assert serve.api("POST", "/api/workflows/execute/hot", json={}).json()["message"] == "v1"
    (folder / "main.py").write_text("def execute(data, tools):\n    return {'status': 'success', 'message': 'v2'}\n")
    assert serve.api("POST", "/api/workflows/execute/hot", json={}).json()["message"] == "v2"
    (folder / "config.json").write_text("{broken")
    deadline = time.time() + 15
    while time.time() < deadline:
        hot = [w for w in serve.api("GET", "/api/workflows").json() if w["name"] == "hot"]
        if hot and hot[0]["broken"]:
            break
        time.sleep(0.2)
    else:
        raise AssertionError("broken config not reported")
    assert len(serve.api("GET", "/api/scheduler/jobs").json()) == 1  # the others keep their schedules
