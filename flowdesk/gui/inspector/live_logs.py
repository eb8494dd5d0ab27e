"""The log chunks of running runs, gathered from ``bridge.run_event`` so an inspector opened mid-run shows them all."""

from __future__ import annotations

from flowdesk.core.engine import RunEvent
from flowdesk.gui.core_bridge import CoreBridge
from flowdesk.gui.qt import QObject, Signal

LIVE_LOG_LIMIT = 1_000_000  # characters kept per running run; the store has the full (capped) log at the end


class LiveLogs(QObject):
    """Collects the log chunks of running runs; one instance can feed several inspectors.

    ``finished`` is emitted only once the run's final record is in the store: the engine announces the
    end before the run service records it, so the announcement is bounced through the core loop first.
    """

    appended = Signal(str, str)  # run id, text
    started = Signal(str)
    finished = Signal(str)

    def __init__(self, bridge: CoreBridge, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self._chunks: dict[str, list[str]] = {}
        self._sizes: dict[str, int] = {}
        bridge.run_event.connect(self._on_event)

    def text(self, run_id: str) -> str:
        """What the run printed so far (since this object exists)."""
        return "".join(self._chunks.get(run_id, []))

    def _on_event(self, event: RunEvent) -> None:
        if event.kind == "log":
            text = str(event.payload or "")
            size = self._sizes.get(event.run_id, 0)
            if size < LIVE_LOG_LIMIT:
                self._chunks.setdefault(event.run_id, []).append(text[: LIVE_LOG_LIMIT - size])
                self._sizes[event.run_id] = size + len(text)
            self.appended.emit(event.run_id, text)
        elif event.kind == "started":
            self.started.emit(event.run_id)
        elif event.kind == "finished":
            run_id = event.run_id
            self.bridge.submit(lambda _rt: None, lambda _: self._finished(run_id),
                               lambda _: self._finished(run_id))

    def _finished(self, run_id: str) -> None:
        self._chunks.pop(run_id, None)
        self._sizes.pop(run_id, None)
        self.finished.emit(run_id)
