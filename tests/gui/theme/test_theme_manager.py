"""The theme manager: both palettes applied to the whole app, Settings' override, and the live OS switch."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from flowdesk.gui.qt import QApplication, QLabel, QPalette, Qt
from flowdesk.gui.theme import theme_state
from flowdesk.gui.theme.theme_manager import ThemeManager, install_theme
from flowdesk.gui.theme.tokens import DARK, LIGHT


@pytest.fixture
def manager(qapp: QApplication) -> Iterator[ThemeManager]:
    m = install_theme(qapp, "light")
    yield m
    m.os_scheme = Qt.ColorScheme.Light
    m.set_mode("light")  # the next tests see the light palette, as before


def window_colour(app: QApplication) -> str:
    return app.palette().color(QPalette.ColorRole.Window).name()


def test_both_palettes_reach_the_app_palette_the_stylesheet_and_painting(qtbot, qapp, manager) -> None:
    label = QLabel("hello")
    label.setProperty("role", "muted")
    qtbot.addWidget(label)
    assert window_colour(qapp) == LIGHT.window and LIGHT.surface in qapp.styleSheet()
    assert theme_state.palette() is LIGHT
    with qtbot.waitSignal(manager.changed) as changed:
        manager.set_mode("dark")
    assert changed.args == ["dark"]
    assert window_colour(qapp) == DARK.window and DARK.surface in qapp.styleSheet()
    assert qapp.palette().color(QPalette.ColorRole.Text).name() == DARK.text
    assert theme_state.palette() is DARK
    label.grab()  # a widget re-polished under the dark stylesheet still paints
    assert label.palette().color(QPalette.ColorRole.WindowText).name() == DARK.text_muted
    manager.set_mode("light")
    assert window_colour(qapp) == LIGHT.window and label.palette().color(QPalette.ColorRole.WindowText).name() == LIGHT.text_muted


def test_system_mode_follows_the_os_scheme_live_and_an_override_wins(qtbot, qapp, manager) -> None:
    manager.set_mode("system")
    with qtbot.waitSignal(manager.changed):
        qapp.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)  # what Qt sends when the OS switches
    assert manager.scheme == "dark" and window_colour(qapp) == DARK.window
    qapp.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Light)
    assert manager.scheme == "light" and window_colour(qapp) == LIGHT.window
    manager.set_mode("dark")  # Settings ▸ Appearance ▸ Dark
    qapp.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Light)
    assert manager.scheme == "dark" and window_colour(qapp) == DARK.window


def test_install_theme_reuses_the_manager_and_unknown_modes_mean_system(qapp, manager) -> None:
    assert install_theme(qapp, "dark") is manager and manager.scheme == "dark"
    manager.set_mode("sepia")
    assert manager.mode == "system"
