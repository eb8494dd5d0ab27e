"""GUI fixtures: a real CoreBridge (service on its core thread, free port) over a copied workspace."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox")

from flowdesk.core.service_settings import RuntimeSettings, ServiceOptions  # noqa: E402
from flowdesk.core.workspace import Workspace  # noqa: E402
from tests.conftest import REPO, copy_workspace  # noqa: E402

GUI_TOKEN = "gui-test-token-0123456789abc"


@pytest.fixture()
def gui_ws(tmp_path: Path) -> Path:
    """The example workspace, copied (tests may edit it)."""
    return copy_workspace(REPO, tmp_path / "ws")


@pytest.fixture()
def bridge(qtbot, gui_ws: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator:
    """A started CoreBridge; ``bridge.runtime`` is live, ``bridge.url`` answers."""
    from flowdesk.gui.core_bridge import CoreBridge

    monkeypatch.setenv("FLOWDESK_API_TOKEN", GUI_TOKEN)
    b = CoreBridge(Workspace(gui_ws), data_dir, ServiceOptions(port=0, watch=False, grace=2),
                   RuntimeSettings(max_workers=2, warm_workers=1))
    with qtbot.waitSignal(b.started, timeout=30000):
        b.start()
    yield b
    b.stop()


def shown_window(qtbot, bridge, size: tuple[int, int] | None = (1280, 800)):  # noqa: ANN001, ANN201 - test helper
    """The real main window on ``bridge``, shown (at ``size``) and exposed; closed with the test."""
    from flowdesk.gui.main_window import MainWindow

    window = MainWindow(bridge, tray_available=True)  # without a tray, closing would ask "Quit?" modally
    qtbot.addWidget(window)
    if size is not None:
        window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    return window


def call_core(qtbot, bridge, fn, timeout: int = 30000):  # noqa: ANN001, ANN201 - test helper
    """Run ``fn(runtime)`` on the core loop and return its result (the Qt loop keeps turning)."""
    box: dict = {}
    bridge.submit(fn, lambda v: box.setdefault("value", v), lambda e: box.setdefault("error", e))
    qtbot.waitUntil(lambda: "value" in box or "error" in box, timeout=timeout)
    if "error" in box:
        raise box["error"]
    return box["value"]


class UrlCatcher:
    """Takes the URLs the app opens in the system browser (Qt's URL-handler hook), for the OAuth tests."""

    def __new__(cls):  # noqa: ANN204 - built lazily: Qt classes load after QT_QPA_PLATFORM is set
        from flowdesk.gui.qt import QObject, QUrl, Slot

        class _Catcher(QObject):
            def __init__(self) -> None:
                super().__init__()
                self.urls: list[str] = []

            @Slot(QUrl)
            def open(self, url: QUrl) -> None:
                self.urls.append(url.toString())

        return _Catcher()



@pytest.fixture()
def french_window(qtbot) -> Iterator[None]:  # noqa: ANN001
    """The window speaks French for this test (FlowDesk's catalogue and Qt's own installed), English after."""
    from flowdesk.gui.i18n import install_translations, remove_translations
    from flowdesk.gui.qt import QApplication

    app = QApplication.instance()
    assert install_translations(app, "fr") == "fr"
    yield
    remove_translations(app)
