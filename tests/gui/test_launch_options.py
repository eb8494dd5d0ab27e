"""``flowdesk`` with no command takes --workspace/--data-dir/--port/--host and FLOWDESK_* like ``serve``; flags win for one launch."""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from flowdesk.cli.main import _app_options, _opens_the_app
from flowdesk.core.app_settings import AppSettings
from flowdesk.core.errors import FlowDeskError
from flowdesk.gui.launch_options import launch_options
from tests.conftest import REPO, copy_workspace


def _args(**kw: object) -> argparse.Namespace:
    return argparse.Namespace(**{"workspace": None, "port": None, "host": None, **kw})


def test_flags_beat_the_environment_which_beats_the_settings() -> None:
    saved = AppSettings(workspace="/saved", port=8123)
    assert launch_options(_args(), saved, {}) == launch_options(_args(), saved, {})
    plain = launch_options(_args(), saved, {})
    assert (plain.workspace, plain.port, plain.host, plain.port_overridden) == ("/saved", 8123, "127.0.0.1", False)
    env = {"FLOWDESK_WORKSPACE": "/env", "FLOWDESK_PORT": "9001", "FLOWDESK_HOST": "0.0.0.0"}
    from_env = launch_options(_args(), saved, env)
    assert (from_env.workspace, from_env.port, from_env.host, from_env.port_overridden) == ("/env", 9001, "0.0.0.0", True)
    flags = launch_options(_args(workspace="/flag", port=0, host="localhost"), saved, env)
    assert (flags.workspace, flags.port, flags.host) == ("/flag", 0, "localhost")
    with pytest.raises(FlowDeskError, match="FLOWDESK_PORT"):
        launch_options(_args(), saved, {"FLOWDESK_PORT": "eighty"})


def test_parsing_the_app_flags_reads_no_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The app's own parse suppresses the flags' help: it must not decide the CLI's language for it, which read the
    # default data dir's Settings (and created that dir) even when --data-dir names another one.
    from flowdesk.i18n import cli_text

    default = tmp_path / "default-data"
    monkeypatch.setenv("FLOWDESK_DATA_DIR", str(default))
    cli_text.set_language(None)
    try:
        args = _app_options(["--data-dir", str(tmp_path / "chosen"), "--port", "8123"])
        assert args.port == 8123 and args.data_dir == str(tmp_path / "chosen")
        assert "language" not in cli_text._state and not default.exists()
    finally:
        cli_text.set_language(None)


def test_the_app_flags_are_recognised_without_a_command() -> None:
    argv = ["--workspace", "w", "--data-dir=d", "--port", "9", "--host=localhost", "-v"]
    assert _opens_the_app(argv)
    args = _app_options(argv)
    assert (args.workspace, args.data_dir, args.port, args.host) == ("w", "d", 9, "localhost")
    assert not _opens_the_app(["--port", "9", "serve"])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_port_flag_overrides_the_saved_port_for_that_launch_only(tmp_path: Path) -> None:
    ws, data = copy_workspace(REPO, tmp_path / "ws"), tmp_path / "data"
    data.mkdir()
    saved_port, port = _free_port(), _free_port()
    (data / "settings.json").write_text(json.dumps({"port": saved_port}))
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "FLOWDESK_HOST": "127.0.0.1"}
    env.pop("FLOWDESK_PORT", None)
    log = (tmp_path / "app.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "flowdesk", "--workspace", str(ws), "--data-dir", str(data),
                             "--port", str(port)], cwd=REPO, env=env, stdout=log, stderr=log)
    try:
        deadline, answer = time.time() + 60, None
        while time.time() < deadline and answer is None:
            time.sleep(0.3)
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as r:
                    answer = json.loads(r.read())
            except OSError:
                continue
        assert answer is not None and answer["status"] in ("ok", "healthy"), (tmp_path / "app.log").read_text()[-2000:]
        with pytest.raises(OSError):
            urllib.request.urlopen(f"http://127.0.0.1:{saved_port}/health", timeout=2)
        assert json.loads((data / "settings.json").read_text())["port"] == saved_port
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
