"""Emitting signals never eats references to True (PySide6 6.12's emit() did: the app aborted after a few thousand)."""

from __future__ import annotations

import sys
import threading

from flowdesk.gui.qt import QObject, Signal


class Emitter(QObject):
    """A signal with a receiver, like the core bridge's."""

    value = Signal(object)


def test_twenty_thousand_emits_from_two_threads_leave_true_alone(qtbot) -> None:
    emitter = Emitter()
    received: list[object] = []
    emitter.value.connect(received.append)
    before = sys.getrefcount(True)

    def burst() -> None:
        for n in range(10_000):
            emitter.value.emit(n)

    burst()
    worker = threading.Thread(target=burst)  # the core thread emits too
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: len(received) == 20_000, timeout=10_000)
    assert abs(sys.getrefcount(True) - before) < 100  # without the guard: -20,000, then an abort
