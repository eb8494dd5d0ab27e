"""The timer-lag probe catches the GUI thread blocking its own loop (running, sleeping, or waiting for the GIL),
and not the machine taking the CPU away."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time

import pytest

from flowdesk.gui.qt import QTimer
from tests.gui.timer_lag_probe import TimerLagProbe

# Takes CPU 0 away from everything else for 250 ms, as a loaded machine does: a real-time busy loop pinned there.
HOG = """
import os, time
os.sched_setaffinity(0, {0})
os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(1))
end = time.monotonic() + 0.25
while time.monotonic() < end:
    pass
"""


def busy(seconds: float) -> None:
    """Keep the GUI thread running for ``seconds`` of its own CPU time (however loaded the machine is)."""
    start = time.thread_time()
    while time.thread_time() - start < seconds:
        pass


def test_a_150_ms_busy_loop_on_the_gui_thread_fails_the_probe(qtbot) -> None:
    probe = TimerLagProbe()
    with probe.running():
        qtbot.wait(50)
        QTimer.singleShot(0, lambda: busy(0.150))
        qtbot.wait(300)
    assert probe.worst_cpu.cpu >= 0.150 and probe.worst_wall.wall >= 0.130
    with pytest.raises(AssertionError, match="the GUI thread was busy 1[5-9][0-9] ms"):
        probe.assert_unblocked(0.100)


def test_short_handlers_pass(qtbot) -> None:
    probe = TimerLagProbe()
    with probe.running():
        for _ in range(10):
            QTimer.singleShot(0, lambda: busy(0.005))
            qtbot.wait(20)
    assert len(probe.gaps) >= 10 and probe.worst_cpu.cpu < 0.100
    probe.assert_unblocked(0.100)


def test_a_150_ms_sleep_on_the_gui_thread_fails_the_probe(qtbot) -> None:
    probe = TimerLagProbe()
    with probe.running():
        qtbot.wait(50)
        QTimer.singleShot(0, lambda: time.sleep(0.150))
        qtbot.wait(300)
    assert probe.worst_cpu.cpu < 0.100  # asleep, not running: a CPU-time probe alone would miss it
    with pytest.raises(AssertionError, match="the GUI thread was busy 1[3-9][0-9] ms"):
        probe.assert_unblocked(0.100)


def _gil_holding_parse() -> str:
    """A JSON text whose parsing (one C call, the GIL held throughout) takes at least 200 ms on this machine."""
    items = 50_000
    while True:
        text = json.dumps([{"n": i, "s": "x" * 20} for i in range(items)])
        start = time.thread_time()
        json.loads(text)
        if time.thread_time() - start >= 0.200:
            return text
        items *= 2


def test_a_worker_thread_holding_the_gil_fails_the_probe(qtbot) -> None:
    text = _gil_holding_parse()
    worker = threading.Thread(target=json.loads, args=(text,))
    probe = TimerLagProbe()
    with probe.running():
        qtbot.wait(50)
        worker.start()
        qtbot.waitUntil(lambda: not worker.is_alive(), timeout=10000)
        qtbot.wait(50)
    with pytest.raises(AssertionError, match="the GUI thread was busy"):
        probe.assert_unblocked(0.100)


def test_the_cpu_taken_away_by_another_process_is_preemption_not_blocking(qtbot) -> None:
    own_cpus = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {0})  # this (GUI) thread on the CPU the hog takes
    try:
        probe = TimerLagProbe()
        with probe.running():
            qtbot.wait(50)
            hog = subprocess.Popen([sys.executable, "-c", HOG])
            qtbot.waitUntil(lambda: hog.poll() is not None, timeout=10000)
            qtbot.wait(50)
    finally:
        os.sched_setaffinity(0, own_cpus)
    assert hog.returncode == 0
    assert probe.worst_wall.wall >= 0.150, probe.report()  # the wall clock saw the stall...
    assert probe.worst_wall.queued is not None and probe.worst_wall.queued >= 0.150  # ...spent waiting for a CPU
    probe.assert_unblocked(0.100)  # the GUI thread was not blocked: it passes
