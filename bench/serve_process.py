"""Server subprocesses for bench/serve.py (``flowdesk serve`` and the bare aiohttp ceiling) and their CPU / RSS.

Only processes started here are ever signalled: the server by its pid, and at worst the worker
processes it spawned (found as its children, by pid) if it did not stop on SIGTERM.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO

import psutil

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
URL_RE = re.compile(r"http://127\.0\.0\.1:\d+")


class ServerProcess:
    """A subprocess whose first stdout line names the URL it listens on."""

    def __init__(self, argv: list[str], env: dict[str, str], log_path: Path) -> None:
        self.argv = argv
        self.env = env
        self.log_path = log_path
        self.proc: subprocess.Popen[str] | None = None
        self.url = ""
        self.lines: list[str] = []
        self._log: IO[str] | None = None

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def start(self, timeout: float = 120.0) -> str:
        """Start and wait for the URL line (stderr goes to ``log_path``); returns the base URL."""
        self._log = self.log_path.open("w", encoding="utf-8")
        self.proc = subprocess.Popen(self.argv, env=self.env, cwd=str(REPO), stdout=subprocess.PIPE,
                                     stderr=self._log, stdin=subprocess.DEVNULL, text=True)
        first = threading.Event()

        def drain() -> None:
            assert self.proc is not None and self.proc.stdout is not None
            for line in self.proc.stdout:
                self.lines.append(line.rstrip("\n"))
                first.set()
            first.set()

        threading.Thread(target=drain, daemon=True).start()
        if not first.wait(timeout) or not self.lines:
            self.stop()
            raise RuntimeError(f"{self.argv[2:4]} printed nothing in {timeout:.0f} s; see {self.log_path}")
        match = URL_RE.search(self.lines[0])
        if match is None:
            self.stop()
            raise RuntimeError(f"unexpected first line {self.lines[0]!r}; see {self.log_path}")
        self.url = match.group(0)
        return self.url

    def stop(self, timeout: float = 30.0) -> int | None:
        """SIGTERM, wait; if it hangs, SIGKILL it and the children it left (by pid)."""
        if self.proc is None:
            return None
        children: list[psutil.Process] = []
        if self.proc.poll() is None:
            try:
                children = psutil.Process(self.proc.pid).children(recursive=True)
            except psutil.NoSuchProcess:
                pass
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        for child in children:  # workers run in their own session: make sure none outlives the bench
            try:
                child.wait(5)
            except psutil.TimeoutExpired:
                child.kill()
            except psutil.NoSuchProcess:
                pass
        if self._log is not None:
            self._log.close()
        return self.proc.returncode

    def __enter__(self) -> ServerProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def flowdesk_serve(workspace: Path, data_dir: Path, token: str, log_path: Path) -> ServerProcess:
    """``python -m flowdesk serve --port 0 --no-watch`` on a workspace, with its own data dir and API token."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLOWDESK_")}
    env.update(FLOWDESK_DATA_DIR=str(data_dir), FLOWDESK_API_TOKEN=token, PYTHONUNBUFFERED="1")
    argv = [sys.executable, "-m", "flowdesk", "serve", "--port", "0", "--no-watch", "--workspace", str(workspace)]
    return ServerProcess(argv, env, log_path)


def ceiling_server(log_path: Path) -> ServerProcess:
    """The bare aiohttp server of bench/ceiling_server.py."""
    argv = [sys.executable, str(BENCH_DIR / "ceiling_server.py"), "0"]
    return ServerProcess(argv, dict(os.environ), log_path)


class ProcessTreeUsage:
    """CPU seconds used by a process and its (recursive) children over a window, sampled as often as asked.

    A child born during the window counts from zero; one that exits between two samples loses
    only what it used since the last sample (sample often when workers are recycled).
    """

    def __init__(self, pid: int) -> None:
        self.root = psutil.Process(pid)
        self._procs: dict[int, psutil.Process] = {pid: self.root}
        self.start: dict[int, float] = {}
        self.last: dict[int, float] = {}

    def _cpu(self) -> dict[int, float]:
        out: dict[int, float] = {}
        try:
            procs = [self.root, *self.root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return out
        for p in procs:
            proc = self._procs.setdefault(p.pid, p)  # keep one Process object per pid (cheaper, cached)
            try:
                t = proc.cpu_times()
                out[p.pid] = t.user + t.system
            except psutil.NoSuchProcess:
                continue
        return out

    def begin(self) -> None:
        """Start a window now."""
        self.start = self._cpu()
        self.last = dict(self.start)

    def sample(self) -> None:
        """Take a reading (call at the end of the window, and in between if children come and go)."""
        self.last.update(self._cpu())

    def cpu_seconds(self) -> tuple[float, float]:
        """(main process, main + children) CPU seconds since ``begin``."""
        main = self.last.get(self.root.pid, 0.0) - self.start.get(self.root.pid, 0.0)
        total = sum(v - self.start.get(pid, 0.0) for pid, v in self.last.items())
        return main, total

    def rss(self) -> tuple[int, int, int]:
        """(main RSS, main + children RSS, number of children) in bytes, now."""
        main = self.root.memory_info().rss
        total, children = main, 0
        for child in self.root.children(recursive=True):
            try:
                total += child.memory_info().rss
                children += 1
            except psutil.NoSuchProcess:
                continue
        return main, total, children

    def pss(self) -> tuple[int, int]:
        """(main PSS, main + children PSS) in bytes, now (reads smaps: call rarely)."""
        main = self.root.memory_full_info().pss
        total = main
        for child in self.root.children(recursive=True):
            try:
                total += child.memory_full_info().pss
            except psutil.NoSuchProcess:
                continue
        return main, total
