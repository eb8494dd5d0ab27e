"""Void Qt calls never exhaust None's reference count (PySide6 6.12 on CPython 3.11 drops one per call)."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO

SCRIPT = """
import flowdesk.gui.qt as qt
o = qt.QObject()
for _ in range(200_000):
    o.setObjectName("x")  # a void method
print("alive")
"""


def test_two_hundred_thousand_void_calls_do_not_abort_the_interpreter() -> None:
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert result.returncode == 0 and result.stdout.strip() == "alive", result.stderr[-2000:]
