"""Keyboard focus shows under the app's theme (issue 15 ▸ 7): the rail's buttons and every table, tree and list draw
an accent outline when they hold the focus, in both palettes, and Tab walks from the rail to the Workflows list."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from flowdesk.core.run_service import RunRequest
from flowdesk.gui.main_window import MainWindow
from flowdesk.gui.qt import QApplication, QColor, QImage, QLineEdit, Qt, QTableView, QWidget
from flowdesk.gui.theme.contrast import AA_LARGE, contrast_ratio
from flowdesk.gui.theme.theme_manager import install_theme
from flowdesk.gui.theme.tokens import PALETTES, Palette
from flowdesk.gui.widgets.nav_rail import RailButton
from tests.gui.conftest import call_core


@pytest.fixture(params=list(PALETTES))
def palette(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[Palette]:
    install_theme(qapp, request.param)
    yield PALETTES[request.param]
    install_theme(qapp, "light")  # the next tests see the light palette, as before


@pytest.fixture
def window(qtbot, bridge, palette) -> MainWindow:  # noqa: ANN001
    w = MainWindow(bridge, tray_available=True)
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    qtbot.waitExposed(w)
    _activate(qtbot, w)
    return w


def _image(qtbot, widget: QWidget) -> QImage:  # noqa: ANN001
    """The widget as painted, once two grabs in a row agree (a list that just refreshed settles first)."""
    def grab() -> QImage:
        QApplication.processEvents()
        return widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)

    images = [grab()]
    for _ in range(20):
        images.append(grab())
        if images[-1] == images[-2]:
            return images[-1]
        qtbot.wait(100)
    raise AssertionError(f"{type(widget).__name__} keeps repainting differently")


def _activate(qtbot, window: QWidget) -> None:  # noqa: ANN001
    """Focus only shows in the active window (offscreen, a view's transient popup can leave none active)."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


def _focus_elsewhere(qtbot, widget: QWidget, elsewhere: QWidget) -> None:  # noqa: ANN001
    _activate(qtbot, widget.window())
    elsewhere.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(lambda: elsewhere.hasFocus() and not widget.hasFocus())


def _invisible_focus(qtbot, widget: QWidget, elsewhere: QWidget,  # noqa: ANN001
                     palette: Palette, name: str) -> list[str]:
    """What is wrong with ``widget``'s focus look: a grab with the keyboard focus must differ from one without,
    and its top edge (a straight stretch of the outline) must turn accent."""
    _focus_elsewhere(qtbot, widget, elsewhere)
    unfocused = _image(qtbot, widget)
    widget.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(widget.hasFocus)
    focused = _image(qtbot, widget)
    if focused == unfocused:
        return [f"{palette.name}: keyboard focus on the {name} changes no pixel"]
    top = (focused.width() // 2, 0)
    edges = QColor(unfocused.pixel(*top)).name(), QColor(focused.pixel(*top)).name()
    if edges[0] == palette.accent or edges[1] != palette.accent:
        return [f"{palette.name}: the {name}'s top edge goes {edges[0]} -> {edges[1]}, not to accent {palette.accent}"]
    return []


def test_the_rail_buttons_show_a_focus_ring(qtbot, window, palette) -> None:
    window.show_view("workflows")
    search = window.view("workflows").search
    buttons = [(window.rail.buttons["workflows"], "selected rail button"),
               (window.rail.settings_button, "Settings rail button")]
    problems = [p for button, name in buttons for p in _invisible_focus(qtbot, button, search, palette, name)]
    assert not problems, "\n".join(problems)
    # An entry left focused while the mouse picked another view (clicks do not take the focus) shows no ring.
    stale = window.rail.buttons["runs"]
    _focus_elsewhere(qtbot, stale, search)
    without = _image(qtbot, stale)
    stale.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(stale.hasFocus)
    assert not stale.isChecked() and _image(qtbot, stale) == without, "a focused, unselected rail entry draws a ring"


def test_the_window_opens_with_the_keyboard_focus_in_its_view_not_on_the_rail(qtbot, window) -> None:
    _activate(qtbot, window)
    focused = QApplication.focusWidget()
    assert focused is not None and not window.rail.isAncestorOf(focused)


def test_tables_lists_and_trees_show_focus(qtbot, bridge, window, palette) -> None:
    record = call_core(qtbot, bridge, lambda rt: rt.runs.run(RunRequest("next_dates", {"days": 3})))
    views = {key: window.show_view(key) for key in ("workflows", "runs", "tools")}
    qtbot.waitUntil(lambda: views["workflows"].loaded and views["runs"].model.rowCount() > 0)
    problems = []
    for key, widget in (("workflows", views["workflows"].table), ("runs", views["runs"].table),
                        ("tools", views["tools"].list)):
        window.show_view(key)
        qtbot.waitUntil(widget.isVisible)
        problems += _invisible_focus(qtbot, widget, window.rail.settings_button, palette, f"{key} list")
    inspector = window.open_run(record.id)  # a finished run: a log and a JSON output
    qtbot.waitExposed(inspector.window())
    qtbot.waitUntil(lambda: inspector.current is not None and inspector.current.record.id == record.id)
    for pane, widget, name in ((inspector.log_view, inspector.log_view.list, "run log"),
                               (inspector.output_view, inspector.output_view.tree, "JSON tree")):
        inspector.tabs.setCurrentWidget(pane)
        qtbot.waitUntil(widget.isVisible)
        problems += _invisible_focus(qtbot, widget, inspector.tabs.tabBar(), palette, name)
    assert not problems, "\n".join(problems)


def test_tab_goes_from_the_rail_to_the_workflows_search_and_table(qtbot, bridge, window, palette) -> None:
    call_core(qtbot, bridge, lambda rt: rt.runs.run(RunRequest("next_dates", {"days": 3})))  # the Runs list shows
    view = window.show_view("workflows")
    qtbot.waitUntil(lambda: view.loaded)
    _activate(qtbot, window)
    start = window.rail.buttons["workflows"]  # the checked entry: Tab lands there, the arrow keys move along the rail
    start.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(start.hasFocus)
    seen: list[QWidget] = [start]
    for _ in range(20):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        seen.append(QApplication.focusWidget())
        if seen[-1] is view.table:
            break
    walk = [type(w).__name__ for w in seen]
    assert len(set(map(id, seen))) == len(seen), f"each Tab moves the focus on: {walk}"
    assert view.search in seen and seen[-1] is view.table, f"Tab reaches the search field, then the table: {walk}"
    assert isinstance(view.search, QLineEdit) and isinstance(view.table, QTableView)
    # ...and out again: Tab and Shift+Tab leave a list instead of walking its cells for ever.
    qtbot.keyClick(view.table, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is not view.table
    view.table.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(view.table, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert QApplication.focusWidget() is not view.table
    for key in ("runs", "scheduler"):
        table = window.show_view(key).table
        qtbot.waitUntil(lambda t=table: t.isVisible() and t.model().rowCount() > 0)
        _activate(qtbot, window)
        table.setFocus(Qt.FocusReason.TabFocusReason)
        qtbot.waitUntil(table.hasFocus)
        qtbot.keyClick(table, Qt.Key.Key_Tab)
        assert QApplication.focusWidget() is not table, f"Tab is kept inside the {key} list"


@pytest.mark.parametrize("name", list(PALETTES))
def test_the_focus_colour_stands_out_from_what_it_rings(name: str) -> None:
    """Non-text contrast (WCAG 1.4.11): the accent outline against the rail, the selected rail entry, the cards."""
    p = PALETTES[name]
    for background in (p.window, p.surface, p.surface_alt, p.selection):
        assert contrast_ratio(p.accent, background) >= AA_LARGE
