"""The run inspector in a window of its own, reused: notifications, the palette and the runs list open runs here."""

from __future__ import annotations

from flowdesk.gui.core_bridge import CoreBridge
from flowdesk.gui.inspector.run_inspector import RunInspector
from flowdesk.gui.inspector.run_loading import LoadedRun
from flowdesk.gui.qt import QMainWindow, Qt, QWidget, Signal


class InspectorWindow(QMainWindow):
    """One inspector; ``open_run`` shows a run and brings the window forward."""

    workflow_requested = Signal(str)

    def __init__(self, bridge: CoreBridge, parent: QWidget | None = None, editor_command: str | None = None) -> None:
        super().__init__(parent)
        self.setWindowFlag(Qt.WindowType.Window, True)
        self.setObjectName("runInspectorWindow")
        self.inspector = RunInspector(bridge, self, editor_command=editor_command)
        self.inspector.workflow_requested.connect(self.workflow_requested)
        self.inspector.loaded.connect(self._retitle)
        self.setCentralWidget(self.inspector)
        self.setWindowTitle(self.tr("Run inspector"))
        self.resize(1000, 720)

    def open_run(self, run_id: str) -> RunInspector:
        """Show ``run_id`` and raise the window."""
        self.inspector.show_run(run_id)
        self.show()
        self.setWindowState((self.windowState() & ~Qt.WindowState.WindowMinimized) | Qt.WindowState.WindowActive)
        self.raise_()
        self.activateWindow()
        return self.inspector

    def _retitle(self, loaded: LoadedRun) -> None:
        record = loaded.record
        self.setWindowTitle(self.tr("Run %1 of %2 — FlowDesk").replace("%1", record.id[:12])
                            .replace("%2", record.workflow))
