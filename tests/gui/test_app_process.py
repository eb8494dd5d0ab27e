"""The app as a real process: ``--interface SLUG`` opens that page (its JavaScript runs), SIGTERM quits cleanly."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import psutil

from tests.conftest import REPO

PAGE = """<!DOCTYPE html><html><body><p id="out">loading</p><script>
fetch('/api/webhooks/hello_from_page?wait=true', {method: 'POST', headers: {'Content-Type': 'application/json'},
      body: JSON.stringify({who: 'interface'})})
  .then(r => r.json()).then(b => { document.getElementById('out').textContent = b.status; });
</script></body></html>"""


def _workspace(root: Path) -> Path:
    wf = root / "private/workflows/hello_from_page"
    wf.mkdir(parents=True)
    (wf / "config.json").write_text('{"name": "Hello from page", "triggers": ["webhook"]}')
    (wf / "main.py").write_text("def execute(data, tools):\n    return {'status': 'success', 'data': data}\n")
    page = root / "private/interfaces/probe_page"
    (page / "src").mkdir(parents=True)
    (page / "config.json").write_text('{"name": "probe_page", "route": "/probe"}')
    (page / "src/index.html").write_text(PAGE)
    return root


def test_interface_option_opens_the_page_and_sigterm_quits(tmp_path: Path) -> None:
    ws, data = _workspace(tmp_path / "ws"), tmp_path / "data"
    data.mkdir()
    (data / "settings.json").write_text(json.dumps({"port": 0}))
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QTWEBENGINE_CHROMIUM_FLAGS": "--no-sandbox"}
    env.pop("FLOWDESK_API_TOKEN", None)
    log = (tmp_path / "app.log").open("w")  # a file, not a pipe: Chromium writes a lot to stderr
    proc = subprocess.Popen([sys.executable, "-m", "flowdesk", "--workspace", str(ws), "--data-dir", str(data),
                             "--interface", "probe_page"], cwd=REPO, env=env, stdout=log, stderr=log)
    try:
        deadline, rows = time.time() + 60, []
        while time.time() < deadline and not rows:
            time.sleep(0.3)
            if (data / "flowdesk.sqlite3").exists():
                # The file is created (0600) just before its tables: until then, keep waiting.
                with contextlib.suppress(sqlite3.OperationalError), sqlite3.connect(data / "flowdesk.sqlite3") as db:
                    rows = db.execute("SELECT status, trigger, input FROM run WHERE workflow = 'hello_from_page'"
                                      " AND status = 'success'").fetchall()
        assert rows, "the page's JavaScript never reached the webhook"
        status, trigger, raw = rows[0]
        assert (status, trigger, json.loads(raw)["who"]) == ("success", "webhook", "interface")
        children = psutil.Process(proc.pid).children(recursive=True)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 0, (tmp_path / "app.log").read_text()[-3000:]
        time.sleep(0.5)
        assert not [c for c in children if c.is_running() and c.status() != psutil.STATUS_ZOMBIE]
    finally:
        if proc.poll() is None:
            proc.kill()
