"""Emitting signals never brings True to zero references (PySide6 6.12's emit() drops one per call on CPython 3.11)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent("""
    import threading
    from flowdesk.gui.qt import QCoreApplication, QObject, Signal

    class Emitter(QObject):
        value = Signal(object)

    app = QCoreApplication([])
    emitter = Emitter()
    got = []
    emitter.value.connect(got.append)

    def burst():
        for n in range(100_000):
            emitter.value.emit(n)

    burst()
    worker = threading.Thread(target=burst)  # the core thread emits too
    worker.start()
    worker.join()
    while len(got) < 200_000:
        app.processEvents()
    print("ok", len(got))
""")


def test_two_hundred_thousand_emits_from_two_threads_do_not_abort() -> None:
    # A fresh interpreter: without the guard this aborts with "bool_dealloc" after a few thousand emits.
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120,
                          env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "ok 200000"
