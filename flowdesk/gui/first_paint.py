"""Work that the first paint does not need waits for it: a callback run once a window has first been painted."""

from __future__ import annotations

from collections.abc import Callable

from flowdesk.gui.qt import QEvent, QObject, QTimer, QWidget

FALLBACK_MS = 2000  # a window shown minimised, or on another desktop, may not be painted for a long while


class AfterFirstPaint(QObject):
    """Runs ``callback`` once, on the event loop's next turn after ``window``'s first Paint event (the window
    and its children are on screen by then), or after ``fallback_ms`` if no paint has come."""

    def __init__(self, window: QWidget, callback: Callable[[], object], fallback_ms: int = FALLBACK_MS) -> None:
        super().__init__(window)
        self.window = window
        self.callback = callback
        self.painted = False
        self.fired = False
        self._fallback = QTimer(self)
        self._fallback.setSingleShot(True)
        self._fallback.timeout.connect(self._fire)
        self._fallback.start(fallback_ms)
        window.installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        """The first Paint of the window: run the callback once this paint is done."""
        if obj is self.window and not self.painted and event.type() == QEvent.Type.Paint:
            self.painted = True
            QTimer.singleShot(0, self._fire)
        return False

    def _fire(self) -> None:
        if self.fired:
            return
        self.fired = True
        self._fallback.stop()
        self.window.removeEventFilter(self)
        self.callback()


def after_first_paint(window: QWidget, callback: Callable[[], object], fallback_ms: int = FALLBACK_MS) -> AfterFirstPaint:
    """Call ``callback`` right after ``window`` is first painted (kept alive by the window)."""
    return AfterFirstPaint(window, callback, fallback_ms)


__all__ = ["AfterFirstPaint", "after_first_paint", "FALLBACK_MS"]
