"""A real ``flowdesk serve`` keeps its data dir private: what it creates is 0600/0700, loose modes get fixed."""

from __future__ import annotations

import os
import signal
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from flowdesk.core.store import RunStore
from tests.conftest import FIXTURES, REPO, copy_workspace

pytestmark = pytest.mark.skipif(os.name != "posix", reason="mode bits are POSIX-only (Windows uses ACLs)")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


class Serve:
    """``flowdesk serve --port 0`` under a lax umask and without FLOWDESK_API_TOKEN (so it writes its token file)."""

    def __init__(self, workspace: Path, data_dir: Path) -> None:
        env = {k: v for k, v in os.environ.items() if k not in ("FLOWDESK_API_TOKEN", "FLOWDESK_WORKSPACE")}
        env["FLOWDESK_DATA_DIR"] = str(data_dir)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "flowdesk", "serve", "--port", "0", "--no-watch", "--workspace", str(workspace)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=REPO, umask=0o022)
        line = self.proc.stdout.readline()
        if "listening on" not in line:
            self.proc.kill()
            raise AssertionError(f"no banner: {line!r} {self.proc.stderr.read()}")

    def stop(self) -> str:
        """SIGTERM, wait, and return what it wrote on stderr."""
        self.proc.send_signal(signal.SIGTERM)
        try:
            _, err = self.proc.communicate(timeout=30)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
        return err


@pytest.fixture()
def ws(tmp_path: Path) -> Path:
    return copy_workspace(FIXTURES / "listener_workspace", tmp_path / "ws")


@pytest.fixture()
def started() -> Iterator[list[Serve]]:
    procs: list[Serve] = []
    yield procs
    for s in procs:
        if s.proc.poll() is None:
            s.proc.kill()
            s.proc.wait(10)


def test_everything_serve_creates_is_owner_only(ws: Path, tmp_path: Path, started: list[Serve]) -> None:
    data = tmp_path / "new" / "data"  # does not exist yet: serve makes it
    serve = Serve(ws, data)
    started.append(serve)
    try:
        assert mode(data) == 0o700 and mode(data / "logs") == 0o700
        for name in ("flowdesk.sqlite3", "flowdesk.sqlite3-wal", "flowdesk.sqlite3-shm", "api_token",
                     "logs/flowdesk.log"):
            assert (data / name).exists(), name
            assert mode(data / name) == 0o600, name
        # Every file the running service made, whatever its name, is closed to group and others.
        for path in data.rglob("*"):
            assert not mode(path) & 0o077, path
    finally:
        err = serve.stop()
    assert serve.proc.returncode == 0, err
    assert "made the data dir" not in err  # nothing was loose: nothing to say


def test_serve_tightens_a_loose_data_dir_and_says_so(ws: Path, tmp_path: Path, started: list[Serve]) -> None:
    data = tmp_path / "data"
    old = os.umask(0o022)  # what an earlier FlowDesk (or a copy with cp -r) left behind
    try:
        data.mkdir()
        RunStore(data / "flowdesk.sqlite3").close()
        (data / "logs").mkdir()
        (data / "logs" / "flowdesk.log").write_text("old line\n", encoding="utf-8")
    finally:
        os.umask(old)
    os.chmod(data, 0o755)
    os.chmod(data / "logs", 0o755)
    for name in ("flowdesk.sqlite3", "logs/flowdesk.log"):
        os.chmod(data / name, 0o644)
    serve = Serve(ws, data)
    started.append(serve)
    try:
        assert mode(data) == 0o700 and mode(data / "logs") == 0o700
        assert mode(data / "flowdesk.sqlite3") == 0o600 and mode(data / "logs" / "flowdesk.log") == 0o600
        assert mode(data / "flowdesk.sqlite3-wal") == 0o600
    finally:
        err = serve.stop()
    logged = (data / "logs" / "flowdesk.log").read_text(encoding="utf-8")
    lines = [line for line in logged.splitlines() if "made the data dir" in line]
    assert len(lines) == 1, logged
    for change in ("data dir 0755->0700", "flowdesk.sqlite3 0644->0600", "logs/ 0755->0700",
                   "logs/flowdesk.log 0644->0600"):
        assert change in lines[0], lines[0]
    assert lines[0].split(": ", 1)[1] in err  # the same line on stderr
    with sqlite3.connect(data / "flowdesk.sqlite3") as conn:  # still a working database
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
