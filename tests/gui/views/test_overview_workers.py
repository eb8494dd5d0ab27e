"""The Overview's Workers panel: real PostgreSQL, real Valkey, a real ``flowdesk worker`` subprocess."""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from flowdesk.core.service_settings import RuntimeSettings, ServiceOptions
from flowdesk.core.workspace import Workspace
from flowdesk.gui.main_window import MainWindow
from flowdesk.gui.qt import QGuiApplication
from tests.cli.cluster_processes import FAST, ClusterStore, Worker
from tests.gui.conftest import GUI_TOKEN

pytestmark = pytest.mark.timeout(180)


@pytest.fixture()
def cluster_bridge(qtbot, gui_ws: Path, data_dir: Path, pg_url: str, broker_url: str,  # noqa: ANN001
                   monkeypatch: pytest.MonkeyPatch) -> Iterator:
    """The window's core as one more serve of a cluster (FLOWDESK_DATABASE_URL and a broker), with fast heartbeats."""
    from flowdesk.gui.core_bridge import CoreBridge

    monkeypatch.setenv("FLOWDESK_API_TOKEN", GUI_TOKEN)
    monkeypatch.setenv("FLOWDESK_DATABASE_URL", pg_url)
    for name, value in FAST.items():  # heartbeat 0.5 s: late after 1.25 s, gone after 3 s (DEAD_AFTER)
        monkeypatch.setenv(name, value)
    b = CoreBridge(Workspace(gui_ws), data_dir, ServiceOptions(port=0, watch=False, grace=2, broker_url=broker_url),
                   RuntimeSettings(max_workers=2, warm_workers=0))
    with qtbot.waitSignal(b.started, timeout=60000):
        b.start()
    yield b
    b.stop()


def overview(qtbot, bridge) -> object:  # noqa: ANN001
    window = MainWindow(bridge, tray_available=True)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    return window.show_view("overview")


def test_a_worker_is_listed_with_its_concurrency_then_turns_late_and_gone_once_killed(
        qtbot, cluster_bridge, gui_ws: Path, tmp_path: Path, pg_url: str, broker_url: str) -> None:  # noqa: ANN001
    view = overview(qtbot, cluster_bridge)
    panel = view.workers_panel
    worker = Worker(gui_ws, tmp_path / "worker", broker_url, ClusterStore(pg_url, tmp_path / "unused.sqlite3"),
                    "gui-w1", concurrency=3)
    try:
        qtbot.waitUntil(lambda: panel.snapshot is not None and [w.name for w in panel.snapshot.online] == ["gui-w1"],
                        timeout=30000)
        assert panel.isVisible() and not panel.empty.isVisible()
        (row,) = panel.rows
        assert row.title.text() == "gui-w1" and row.detail.text()  # its host
        texts = [row.layout_.itemAt(i).widget().text() for i in (row.layout_.count() - 2, row.layout_.count() - 1)]
        assert texts[0] == "0 of 3 running" and texts[1].endswith("s ago")
        assert row.layout_.itemAt(0).widget().chips[0].text == "online"

        worker.stop(signal.SIGKILL)
        qtbot.waitUntil(lambda: [w.state for w in panel.snapshot.workers] == ["late"], timeout=10000)
        assert panel.rows[0].layout_.itemAt(0).widget().chips[0].text == "late"
        qtbot.waitUntil(lambda: [w.state for w in panel.snapshot.workers] == ["gone"], timeout=10000)
        assert panel.rows[0].layout_.itemAt(0).widget().chips[0].text == "gone"
        assert panel.empty.isVisible()  # nobody online: how to start one
    finally:
        worker.stop(signal.SIGKILL)


def test_with_no_worker_the_panel_says_how_to_start_one_and_copies_the_command(
        qtbot, cluster_bridge, gui_ws: Path, pg_url: str, broker_url: str) -> None:  # noqa: ANN001
    view = overview(qtbot, cluster_bridge)
    panel = view.workers_panel
    qtbot.waitUntil(lambda: panel.snapshot is not None and panel.isVisible(), timeout=15000)
    assert panel.rows == [] and panel.empty.isVisible()
    assert panel.queue_label.text() == "0 queued"
    command = f"flowdesk worker --broker {broker_url} --database {pg_url} --workspace {gui_ws}"
    assert panel.command.text().split() == command.split()  # shown one option a line
    panel.copy_button.click()
    assert QGuiApplication.clipboard().text() == command  # copied as one line

    reads = panel.feed.reads
    started = time.monotonic()
    qtbot.wait(3000)
    # Heartbeats every 0.5 s, but the panel reads at most once a second.
    assert panel.feed.reads - reads <= (time.monotonic() - started) + 1
    view.window().show_view("runs")  # the Overview hidden: no more reads
    reads = panel.feed.reads
    qtbot.wait(2500)
    assert panel.feed.reads == reads


def test_the_panel_stays_hidden_in_local_mode(qtbot, bridge) -> None:  # noqa: ANN001
    view = overview(qtbot, bridge)
    panel = view.workers_panel
    qtbot.waitUntil(lambda: panel.feed.connected is False, timeout=15000)
    assert not panel.isVisible() and panel.feed.reads == 1
    qtbot.wait(2000)
    assert panel.feed.reads == 1  # asked once, never again
