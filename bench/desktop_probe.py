"""Child process of bench/desktop.py: opens a window, prints when it is first painted, then idles.

``minimal``: a bare QMainWindow (the baseline). ``app``: the real FlowDesk app through the
``flowdesk`` entry point (``flowdesk.cli.main.main``); an application-wide event filter notices the first Paint of a
top-level window, with no hook in the product. After the paint the window is hidden, as when
it is closed to the tray.
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
    app.installEventFilter(watcher)
    if args.mode == "minimal":
        window = QMainWindow()
        window.resize(1200, 760)
        window.show()
        return app.exec()
    from flowdesk.cli.main import main as flowdesk_main  # the real `flowdesk` entry point

    return flowdesk_main(["--workspace", args.workspace, "--data-dir", args.data_dir])


if __name__ == "__main__":
    sys.exit(main())
