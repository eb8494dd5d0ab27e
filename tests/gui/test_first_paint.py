"""What waits for the window's first paint: the core, QtCharts; and what the first paint shows: the real shell."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO, copy_workspace

# Runs the real ``flowdesk`` entry point; an application-wide filter notes what is loaded at the main window's first
# Paint, then waits for the core to start by itself and quits through the app's own path.
DRIVER = """
import json, sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

app = QApplication(sys.argv[:1])
seen = {}
HEAVY = ("aiohttp", "apscheduler", "peewee", "pydantic", "flowdesk.core.service", "flowdesk.gui.overview_data",
         "PySide6.QtCharts", "asyncio")

class Watch(QObject):
    def eventFilter(self, obj, event):
        if not seen and event.type() == QEvent.Type.Paint and isinstance(obj, QMainWindow):
            overview = obj.views.get("overview")
            seen.update(
                loaded=[m for m in HEAVY if m in sys.modules],
                core_running=obj.bridge.running, core_thread_started=obj.bridge.loop is not None,
                rail=obj.rail.isVisible(), status=obj.statusBar().isVisible(),
                overview_current=obj.stack.currentWidget() is overview,
                header=overview is not None and overview.header.isVisible(),
                tiles=overview is not None and all(t.isVisible() for t in overview.tiles.values()),
                cards_at_paint=overview is not None and overview.cards_built,
                rail_icons=all(not b.icon().isNull() for b in obj.rail.buttons.values()),
                tiles_at_their_height=overview is not None and all(
                    t.height() <= t.sizeHint().height() for t in overview.tiles.values()),
                views=sorted(obj.views))
            self.window = obj
            QTimer.singleShot(100, self.wait_core)
        return False

    def wait_core(self):
        if self.window.bridge.running:
            seen["core_started_after"] = True
            seen["charts_after"] = "PySide6.QtCharts" in sys.modules
            overview = self.window.views["overview"]
            seen["cards_after"] = overview.cards_built and overview.failures_card.isVisible()
            print(json.dumps(seen), flush=True)
            self.window.quit_requested.emit()
        else:
            QTimer.singleShot(100, self.wait_core)

watch = Watch()
app.installEventFilter(watch)
from flowdesk.cli.main import main
sys.exit(main(sys.argv[1:]))
"""


def test_the_first_paint_is_the_real_shell_and_the_core_starts_after_it(tmp_path: Path) -> None:
    ws, data = copy_workspace(REPO, tmp_path / "ws"), tmp_path / "data"
    data.mkdir()
    (data / "settings.json").write_text(json.dumps({"port": 0}))
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([sys.executable, "-c", DRIVER, "--workspace", str(ws), "--data-dir", str(data)],
                            cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    assert result.returncode == 0 and lines, result.stderr[-3000:]
    seen = json.loads(lines[-1])
    # The window on screen is the real one: rail, status bar, the Overview's header and tiles.
    assert seen["rail"] and seen["status"] and seen["overview_current"] and seen["header"] and seen["tiles"]
    # Complete as it is: the rail has its icons (none pops in later) and the tiles do not fill the cards' space.
    assert seen["rail_icons"] and seen["tiles_at_their_height"]
    assert seen["views"] == ["overview"]  # the other views are built when first shown
    # Nothing of the core was loaded or started for it; the app started the core right after.
    assert seen["loaded"] == [] and not seen["core_running"] and not seen["core_thread_started"]
    assert seen["core_started_after"]
    assert seen["charts_after"]  # the window stayed visible: the Overview's chart was built after the paint
    assert not seen["cards_at_paint"] and seen["cards_after"]  # so were its cards, which wait for the core's data


def test_the_callback_runs_once_right_after_the_first_paint(qtbot) -> None:
    from flowdesk.gui.first_paint import after_first_paint
    from flowdesk.gui.qt import QWidget

    widget = QWidget()
    qtbot.addWidget(widget)
    calls: list[bool] = []
    watcher = after_first_paint(widget, lambda: calls.append(watcher.painted), fallback_ms=60_000)
    qtbot.wait(50)
    assert calls == []  # not shown, not painted: nothing yet
    widget.show()
    qtbot.waitUntil(lambda: calls == [True], timeout=5000)
    widget.update()
    widget.repaint()
    qtbot.wait(50)
    assert calls == [True]


def test_a_window_that_never_paints_gets_the_callback_after_the_fallback(qtbot) -> None:
    from flowdesk.gui.first_paint import after_first_paint
    from flowdesk.gui.qt import QWidget

    widget = QWidget()
    qtbot.addWidget(widget)
    calls: list[bool] = []
    watcher = after_first_paint(widget, lambda: calls.append(watcher.painted), fallback_ms=150)
    qtbot.waitUntil(lambda: calls == [False], timeout=5000)  # the core must start even with no paint
    widget.show()
    qtbot.wait(100)
    assert calls == [False]


def test_the_runs_chart_is_built_after_its_first_paint_and_not_while_hidden(qtbot) -> None:
    from datetime import date

    from flowdesk.gui.widgets.runs_chart import RunsChart

    chart = RunsChart()
    chart.resize(400, 200)
    qtbot.addWidget(chart)
    days = [date(2026, 12, 1), date(2026, 12, 2)]
    chart.set_data(days, [{"success": 3, "error": 1}, {"running": 2}])
    assert chart.chart is None  # data alone does not load QtCharts
    chart.show()
    assert chart.chart is None  # shown, not yet painted
    qtbot.waitUntil(lambda: chart.chart is not None, timeout=5000)
    assert chart.totals() == [4, 2]

    hidden = RunsChart()
    hidden.resize(400, 200)
    qtbot.addWidget(hidden)
    hidden.show()
    hidden.repaint()  # painted, then hidden before the event loop turns (a window closed to the tray at once)
    hidden.hide()
    qtbot.wait(100)
    assert hidden.chart is None
    hidden.set_data(days, [{"success": 1}, {}])
    assert hidden.totals() == [1, 0]  # asked for what it draws: built on demand, with the data so far
