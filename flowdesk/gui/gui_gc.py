"""Python's cyclic garbage collector runs on the GUI thread only: Qt objects in reference cycles die where they live.

The collector runs on whichever thread happens to allocate when a threshold is crossed. Once the core thread
exists, that can be the core thread, and a collected cycle holding a widget (a view and a lambda connected
to one of its signals) then deletes the widget off the GUI thread: a segfault, seen as "Garbage-collecting"
on the flowdesk-core thread. So once a second thread starts, automatic collection is switched off and a
timer on the GUI thread collects instead (young generations every 5 s, everything every 10 minutes: the
window hidden in the tray must stay near 0 % CPU).
"""

from __future__ import annotations

import gc

from flowdesk.gui.qt import QCoreApplication, QTimer

YOUNG_MS = 5000
FULL_EVERY = 120  # ticks

_timer: list[QTimer] = []


def collect_on_gui_thread() -> bool:
    """Move cyclic garbage collection to a GUI-thread timer (idempotent); False without a Qt application."""
    app = QCoreApplication.instance()
    if app is None:
        return False
    if _timer and _timer[0].parent() is app:
        return True
    gc.disable()  # core code that pauses collection re-enables it only if it was enabled
    timer = QTimer(app)
    timer.setInterval(YOUNG_MS)
    ticks = [0]

    def tick() -> None:
        ticks[0] += 1
        gc.collect(2 if ticks[0] % FULL_EVERY == 0 else 1)

    timer.timeout.connect(tick)
    timer.start()
    _timer[:] = [timer]
    return True
