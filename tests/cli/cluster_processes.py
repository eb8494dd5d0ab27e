"""Real cluster processes for tests: ``flowdesk serve --broker`` and ``flowdesk worker`` subprocesses, and their store."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests

from tests.conftest import REPO

TOKEN = "cluster-test-token-0123456789abcdef"
# Short intervals so failures are noticed within a test's patience (the product defaults are seconds).
FAST = {
    "FLOWDESK_CLUSTER_HEARTBEAT": "0.5",
    "FLOWDESK_CLUSTER_DEAD_AFTER": "3",
    "FLOWDESK_CLUSTER_SWEEP": "0.5",
    "FLOWDESK_CLUSTER_PUBLISH_GRACE": "1",
    "FLOWDESK_CLUSTER_LEADER_RETRY": "0.5",
    "FLOWDESK_CLUSTER_BROKER_TIMEOUT": "1",
}


class ClusterStore:
    """The cluster's store as the tests read it: a PostgreSQL URL, or a SQLite file when ``url`` is None."""

    def __init__(self, url: str | None, sqlite_file: Path) -> None:
        self.url = url
        self.sqlite_file = sqlite_file

    def args(self) -> list[str]:
        """``--database URL`` for PostgreSQL (SQLite: the shared data dir's file, nothing to pass)."""
        return ["--database", self.url] if self.url else []

    def rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """Rows of a query (``?`` placeholders)."""
        if self.url:
            import psycopg

            with psycopg.connect(self.url, autocommit=True) as conn:
                return list(conn.execute(sql.replace("?", "%s"), params).fetchall())
        with sqlite3.connect(self.sqlite_file, timeout=30) as db:
            return db.execute(sql, params).fetchall()

    def count(self, where: str = "1=1") -> int:
        """Runs matching a condition."""
        return int(self.rows(f"SELECT COUNT(*) FROM run WHERE {where}")[0][0])

    def wait(self, predicate: Callable[[], bool], timeout: float, what: str) -> None:
        """Poll (every 0.2 s) until ``predicate`` holds; fail after ``timeout`` seconds naming ``what``."""
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}")
            time.sleep(0.2)


class _Process:
    """A flowdesk subprocess whose stdout/stderr are drained into memory (so pipes never fill)."""

    def __init__(self, cmd: list[str], env: dict[str, str], ready: str, wait: bool = True) -> None:
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                                     cwd=REPO)
        self.out: list[str] = []
        self.err: list[str] = []
        self._ready = threading.Event()
        self._marker = ready
        self._what = cmd[3]
        threading.Thread(target=self._drain, args=(self.proc.stdout, self.out), daemon=True).start()
        threading.Thread(target=self._drain, args=(self.proc.stderr, self.err), daemon=True).start()
        if wait:
            self.wait_ready()

    def wait_ready(self, timeout: float = 60) -> None:
        """Wait for its ready line (fail with what it printed)."""
        if not self._ready.wait(timeout):
            self.proc.kill()
            raise AssertionError(f"{self._what} did not start: {self.log()}")

    def _drain(self, stream: Any, into: list[str]) -> None:
        for line in stream:
            into.append(line)
            if self._marker in line:
                self._ready.set()

    @property
    def pid(self) -> int:
        return self.proc.pid

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30) -> int:
        """Send ``sig`` and wait for the exit code (SIGKILL if it does not exit in time)."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait(10)

    def log(self) -> str:
        """Everything it printed so far."""
        return "".join(self.out) + "".join(self.err)


def _env(data_dir: Path, extra: dict[str, str] | None) -> dict[str, str]:
    env = {**os.environ, "FLOWDESK_API_TOKEN": TOKEN, "FLOWDESK_DATA_DIR": str(data_dir), **FAST, **(extra or {})}
    env.pop("FLOWDESK_WORKSPACE", None)
    return env


class ClusterServe(_Process):
    """``flowdesk serve --port 0 --broker URL`` and its base URL."""

    def __init__(self, workspace: Path, data_dir: Path, broker: str, store: ClusterStore, *extra: str,
                 env: dict[str, str] | None = None) -> None:
        super().__init__([sys.executable, "-m", "flowdesk", "serve", "--port", "0", "--workspace", str(workspace),
                          "--broker", broker, *store.args(), *extra], _env(data_dir, env), "Cluster mode:")
        first = next(line for line in self.out if "listening on" in line)
        self.url = first.split("listening on ", 1)[1].split()[0]

    def api(self, method: str, path: str, **kw: Any) -> requests.Response:
        """A request with the API token."""
        return requests.request(method, self.url + path, headers={"Authorization": f"Bearer {TOKEN}"},
                                timeout=kw.pop("timeout", 30), **kw)


class Worker(_Process):
    """``flowdesk worker`` on a workspace, ready once it consumes."""

    def __init__(self, workspace: Path, data_dir: Path, broker: str, store: ClusterStore, name: str,
                 concurrency: int = 2, env: dict[str, str] | None = None, wait: bool = True) -> None:
        self.name = name
        super().__init__([sys.executable, "-m", "flowdesk", "worker", "--workspace", str(workspace), "--broker", broker,
                          *store.args(), "--concurrency", str(concurrency), "--name", name, "--grace", "2"],
                         _env(data_dir, env), "ready:", wait)
