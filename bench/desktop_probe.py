"""Child process of bench/desktop.py: opens a window, prints when it is first painted, then idles.

``minimal``: a bare QMainWindow (the baseline). ``app``: the real FlowDesk app through the
``flowdesk`` entry point (``flowdesk.cli.main.main``). Both ways the first Paint event of the main window is noticed
by an event filter on that window alone, installed as every ``QMainWindow`` is constructed (no hook in the product).
An application-wide filter would see every event of every object before the paint and wrap each object in Python,
which initialises the Python type (and creates every enum) of each class that receives an event: ~40 ms for the
app's hundreds of objects, next to nothing for the bare window, a cost of the probe and not of either program.
After the paint the window is hidden, as when it is closed to the tray.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> int:
    """Run one probe; lines on stdout: PAINTED <seconds since interpreter start>, then HIDDEN."""
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["minimal", "app"])
    parser.add_argument("--workspace")
    parser.add_argument("--data-dir")
    args = parser.parse_args()
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication(sys.argv[:1])

    class FirstPaint(QObject):
        done = False

        def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
            if not self.done and event.type() == QEvent.Type.Paint and isinstance(obj, QMainWindow):
                self.done = True
                print(f"PAINTED {time.time():.6f}", flush=True)
                QTimer.singleShot(0, lambda: (obj.hide(), print("HIDDEN", flush=True)))
            return False

    watcher = FirstPaint()
    construct = QMainWindow.__init__

    def watched_init(self: QMainWindow, *a: object, **k: object) -> None:
        construct(self, *a, **k)
        self.installEventFilter(watcher)

    QMainWindow.__init__ = watched_init  # the app's MainWindow reaches it through super().__init__()
    if args.mode == "minimal":
        window = QMainWindow()
        window.resize(1200, 760)
        window.show()
        return app.exec()
    from flowdesk.cli.main import main as flowdesk_main  # the real `flowdesk` entry point

    return flowdesk_main(["--workspace", args.workspace, "--data-dir", args.data_dir])


if __name__ == "__main__":
    sys.exit(main())
