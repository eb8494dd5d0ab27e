"""``flowdesk cluster demo``: embedded Valkey and PostgreSQL, serve and workers, one Ctrl+C stops them all."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import pytest
import requests

from tests.cli.cluster_processes import FAST, TOKEN
from tests.conftest import FIXTURES, REPO, copy_workspace

pytestmark = pytest.mark.timeout(180)


def start_demo(ws: Path, data: Path, env: dict[str, str], workers: int, ready_line: str
               ) -> tuple[subprocess.Popen[str], list[str], threading.Event]:
    """``flowdesk cluster demo`` in the background: its output lines, and an event set once ``ready_line`` shows
    (or the output ends)."""
    proc = subprocess.Popen([sys.executable, "-m", "flowdesk", "cluster", "demo", "--workers", str(workers),
                             "--port", "0", "--workspace", str(ws), "--data-dir", str(data)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=REPO)
    lines: list[str] = []
    ready = threading.Event()

    def drain() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)
            if ready_line in line:
                ready.set()
        ready.set()

    threading.Thread(target=drain, daemon=True).start()
    return proc, lines, ready


def test_the_demo_runs_a_webhook_on_its_workers_and_ctrl_c_stops_everything(tmp_path: Path) -> None:
    ws = copy_workspace(FIXTURES / "queue_workspace", tmp_path / "ws")
    env = {**os.environ, "FLOWDESK_API_TOKEN": TOKEN, **FAST}
    env.pop("FLOWDESK_BROKER_URL", None)
    env.pop("FLOWDESK_DATABASE_URL", None)
    proc, lines, ready = start_demo(ws, tmp_path / "data", env, 2, "Ctrl+C stops everything")
    try:
        assert ready.wait(120) and proc.poll() is None, "".join(lines)
        text = "".join(lines)
        url = re.search(r"listening on (http://127\.0\.0\.1:\d+)", text).group(1)  # type: ignore[union-attr]
        assert "broker    redis://127.0.0.1:" in text and "database  postgresql://" in text
        children = psutil.Process(proc.pid).children(recursive=True)
        answer = requests.post(f"{url}/api/webhooks/hook?wait=true", json={"n": 1}, timeout=60).json()
        assert answer["status"] == "success"
        status = subprocess.run([sys.executable, "-m", "flowdesk", "cluster", "status", "--json",
                                 "--broker", re.search(r"broker    (\S+)", text).group(1),  # type: ignore[union-attr]
                                 "--database", re.search(r"--database '([^']+)'", text).group(1)],  # type: ignore
                                capture_output=True, text=True, env=env, cwd=REPO, timeout=60)
        assert status.returncode == 0, status.stderr
        assert '"alive": true' in status.stdout and "demo-worker-2" in status.stdout
        proc.send_signal(signal.SIGINT)
        assert proc.wait(60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    deadline = time.monotonic() + 20
    while any(child.is_running() and child.status() != psutil.STATUS_ZOMBIE for child in children):
        assert time.monotonic() < deadline, [c for c in children if c.is_running()]
        time.sleep(0.2)
    assert "stopped" in "".join(lines)


def test_the_demo_speaks_french_and_still_sees_its_processes_ready(tmp_path: Path) -> None:
    ws = copy_workspace(FIXTURES / "queue_workspace", tmp_path / "ws")
    # LANGUAGE picks FlowDesk's language; LANG stays a locale this machine has (initdb refuses a missing one).
    env = {**os.environ, "FLOWDESK_API_TOKEN": TOKEN, **FAST, "LANG": "C.UTF-8", "LANGUAGE": "fr"}
    for name in ("FLOWDESK_BROKER_URL", "FLOWDESK_DATABASE_URL", "LC_ALL", "LC_MESSAGES"):
        env.pop(name, None)
    proc, lines, ready = start_demo(ws, tmp_path / "data", env, 1, "Ctrl+C arrête tout.")
    try:
        assert ready.wait(120) and proc.poll() is None, "".join(lines)  # serve's and the worker's ready lines seen
        text = "".join(lines)
        assert "(Valkey embarqué, données dans " in text and "Démo du cluster FlowDesk : serve et 1 worker(s)" in text
        proc.send_signal(signal.SIGINT)
        assert proc.wait(60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    assert "arrêt de la démo…" in "".join(lines) and "arrêtée" in "".join(lines)
