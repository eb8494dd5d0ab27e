"""Worker pid files per engine process, so a start can kill the workers a crashed engine left behind.

Workers already die with their engine (``worker_lifeline``); this is the last line of defence
for the cases those paths cannot cover (a lifeline thread starved, an OS without parent-death
signals). Each engine writes ``<folder>/<engine pid>.json``: its live workers' pids with their
process start times, so a pid reused by an unrelated process is never killed.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import sys
from pathlib import Path

from flowdesk.core.store.owner import pid_alive

log = logging.getLogger(__name__)
WORKER_MARKERS = (b"flowdesk.core.engine.worker", b"--flowdesk-worker")


def process_start_time(pid: int) -> str | None:
    """The kernel's start time of a process (Linux /proc; None elsewhere or when it is gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:
        return None
    # Field 22 (starttime) counted after the ")" that ends the command name, which may hold spaces.
    fields = stat.rsplit(b")", 1)[-1].split()
    return fields[19].decode() if len(fields) > 19 else None


def _is_our_worker(pid: int, started: str | None) -> bool:
    """Only a process we can prove is the same worker (same start time, worker command line) is killed."""
    if not sys.platform.startswith("linux") or started is None:
        return False
    if process_start_time(pid) != started:
        return False
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return any(marker in cmdline for marker in WORKER_MARKERS)


class WorkerPidFile:
    """This engine's record of its live workers (rewritten on every spawn and exit; both are rare)."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / f"{os.getpid()}.json"
        self._pids: dict[int, str | None] = {}

    def add(self, pid: int) -> None:
        """A worker was spawned."""
        self._pids[pid] = process_start_time(pid)
        self._write()

    def remove(self, pid: int) -> None:
        """A worker was reaped."""
        if self._pids.pop(pid, "absent") != "absent":
            self._write()

    def _write(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            if not self._pids:
                self.path.unlink(missing_ok=True)
                return
            tmp = self.path.with_suffix(".tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump({str(pid): started for pid, started in self._pids.items()}, fh)
            os.replace(tmp, self.path)
        except OSError as exc:  # the record is a safety net: failing to write it must not fail runs
            log.debug("could not write %s: %s", self.path, exc)


def kill_stale_workers(folder: Path) -> list[int]:
    """Kill the workers (and their process groups) recorded by engines that are no longer running."""
    killed: list[int] = []
    if not folder.is_dir():
        return killed
    for record in folder.glob("*.json"):
        try:
            owner = int(record.stem)
        except ValueError:
            continue
        if owner == os.getpid() or pid_alive(owner):
            continue
        try:
            workers = json.loads(record.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            workers = {}
        for raw_pid, started in (workers.items() if isinstance(workers, dict) else ()):
            pid = int(raw_pid) if str(raw_pid).isdigit() else 0
            if pid > 0 and _is_our_worker(pid, started):
                with contextlib.suppress(OSError):
                    os.killpg(pid, signal.SIGKILL)  # the worker leads its own group: its children too
                    killed.append(pid)
        record.unlink(missing_ok=True)
    if killed:
        log.warning("killed %d worker process(es) left by a FlowDesk that stopped abruptly: %s",
                    len(killed), ", ".join(map(str, killed)))
    return killed
