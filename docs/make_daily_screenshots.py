"""``make screenshots`` (second part): the webhook tab, the run inspector and the command palette, light and dark,
offscreen, into docs/screenshots/ (README: "Connect a webhook", "Inspect a run", "Command palette")."""

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
SCHEMES = ("light", "dark")
HOOKED = {"auth": "hmac", "secret_env": "SHOWCASE_HOOK_SECRET", "timestamp": True}


def _wait(app: object, condition: object, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:  # type: ignore[operator]
        app.processEvents()  # type: ignore[attr-defined]
        time.sleep(0.02)


def _save(widget: object, name: str) -> None:
    path = OUT / name
    widget.grab().save(str(path))  # type: ignore[attr-defined]
    print(f"wrote {path}")


def _save_with_popup(window: object, popup: object, name: str) -> None:
    """The window with a popup (the palette) drawn where it floats over it."""
    from flowdesk.gui.qt import QPainter

    picture = window.grab()  # type: ignore[attr-defined]
    painter = QPainter(picture)
    offset = popup.mapToGlobal(popup.rect().topLeft()) - window.mapToGlobal(window.rect().topLeft())  # type: ignore[attr-defined]
    painter.drawPixmap(offset, popup.grab())  # type: ignore[attr-defined]
    painter.end()
    path = OUT / name
    picture.save(str(path))
    print(f"wrote {path}")


def _workspace(tmp: Path) -> Path:
    """The examples, with input_showcase's webhook signed by HMAC (the richest auth to show)."""
    import json

    ws = tmp / "ws"
    shutil.copytree(REPO / "private", ws / "private", ignore=shutil.ignore_patterns("__pycache__", "reports"))
    config_file = ws / "private" / "workflows" / "input_showcase" / "config.json"
    config = json.loads(config_file.read_text(encoding="utf-8"))
    config["webhook"] = HOOKED
    config_file.write_text(json.dumps(config, indent=2), encoding="utf-8")
    (ws / "config").mkdir(exist_ok=True)
    (ws / "config" / ".env").write_text("SHOWCASE_HOOK_SECRET=k7Qw2-example-secret-for-the-picture\n")
    return ws


def main() -> int:
    """Start the real core, make a few runs, then grab the three views in both palettes."""
    from flowdesk.core.run_service import RunRequest
    from flowdesk.core.service_settings import RuntimeSettings, ServiceOptions
    from flowdesk.core.workspace import Workspace
    from flowdesk.gui.core_bridge import CoreBridge
    from flowdesk.gui.main_window import MainWindow
    from flowdesk.gui.qt import QApplication
    from flowdesk.gui.theme.theme_manager import install_theme

    tmp = Path(tempfile.mkdtemp(prefix="flowdesk-daily-shots-"))
    app = QApplication(sys.argv[:1])
    manager = install_theme(app, "light")
    bridge = CoreBridge(Workspace(_workspace(tmp)), tmp / "data", ServiceOptions(port=0, watch=False, grace=2),
                        RuntimeSettings(max_workers=2, warm_workers=1))
    done: list[object] = []
    bridge.started.connect(lambda _url: done.append("started"))
    bridge.start()
    _wait(app, lambda: done)
    for name, data in (("next_dates", {"days": 30}), ("input_showcase", {"title": "Kick-off", "room": "a"}),
                       ("next_dates", {"days": 3}), ("input_showcase", {"title": "Quarterly review", "room": "b"})):
        bridge.submit(lambda rt, n=name, d=data: rt.runs.run(RunRequest(n, d)), done.append)
    _wait(app, lambda: len(done) >= 5)
    # The inspector pictures show an input_showcase run: it logs a line (runs finish in any order; next_dates logs none).
    run_id = next(r.id for r in reversed(done) if getattr(r, "workflow", "") == "input_showcase")  # type: ignore[attr-defined]
    window = MainWindow(bridge, tray_available=True)
    window.settings.setValue("told_about_tray", True)
    window.resize(1280, 800)
    window.show()
    OUT.mkdir(parents=True, exist_ok=True)
    for scheme in SCHEMES:
        manager.set_mode(scheme)
        view = window.show_view("workflows")
        view.refresh(select="input_showcase")
        _wait(app, lambda: view.selected_slug() == "input_showcase", seconds=10)
        view.splitter.setSizes([520, 760])
        view.detail.tabs.setCurrentWidget(view.detail.webhook)
        view.detail.webhook.snippet_tabs.setCurrentIndex(1)
        _wait(app, lambda: False, seconds=1.5)
        _save(window, f"webhook-tab-{scheme}.png")
        inspector = window.open_run(run_id)
        inspector.window().resize(1100, 760)
        _wait(app, lambda: inspector.current is not None, seconds=20)
        inspector.output_view.tree.expandToDepth(3)
        inspector.output_view.tree.setCurrentIndex(inspector.output_view.model.index(2, 0, inspector.output_view.model.index(0, 0)))
        _wait(app, lambda: False, seconds=1)
        _save(inspector.window(), f"inspector-{scheme}.png")
        inspector.tabs.setCurrentWidget(inspector.log_view)
        _wait(app, lambda: False, seconds=0.5)
        _save(inspector.window(), f"inspector-log-{scheme}.png")
        inspector.window().hide()
        window.show_view("overview")
        palette = window.open_command_palette()
        palette.search.setText("in")
        _wait(app, lambda: False, seconds=1)
        _save_with_popup(window, palette, f"palette-{scheme}.png")
        palette.close()
    bridge.stop()
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
