"""``flowdesk oauth connect|status|disconnect`` in real processes against the local Google stand-in."""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from flowdesk.core.oauth.token_store import read_token_info
from tests.core.oauth.local_provider import CALENDAR, CALENDAR_RO, DRIVE_RO, SHEETS, LocalGoogle, write_google_workspace

REPO = Path(__file__).resolve().parents[2]
UNION = {CALENDAR, CALENDAR_RO, DRIVE_RO, SHEETS}
# Builds the parser from the command modules themselves, so these tests do not depend on main.py's wiring.
RUNNER = """
import argparse, sys
from flowdesk.cli import oauth_command, tools_command
from flowdesk.core.errors import FlowDeskError
parser = argparse.ArgumentParser(prog="flowdesk")
common = argparse.ArgumentParser(add_help=False)
common.add_argument("--workspace")
common.add_argument("--data-dir")
common.add_argument("-v", "--verbose", action="store_true")
sub = parser.add_subparsers(dest="command")
oauth_command.register(sub, common)
tools_command.register(sub, common)
args = parser.parse_args(sys.argv[1:])
try:
    sys.exit(args.handler(args) or 0)
except FlowDeskError as exc:
    print(f"flowdesk: {exc}", file=sys.stderr)
    sys.exit(1)
"""


def cli_command(*args: str, workspace: Path) -> list[str]:
    return [sys.executable, "-c", RUNNER, *args, "--workspace", str(workspace)]


def cli_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GOOGLE_", "FLOWDESK_"))}
    env["FLOWDESK_DATA_DIR"] = str(tmp_path / "data")
    env["PYTHONPATH"] = str(REPO)
    return env


def run_cli(tmp_path: Path, *args: str, workspace: Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cli_command(*args, workspace=workspace), capture_output=True, text=True, timeout=timeout,
                          env=cli_env(tmp_path), cwd=str(REPO))


@pytest.fixture()
def provider() -> Iterator[LocalGoogle]:
    p = LocalGoogle().start()
    yield p
    p.stop()


@pytest.fixture()
def ws(tmp_path: Path, provider: LocalGoogle) -> Path:
    root = tmp_path / "ws"
    write_google_workspace(root, provider)
    return root


def token_path(ws: Path) -> Path:
    return ws / "etc/secrets/google_test_token.json"


def connect(tmp_path: Path, ws: Path, *extra: str) -> tuple[int, str, str]:
    """Run ``oauth connect``, open the printed URL like a browser would, return (code, stdout, stderr)."""
    proc = subprocess.Popen(cli_command("oauth", "connect", "calendar", "--profile", "TEST", "--no-browser",
                                        "--port", "0", *extra, workspace=ws),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=cli_env(tmp_path),
                            cwd=str(REPO))
    assert proc.stdout is not None
    lines = []
    deadline = time.monotonic() + 30
    url = None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        if line.startswith("http"):
            url = line.strip()
            break
    assert url, "".join(lines) + (proc.stderr.read() if proc.stderr else "")
    page = requests.get(url, timeout=15)  # provider consent -> redirect -> the CLI's callback server
    out, err = proc.communicate(timeout=30)
    assert "Connected google_calendar (profile TEST)" in page.text or proc.returncode != 0
    return proc.returncode, "".join(lines) + out, err


def test_connect_writes_the_shared_token(tmp_path: Path, ws: Path) -> None:
    code, out, err = connect(tmp_path, ws)
    assert code == 0, out + err
    assert "Sign in to connect google_calendar (profile TEST)" in out
    assert "shared with google_drive (TEST), google_sheets (TEST)" in out
    assert f"Connected google_calendar (profile TEST); token written to {token_path(ws)}" in out
    info = read_token_info(token_path(ws))
    assert info is not None and set(info["scopes"]) == UNION and info["refresh_token"]
    if os.name == "posix":
        assert stat.S_IMODE(token_path(ws).stat().st_mode) == 0o600


def test_connect_denied(tmp_path: Path, ws: Path, provider: LocalGoogle) -> None:
    provider.deny_next = True
    code, out, err = connect(tmp_path, ws)
    assert code == 1 and "access_denied" in err
    assert not token_path(ws).exists()


def test_connect_times_out(tmp_path: Path, ws: Path) -> None:
    r = run_cli(tmp_path, "oauth", "connect", "calendar", "--profile", "TEST", "--no-browser", "--port", "0",
                "--timeout", "1", workspace=ws)
    assert r.returncode == 1 and "no answer from Google within 1 s" in r.stderr
    assert "/auth?" in r.stdout  # the URL was printed for the user


def test_connect_refuses_unconfigured_profile_and_busy_port(tmp_path: Path, ws: Path) -> None:
    r = run_cli(tmp_path, "oauth", "connect", "google_calendar", "--profile", "WORK", "--no-browser", workspace=ws)
    assert r.returncode == 1 and "GOOGLE_CALENDAR_WORK_TOKEN_FILE" in r.stderr
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        r = run_cli(tmp_path, "oauth", "connect", "calendar", "--profile", "TEST", "--no-browser", "--port", str(port),
                    workspace=ws)
    assert r.returncode == 1 and f"port {port} is already in use" in r.stderr
    assert f"http://127.0.0.1:{port}/oauth/google/auth?service=google_calendar&profile=TEST" in r.stderr


def test_status_and_disconnect(tmp_path: Path, ws: Path, provider: LocalGoogle) -> None:
    r = run_cli(tmp_path, "oauth", "status", "--json", workspace=ws)
    assert r.returncode == 1  # configured profiles that need a (re)connect
    assert {s["tool"] for s in json.loads(r.stdout)} == {"google_calendar", "google_drive", "google_sheets"}

    token_path(ws).write_text(json.dumps(provider.token_file(sorted(UNION))), encoding="utf-8")
    r = run_cli(tmp_path, "oauth", "status", workspace=ws)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "google_calendar" in r.stdout and "connected" in r.stdout
    r = run_cli(tmp_path, "oauth", "status", "calendar", "--profile", "TEST", "--json", workspace=ws)
    assert [s["authenticated"] for s in json.loads(r.stdout)] == [True]

    refresh = read_token_info(token_path(ws))["refresh_token"]  # type: ignore[index]
    provider.revoke_refresh_token(refresh)
    r = run_cli(tmp_path, "oauth", "status", "--check", "--json", workspace=ws)
    statuses = json.loads(r.stdout)
    assert r.returncode == 1 and all(s["needs_reconnect"] and not s["refreshable"] for s in statuses)
    r = run_cli(tmp_path, "oauth", "status", workspace=ws)
    assert "reconnect needed" in r.stdout and "invalid_grant" in r.stdout

    token_path(ws).write_text(json.dumps(provider.token_file(sorted(UNION))), encoding="utf-8")
    r = run_cli(tmp_path, "oauth", "disconnect", "calendar", "--profile", "TEST", workspace=ws)
    assert r.returncode == 0, r.stderr
    assert "Disconnected google_calendar (profile TEST): token file deleted, revoked at Google" in r.stdout
    assert "google_drive (TEST), google_sheets (TEST) must be connected again" in r.stdout
    assert not token_path(ws).exists()
    r = run_cli(tmp_path, "oauth", "disconnect", "calendar", "--profile", "TEST", workspace=ws)
    assert r.returncode == 0 and "was not connected" in r.stdout
