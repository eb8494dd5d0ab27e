"""The machinery of bench/cluster.py: embedded Valkey and PostgreSQL, serve and worker processes, run records.

Only processes started here are ever signalled, by their pid.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from flowdesk.core.cluster.demo_servers import DemoPostgres, DemoValkey
from serve_process import REPO, ServerProcess


def clean_env(data_dir: Path, token: str) -> dict[str, str]:
    """The environment of a FlowDesk process of the bench (no FLOWDESK_* of the caller)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLOWDESK_")}
    env.update(FLOWDESK_DATA_DIR=str(data_dir), FLOWDESK_API_TOKEN=token, PYTHONUNBUFFERED="1")
    return env


class ClusterServers:
    """An embedded Valkey and an embedded PostgreSQL (the demo's, default settings: fsync on)."""

    def __init__(self, folder: Path) -> None:
        self.valkey = DemoValkey(folder / "valkey")
        self.postgres = DemoPostgres(folder / "postgres")
        self.broker = self.valkey.start()
        self.database_root = self.postgres.start()
        self._n = 0

    def fresh_database(self) -> str:
        """A new empty database for one row (so rows do not read each other's history)."""
        import psycopg

        self._n += 1
        name = f"bench_{os.getpid()}_{self._n}"
        with psycopg.connect(self.database_root, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.database_root.replace("/flowdesk?", f"/{name}?")

    def flush_broker(self) -> None:
        """Empty the broker between rows."""
        import redis

        redis.Redis.from_url(self.broker).flushall()

    def stop(self) -> None:
        """Stop both servers."""
        self.postgres.stop()
        self.valkey.stop()


def cluster_serve(workspace: Path, data_dir: Path, token: str, broker: str, database: str,
                  log_path: Path) -> ServerProcess:
    """``flowdesk serve --broker --database`` (its first line names its URL)."""
    argv = [sys.executable, "-m", "flowdesk", "serve", "--port", "0", "--no-watch", "--workspace", str(workspace),
            "--broker", broker, "--database", database]
    return ServerProcess(argv, clean_env(data_dir, token), log_path)


class WorkerProcess:
    """One ``flowdesk worker`` subprocess, started and waited for until it consumes."""

    def __init__(self, workspace: Path, data_dir: Path, token: str, broker: str, database: str, name: str,
                 concurrency: int, log_path: Path) -> None:
        argv = [sys.executable, "-m", "flowdesk", "worker", "--workspace", str(workspace), "--broker", broker,
                "--database", database, "--concurrency", str(concurrency), "--name", name]
        self._log = log_path.open("w", encoding="utf-8")
        self.proc = subprocess.Popen(argv, env=clean_env(data_dir, token), cwd=str(REPO), stdout=subprocess.PIPE,
                                     stderr=self._log, stdin=subprocess.DEVNULL, text=True)
        self.ready = threading.Event()
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if "ready:" in line:
                self.ready.set()
        self.ready.set()

    def wait_ready(self, timeout: float = 120.0) -> None:
        """Block until it consumes (RuntimeError if it died)."""
        if not self.ready.wait(timeout) or self.proc.poll() is not None:
            raise RuntimeError(f"worker did not start; see {self._log.name}")

    def stop(self) -> None:
        """SIGTERM and wait (SIGKILL after 30 s)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self._log.close()


def pg_runs(database: str) -> dict[str, tuple[Any, ...]]:
    """run id -> (status, queued_at, started_at, finished_at, worker) in microseconds, from PostgreSQL."""
    with PgRuns(database) as read:
        return read()


class PgRuns:
    """A cluster database's runs, read over one kept connection: polling while the workers drain must not
    cost PostgreSQL a new backend (a fork) and a read of every run four times a second."""

    def __init__(self, database: str) -> None:
        self.database = database
        self._conn: Any = None

    def _connection(self) -> Any:
        import psycopg

        if self._conn is None or self._conn.closed:
            self._conn = psycopg.connect(self.database, autocommit=True)
        return self._conn

    def __call__(self) -> dict[str, tuple[Any, ...]]:
        """Every run, as pg_runs."""
        rows = self._connection().execute(
            "SELECT id, status, queued_at, started_at, finished_at, worker FROM run").fetchall()
        return {r[0]: tuple(r[1:]) for r in rows}

    def ended(self) -> int:
        """How many runs have ended (what wait_done polls)."""
        return int(self._connection().execute(
            "SELECT COUNT(*) FROM run WHERE status NOT IN ('queued', 'running')").fetchone()[0])

    def close(self) -> None:
        """Close the connection."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __enter__(self) -> PgRuns:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def sqlite_runs(data_dir: Path) -> dict[str, tuple[Any, ...]]:
    """The same from a single-machine serve's SQLite file."""
    import sqlite3

    with sqlite3.connect(data_dir / "flowdesk.sqlite3") as db:
        rows = db.execute("SELECT id, status, queued_at, started_at, finished_at, NULL FROM run").fetchall()
    return {r[0]: tuple(r[1:]) for r in rows}


def wait_done(read: Any, expected: int, timeout: float) -> dict[str, tuple[Any, ...]]:
    """Poll the records (every 0.25 s) until ``expected`` runs have ended; returns them. A reader with an
    ``ended()`` count (PgRuns) is polled with it, and read whole once at the end."""
    deadline = time.monotonic() + timeout
    count = getattr(read, "ended", None)
    while True:
        if count is not None:
            if count() >= expected:
                return read()
        else:
            runs = read()
            if sum(1 for r in runs.values() if r[0] not in ("queued", "running")) >= expected:
                return runs
        if time.monotonic() > deadline:
            ended = count() if count is not None else sum(1 for r in read().values() if r[0] not in ("queued", "running"))
            raise RuntimeError(f"only {ended} of {expected} runs ended")
        time.sleep(0.25)
