"""``flowdesk cluster demo``: a whole cluster on one machine, started and stopped together.

An embedded Valkey and an embedded PostgreSQL, then ``flowdesk serve --broker --database`` and N
``flowdesk worker`` processes on the workspace; the URLs are printed; Ctrl+C (or SIGTERM) stops
the workers, then serve, then the servers. If any process dies, the demo stops the rest and says so.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from collections.abc import Callable
from typing import TextIO

from flowdesk.core.cluster.demo_servers import DemoPostgres, DemoValkey
from flowdesk.core.store.database_url import redact
from flowdesk.core.translatable import translatable


@dataclass
class DemoOptions:
    """What the demo runs."""

    workspace: Path
    folder: Path  # servers' data, serve's and workers' data dirs
    workers: int = 3
    concurrency: int = 2
    port: int = 8000


def _flowdesk() -> list[str]:
    """How to start a flowdesk command from here (the frozen app is its own interpreter)."""
    return [sys.executable] if getattr(sys, "frozen", False) else [sys.executable, "-m", "flowdesk"]


class ClusterDemo:
    """Starts everything, relays serve's first lines, waits for a signal or a death, stops everything."""

    def __init__(self, options: DemoOptions, out: TextIO = sys.stdout, localize: Callable[[str], str] = str) -> None:
        self.options = options
        self.out = out
        self.localize = localize  # the CLI's translation of the demo's own lines (English: as written)
        self.valkey = DemoValkey(options.folder / "valkey")
        self.postgres = DemoPostgres(options.folder / "postgres")
        self.processes: list[tuple[str, subprocess.Popen[str]]] = []
        self._stop = threading.Event()

    def _say(self, text: str) -> None:
        print(self.localize(text), file=self.out, flush=True)

    def _spawn(self, label: str, args: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
        proc = subprocess.Popen([*_flowdesk(), *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                text=True)
        self.processes.append((label, proc))
        return proc

    def _relay(self, label: str, proc: subprocess.Popen[str], ready: threading.Event, marker: str) -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            # Start-up lines (banner, ready) and later warnings and errors; not every run's log line.
            if not ready.is_set() or "WARNING" in line or "ERROR" in line:
                self._say(f"[{label}] {line.rstrip()}")
            if marker in line:
                ready.set()
        ready.set()

    def run(self) -> int:
        """Run the demo until Ctrl+C or a death; returns the exit code."""
        o = self.options
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: self._stop.set())
        try:
            broker = self.valkey.start()
            self._say(translatable("ClusterDemo", "broker    {url}  (embedded Valkey, data in {folder})", url=broker,
                                   folder=str(o.folder / "valkey")))
            database = self.postgres.start()
            self._say(translatable("ClusterDemo", "database  {url}  (embedded PostgreSQL, data in {folder})", url=redact(database),
                                   folder=str(self.postgres.pgdata)))
            # LANGUAGE=en: the ready lines of serve and the workers are recognised by their English words below.
            env = {**os.environ, "FLOWDESK_BROKER_URL": broker, "FLOWDESK_DATABASE_URL": database, "LANGUAGE": "en"}
            common = ["--workspace", str(o.workspace), "--broker", broker, "--database", database]
            readies = []
            serve = self._spawn("serve", ["serve", "--port", str(o.port), "--data-dir", str(o.folder / "serve"),
                                          *common], env)
            readies.append(self._watch("serve", serve, "Cluster mode:"))
            for i in range(1, o.workers + 1):
                worker = self._spawn(f"worker-{i}", [
                    "worker", "--data-dir", str(o.folder / f"worker-{i}"), "--name", f"demo-worker-{i}",
                    "--concurrency", str(o.concurrency), *common], env)
                readies.append(self._watch(f"worker-{i}", worker, "ready:"))
            for ready in readies:
                while not ready.wait(0.2):
                    if self._stop.is_set() or self._dead():
                        return self._finish(1)
            self._say(translatable("ClusterDemo", "\nFlowDesk cluster demo: serve and {workers} worker(s) on {workspace}",
                                   workers=o.workers, workspace=str(o.workspace)))
            self._say(translatable("ClusterDemo", "  status:  flowdesk cluster status --broker {broker} --database '{database}'",
                                   broker=broker, database=database))
            self._say(translatable("ClusterDemo", "  Flower:  celery --broker {broker} flower   (pip install flower; then "
                                   "http://127.0.0.1:5555)", broker=broker))
            self._say(translatable("ClusterDemo", "Ctrl+C stops everything."))
            while not self._stop.wait(0.5):
                if self._dead():
                    return self._finish(1)
            return self._finish(0)
        except BaseException:
            self._finish(1)
            raise

    def _watch(self, label: str, proc: subprocess.Popen[str], marker: str) -> threading.Event:
        ready = threading.Event()
        threading.Thread(target=self._relay, args=(label, proc, ready, marker), daemon=True).start()
        return ready

    def _dead(self) -> bool:
        dead = [(label, proc.returncode) for label, proc in self.processes if proc.poll() is not None]
        for label, code in dead:
            self._say(translatable("ClusterDemo", "{label} exited ({code}): stopping the demo", label=label, code=code))
        return bool(dead)

    def _finish(self, code: int) -> int:
        """Workers first (they finish their runs), then serve, then the servers."""
        self._say(translatable("ClusterDemo", "stopping the demo…"))
        for label, proc in sorted(self.processes, key=lambda p: p[0] == "serve"):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 30
        for _, proc in self.processes:
            try:
                proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
        self.postgres.stop()
        self.valkey.stop()
        self._say(translatable("ClusterDemo", "stopped"))
        return code
