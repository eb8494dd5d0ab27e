"""Workers die with their engine: the lifeline pipe, the parent-death signal, and stale-worker clean-up."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import psutil
import pytest

from flowdesk.core.engine.stale_workers import WorkerPidFile, kill_stale_workers, process_start_time
from tests.conftest import REPO

# A stand-in worker: holds its lifeline like the real one, starts a grandchild, prints both pids, hangs.
WORKER = textwrap.dedent("""
    import os, subprocess, sys, time
    from flowdesk.core.engine.worker_lifeline import hold_lifeline
    hold_lifeline(os.environ)
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    print(os.getpid(), child.pid, flush=True)
    time.sleep(600)
""")


def gone(pids: list[int], timeout: float = 10.0) -> bool:
    """True once none of the pids is a live (non-zombie) process."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        alive = []
        for pid in pids:
            try:
                if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                    alive.append(pid)
            except psutil.NoSuchProcess:
                pass
        if not alive:
            return True
        time.sleep(0.05)
    return False


def kill_all(pids: list[int]) -> None:
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


def test_closing_the_lifeline_kills_the_worker_and_its_children() -> None:
    read_fd, write_fd = os.pipe()
    env = {**os.environ, "FLOWDESK_LIFELINE_FD": str(read_fd), "PYTHONPATH": str(REPO)}
    env.pop("FLOWDESK_ENGINE_PID", None)
    proc = subprocess.Popen([sys.executable, "-c", WORKER], stdout=subprocess.PIPE, text=True, env=env,
                            pass_fds=(read_fd,), start_new_session=True)
    os.close(read_fd)
    pids = [int(p) for p in proc.stdout.readline().split()]
    try:
        time.sleep(0.2)
        assert not gone(pids, timeout=0.1)  # alive while the engine holds the lifeline
        os.close(write_fd)  # what the kernel does when the engine dies, kill -9 included
        assert gone(pids), "worker or its child outlived the lifeline"
    finally:
        kill_all(pids)
        proc.wait(5)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux only")
def test_the_parent_death_signal_alone_kills_the_worker_and_its_children() -> None:
    # An "engine" that passes no lifeline: only PR_SET_PDEATHSIG can tell the worker it died.
    engine = textwrap.dedent(f"""
        import os, subprocess, sys, time
        env = dict(os.environ, FLOWDESK_ENGINE_PID=str(os.getpid()))
        worker = subprocess.Popen([sys.executable, "-c", {WORKER!r}], env=env, start_new_session=True)
        time.sleep(600)
    """)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("FLOWDESK_LIFELINE_FD", None)
    proc = subprocess.Popen([sys.executable, "-c", engine], stdout=subprocess.PIPE, text=True, env=env)
    pids = [int(p) for p in proc.stdout.readline().split()]
    try:
        proc.kill()
        proc.wait(5)
        assert gone(pids), "worker or its child outlived its engine"
    finally:
        kill_all(pids)


def test_stale_workers_of_a_dead_engine_are_killed_and_only_they(tmp_path: Path) -> None:
    folder = tmp_path / "workers"
    folder.mkdir()
    # Processes whose command line looks like a worker's (the marker is an argument).
    stale = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)", "flowdesk.core.engine.worker"],
                             start_new_session=True)
    reused = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)", "flowdesk.core.engine.worker"],
                              start_new_session=True)
    stranger = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"], start_new_session=True)
    try:
        time.sleep(0.1)
        dead_engine = subprocess.Popen([sys.executable, "-c", "pass"])
        dead_engine.wait()
        (folder / f"{dead_engine.pid}.json").write_text(json.dumps({
            str(stale.pid): process_start_time(stale.pid),
            str(reused.pid): "1",  # same pid, another start time: a reused pid must never be killed
            str(stranger.pid): process_start_time(stranger.pid),  # not a worker's command line
        }))
        live = WorkerPidFile(folder)  # this (live) engine's own record is left alone
        live.add(reused.pid)
        assert kill_stale_workers(folder) == [stale.pid]
        assert stale.wait(5) == -signal.SIGKILL
        assert reused.poll() is None and stranger.poll() is None
        assert [p.name for p in folder.iterdir()] == [f"{os.getpid()}.json"]
        live.remove(reused.pid)
        assert not any(folder.iterdir())
    finally:
        for proc in (stale, reused, stranger):
            proc.kill()
            proc.wait(5)
