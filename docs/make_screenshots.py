"""``make screenshots``: every view of the app in light and dark at 1280×800 (and the Overview at 1024×640),
offscreen, into docs/screenshots/, over a fresh data dir holding a realistic history."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox")

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "docs" / "screenshots"
sys.path.insert(0, str(REPO))

HISTORY_RUNS = 500  # about 500 runs over 14 days across the example workflows
WORKFLOWS = ["next_dates", "input_showcase", "workspace_report", "newsletter_automation", "lead_nurturing"]
SCHEMES = ("light", "dark")


def seed(rt: object) -> int:
    """The history, written on the core thread once the core runs (so the running row is not recovered)."""
    from bench.run_history import seed_history
    from flowdesk.core.store.models import from_micros

    count = len(seed_history(rt.store, WORKFLOWS, HISTORY_RUNS, days=14, failure_rate=0.05,  # type: ignore[attr-defined]
                             running=1))
    # The scheduler's own record of its last fire, as it would have written it for the seeded scheduled runs
    # (the Schedule view reads it, not the run table).
    store = rt.store  # type: ignore[attr-defined]
    states = store.all_job_states()
    for state in states:
        row = store.db.execute_sql("SELECT id, status, queued_at FROM run WHERE workflow = ? AND trigger = 'schedule' "
                                   "AND finished_at IS NOT NULL ORDER BY queued_at DESC LIMIT 1",
                                   (state.workflow,)).fetchone()
        if row is not None:
            state.last_run_id, state.last_status, state.last_run = row[0], row[1], from_micros(row[2])
    store.save_job_states(states)
    return count


def main() -> int:
    """Start the real core on a copy of the examples, seed the history, then grab each view in both palettes."""
    from flowdesk.core.run_service import RunRequest
    from flowdesk.core.service_settings import RuntimeSettings, ServiceOptions
    from flowdesk.core.workspace import Workspace
    from flowdesk.gui.core_bridge import CoreBridge
    from flowdesk.gui.main_window import KEYS, MainWindow
    from flowdesk.gui.qt import QApplication
    from flowdesk.gui.theme.theme_manager import install_theme

    tmp = Path(tempfile.mkdtemp(prefix="flowdesk-shots-"))
    shutil.copytree(REPO / "private", tmp / "ws" / "private", ignore=shutil.ignore_patterns("__pycache__", "reports"))
    app = QApplication(sys.argv[:1])
    manager = install_theme(app, "light")
    port = 8000 if _free(8000) else 0  # the default port reads best in the pictures
    bridge = CoreBridge(Workspace(tmp / "ws"), tmp / "data", ServiceOptions(port=port, watch=False, grace=2),
                        RuntimeSettings(max_workers=2, warm_workers=1))
    done: list[object] = []
    bridge.started.connect(lambda _url: done.append("started"))
    bridge.start()
    _wait(app, lambda: done)
    bridge.submit(seed, done.append)
    for name, data in (("next_dates", {"days": 30}), ("input_showcase", {"title": "Kick-off", "room": "a"})):
        bridge.submit(lambda rt, n=name, d=data: rt.runs.run(RunRequest(n, d)), done.append)
    _wait(app, lambda: len(done) >= 4)
    window = MainWindow(bridge, tray_available=True)
    window.settings.setValue("told_about_tray", True)
    window.show()
    OUT.mkdir(parents=True, exist_ok=True)
    for scheme in SCHEMES:
        manager.set_mode(scheme)
        window.resize(1280, 800)
        for key in KEYS:
            view = window.show_view(key)
            if key == "interfaces" and hasattr(view, "open_interface"):
                view.open_interface("dashboard" if "dashboard" in view.entries else next(iter(view.entries), None))
                _wait(app, lambda: False, seconds=4)
            elif key == "workflows":
                view.select("next_dates")
            elif key == "tools":
                view.select_tool("date")
            elif key == "runs":  # the right pane is the run inspector: show it on the Kick-off run
                kick_off = [r for r in done if getattr(r, "workflow", "") == "input_showcase"]
                if kick_off:
                    view.select_run(kick_off[-1].id)  # type: ignore[attr-defined]
            _wait(app, lambda: False, seconds=1.5)  # LiveStats reads at most once a second
            _save(window, f"{key}-{scheme}.png")
        window.resize(1024, 640)
        window.show_view("overview")
        _wait(app, lambda: False, seconds=1.5)
        _save(window, f"overview-1024x640-{scheme}.png")
    bridge.stop()
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


def _save(window: object, name: str) -> None:
    path = OUT / name
    window.grab().save(str(path))  # type: ignore[attr-defined]
    print(f"wrote {path}")


def _free(port: int) -> bool:
    import socket

    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def _wait(app: object, condition: object, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:  # type: ignore[operator]
        app.processEvents()  # type: ignore[attr-defined]
        time.sleep(0.02)


if __name__ == "__main__":
    sys.exit(main())
