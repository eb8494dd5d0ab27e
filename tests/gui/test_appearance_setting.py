"""Settings ▸ Appearance in the real settings dialog: Dark and Light apply to the whole app at once and are saved;
System follows the OS colour scheme (QStyleHints), live."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from flowdesk.core.app_settings import load_app_settings
from flowdesk.gui.main_window import MainWindow
from flowdesk.gui.qt import QAction, QApplication, QDialogButtonBox, QFormLayout, QPalette, Qt
from flowdesk.gui.settings_dialog import SettingsDialog
from flowdesk.gui.theme import theme_state
from flowdesk.gui.theme.theme_manager import theme_manager
from flowdesk.gui.theme.tokens import DARK, LIGHT
from flowdesk.gui.widgets.status_colors import is_dark, status_color

LABELS = ["System (follow the OS)", "Light", "Dark"]


@pytest.fixture()
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Start at login reads and writes under HOME: a private one."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    return tmp_path / "home"


@pytest.fixture()
def window(qtbot, bridge, home: Path) -> Iterator[MainWindow]:  # noqa: ANN001
    w = MainWindow(bridge, tray_available=True)
    qtbot.addWidget(w)
    w.show()
    manager = theme_manager()
    assert manager is not None
    mode, os_scheme = manager.mode, manager.os_scheme
    yield w
    manager.os_scheme = os_scheme  # the next tests see the app as it was
    manager.set_mode(mode)


def window_colour() -> str:
    return QApplication.palette().color(QPalette.ColorRole.Window).name()


def open_settings(qtbot, window: MainWindow) -> SettingsDialog:  # noqa: ANN001
    """File ▸ Settings…, as the menu does it."""
    action = next(a for a in window.findChildren(QAction) if a.text() == "Settings…")
    action.trigger()
    dialog = window.settings_dialog
    qtbot.waitExposed(dialog)
    form = dialog.findChild(QFormLayout)
    assert form.labelForField(dialog.theme).text() == "Appearance:"
    assert [dialog.theme.itemText(i) for i in range(dialog.theme.count())] == LABELS
    return dialog


def choose(qtbot, window: MainWindow, label: str, button=QDialogButtonBox.StandardButton.Ok) -> SettingsDialog:  # noqa: ANN001
    dialog = open_settings(qtbot, window)
    dialog.theme.setCurrentIndex(dialog.theme.findText(label))
    dialog.findChild(QDialogButtonBox).button(button).click()
    assert not dialog.isVisible()
    return dialog


def test_dark_then_light_apply_at_once_and_persist(qtbot, bridge, window) -> None:
    choose(qtbot, window, "Light")
    assert window_colour() == LIGHT.window
    with qtbot.waitSignal(theme_manager().changed, timeout=2000) as switched:
        choose(qtbot, window, "Dark")
    assert switched.args == ["dark"]
    # Applied to the running app, no restart: palette, stylesheet, and what custom painting reads.
    assert window_colour() == DARK.window and QApplication.palette().color(QPalette.ColorRole.Window).lightness() < 128
    assert QApplication.palette().color(QPalette.ColorRole.Text).name() == DARK.text
    assert DARK.surface in QApplication.instance().styleSheet()
    assert theme_state.palette() is DARK and is_dark()
    assert window.palette().color(QPalette.ColorRole.Window).name() == DARK.window
    assert status_color("success").name() == DARK.success
    assert load_app_settings(bridge.data_dir).theme == "dark"
    assert open_settings(qtbot, window).theme.currentText() == "Dark"  # saved: the dialog shows it next time
    window.settings_dialog.reject()

    choose(qtbot, window, "Light")
    assert window_colour() == LIGHT.window and QApplication.palette().color(QPalette.ColorRole.Window).lightness() > 128
    assert theme_state.palette() is LIGHT and not is_dark()
    assert status_color("success").name() == LIGHT.success
    assert load_app_settings(bridge.data_dir).theme == "light"


def test_cancel_changes_nothing(qtbot, bridge, window) -> None:
    choose(qtbot, window, "Light")
    choose(qtbot, window, "Dark", QDialogButtonBox.StandardButton.Cancel)
    assert window_colour() == LIGHT.window and load_app_settings(bridge.data_dir).theme == "light"


def test_system_follows_the_os_colour_scheme(qtbot, bridge, window) -> None:
    hints = QApplication.styleHints()
    choose(qtbot, window, "Dark")
    choose(qtbot, window, "System (follow the OS)")
    assert theme_manager().mode == "system" and load_app_settings(bridge.data_dir).theme == "system"
    # What the OS says now decides (offscreen Qt says Unknown: light).
    expected = DARK if hints.colorScheme() == Qt.ColorScheme.Dark else LIGHT
    assert window_colour() == expected.window
    # The OS switches: the app follows at once, both ways (what Qt emits on a real switch).
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert window_colour() == DARK.window and theme_state.palette() is DARK
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Light)
    assert window_colour() == LIGHT.window and theme_state.palette() is LIGHT
    # A forced palette ignores the OS.
    choose(qtbot, window, "Dark")
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Light)
    assert window_colour() == DARK.window
