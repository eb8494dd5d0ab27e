"""``make screenshots``: a PNG of every view of the app, offscreen, into docs/screenshots/."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox")

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "docs" / "screenshots"


def main() -> int:
    """Start the real core on a copy of the examples, run two workflows, then grab each view."""
    from flowdesk.core.run_service import RunRequest
    from flowdesk.core.service_settings import RuntimeSettings, ServiceOptions
    from flowdesk.core.workspace import Workspace
    from flowdesk.gui.core_bridge import CoreBridge
    from flowdesk.gui.main_window import KEYS, MainWindow
    from flowdesk.gui.qt import QApplication

    tmp = Path(tempfile.mkdtemp(prefix="flowdesk-shots-"))
    shutil.copytree(REPO / "private", tmp / "ws" / "private", ignore=shutil.ignore_patterns("__pycache__", "reports"))
    app = QApplication(sys.argv[:1])
    bridge = CoreBridge(Workspace(tmp / "ws"), tmp / "data", ServiceOptions(port=0, watch=False, grace=2),
                        RuntimeSettings(max_workers=2, warm_workers=1))
    done: list[object] = []
    bridge.started.connect(lambda _url: done.append("started"))
    bridge.start()
    _wait(app, lambda: done)
    for name, data in (("next_dates", {"days": 30}), ("input_showcase", {"title": "Kick-off", "room": "a"}),
                       ("workspace_report", {})):
        bridge.submit(lambda rt, n=name, d=data: rt.runs.run(RunRequest(n, d)), done.append)
    _wait(app, lambda: len(done) >= 4)
    window = MainWindow(bridge, tray_available=True)
    window.resize(1280, 800)
    window.show()
    OUT.mkdir(parents=True, exist_ok=True)
    for key in KEYS:
        view = window.show_view(key)
        if key == "interfaces" and hasattr(view, "open_interface"):
            view.open_interface("dashboard")
            _wait(app, lambda: False, seconds=4)
        _wait(app, lambda: False, seconds=0.5)
        path = OUT / f"{key}.png"
        window.grab().save(str(path))
        print(f"wrote {path.relative_to(REPO)}")
    window.settings.setValue("told_about_tray", True)
    bridge.stop()
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


def _wait(app: object, condition: object, seconds: float = 30) -> None:
    import time

    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:  # type: ignore[operator]
        app.processEvents()  # type: ignore[attr-defined]
        time.sleep(0.02)


if __name__ == "__main__":
    sys.exit(main())
