"""The timer-lag probe catches the GUI thread blocking its own loop, and not the machine taking the CPU away."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from flowdesk.gui.qt import QTimer
from tests.gui.timer_lag_probe import TimerLagProbe

# Stops this process for 250 ms, as a loaded machine would by giving its CPU to others; always continues it.
FREEZE = """
import os, signal, sys, time
pid = int(sys.argv[1])
os.kill(pid, signal.SIGSTOP)
try:
    time.sleep(0.25)
finally:
    os.kill(pid, signal.SIGCONT)
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


def test_the_process_stopped_from_outside_is_preemption_not_blocking(qtbot) -> None:
    probe = TimerLagProbe()
    with probe.running():
        qtbot.wait(50)
        freezer = subprocess.Popen([sys.executable, "-c", FREEZE, str(os.getpid())])
        qtbot.waitUntil(lambda: freezer.poll() is not None, timeout=10000)
        qtbot.wait(50)
    assert freezer.returncode == 0
    assert probe.worst_wall.wall >= 0.200, probe.report()  # the wall clock saw a quarter-second stall...
    probe.assert_unblocked(0.100)  # ...in which the GUI thread did not run: it passes
