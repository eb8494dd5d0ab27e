"""Keyboard and accessibility: icon-only buttons have accessible names, everything issue 15 adds is reachable by key."""

from __future__ import annotations

from flowdesk.gui.main_window import KEYS, MainWindow
from flowdesk.gui.qt import QAbstractButton, QLineEdit, QMenuBar, QWidget


def _unnamed_icon_buttons(root: QWidget) -> list[str]:
    """Buttons that show only an icon and give screen readers nothing to say."""
    out = []
    for button in root.findChildren(QAbstractButton):
        if isinstance(button.parentWidget(), (QLineEdit, QMenuBar)):
            continue  # Qt's own clear button and menu-bar overflow, which Qt names itself
        if not button.text().strip() and not button.accessibleName().strip() and not button.icon().isNull():
            out.append(f"{type(button).__name__} in {type(button.parentWidget()).__name__} "
                       f"(tooltip {button.toolTip()!r})")
    return out


def test_icon_only_buttons_have_accessible_names(qtbot, bridge) -> None:
    window = MainWindow(bridge, tray_available=True)
    qtbot.addWidget(window)
    window.show()
    for key in KEYS:
        window.show_view(key)
    workflows = window.show_view("workflows")
    workflows.detail.tabs.setCurrentWidget(workflows.detail.webhook)
    inspector = window.open_run("0" * 32)
    missing = _unnamed_icon_buttons(window) + _unnamed_icon_buttons(inspector.window())
    assert not missing, "\n".join(missing)


def test_the_new_features_have_keyboard_ways_in(qtbot, bridge) -> None:
    window = MainWindow(bridge, tray_available=True)
    qtbot.addWidget(window)
    keys = {a.text(): [k.toString() for k in a.shortcuts()] for a in window.actions()}
    assert keys["Command palette…"] == ["Ctrl+K", "Ctrl+Shift+P"]
    assert keys["Keyboard shortcuts"] == ["Ctrl+/"]
    help_menu = [m for m in window.menuBar().actions() if m.text() == "&Help"][0].menu()
    assert {"Command palette…", "Keyboard shortcuts"} <= {a.text() for a in help_menu.actions()}
    inspector = window.open_run("0" * 32)
    assert inspector.log_view.list.focusPolicy() != 0 and inspector.output_view.tree.focusPolicy() != 0
