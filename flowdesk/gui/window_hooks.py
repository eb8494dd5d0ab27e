"""What issue 15 adds to the main window, kept apart from its layout: run inspector, command palette, shortcuts list.

MainWindow inherits ``DailyUseHooks`` and calls ``install_daily_use(help_menu)`` once its menus exist.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flowdesk.core.app_settings import load_app_settings
from flowdesk.gui.qt import QAction, QKeySequence, QMenu

if TYPE_CHECKING:
    from flowdesk.gui.inspector.inspector_window import InspectorWindow
    from flowdesk.gui.inspector.run_inspector import RunInspector
    from flowdesk.gui.palette.command_palette import CommandPalette

PALETTE_KEYS = ("Ctrl+K", "Ctrl+Shift+P")
SHORTCUTS_KEY = "Ctrl+/"


class DailyUseHooks:
    """Mixin of MainWindow (which provides ``bridge``, ``views``, ``show_view``, ``tr``...)."""

    inspector_window: InspectorWindow | None = None
    command_palette: CommandPalette | None = None

    def install_daily_use(self: Any, help_menu: QMenu) -> None:
        """Palette shortcuts and the Help entries (palette, keyboard shortcuts)."""
        palette = QAction(self.tr("Command palette…"), self)
        palette.setShortcuts([QKeySequence(k) for k in PALETTE_KEYS])
        palette.triggered.connect(self.open_command_palette)
        shortcuts = QAction(self.tr("Keyboard shortcuts"), self)
        shortcuts.setShortcut(QKeySequence(SHORTCUTS_KEY))
        shortcuts.triggered.connect(self.show_shortcuts)
        first = help_menu.actions()[0] if help_menu.actions() else None
        help_menu.insertAction(first, palette)
        help_menu.insertAction(first, shortcuts)
        help_menu.insertSeparator(first)
        self.addAction(palette)  # active even when the menu bar is hidden
        self.addAction(shortcuts)

    def open_run(self: Any, run_id: str) -> RunInspector:
        """Show a run in the run inspector window (notifications, palette, webhook tab, runs list)."""
        from flowdesk.gui.inspector.inspector_window import InspectorWindow

        if self.inspector_window is None:
            editor = load_app_settings(self.bridge.data_dir).editor_command
            self.inspector_window = InspectorWindow(self.bridge, self, editor_command=editor)
            self.inspector_window.workflow_requested.connect(self.show_workflow)
            self.inspector_window.inspector.tools_requested.connect(self.open_tools_view)
        return self.inspector_window.open_run(run_id)

    def show_workflow(self: Any, slug: str) -> None:
        """The Workflows view with ``slug`` selected, window in front."""
        self.bring_forward()
        view = self.show_view("workflows")
        if view is None:
            return
        if getattr(view, "loaded", False):
            view.select(slug)
        view.refresh(select=slug)  # the rows are rebuilt on the core thread: selected again once they are in

    def open_runs(self: Any, workflow: str = "", status: str = "") -> None:
        """The Runs view filtered to ``workflow`` and ``status`` ("" for all; "failed": error or timeout), in front."""
        self.bring_forward()
        view = self.show_view("runs")
        if view is not None and hasattr(view, "show_runs"):
            view.show_runs(workflow or None, status or None)

    def open_tools_view(self: Any) -> None:
        """Tools & credentials, window in front (a re-run form found a tool profile to set up)."""
        self.bring_forward()
        self.show_view("tools")

    def fix_credential(self: Any, tool: str, profile: str) -> None:
        """Tools & credentials on ``tool`` with ``profile``'s fix focused (a credential notification was clicked)."""
        self.bring_forward()
        view = self.show_view("tools")
        if view is not None and hasattr(view, "select_tool"):
            view.select_tool(tool, profile)  # its Reconnect (or Edit…) button gets the focus

    def open_command_palette(self: Any) -> CommandPalette | None:
        """Ctrl+K / Ctrl+Shift+P."""
        from flowdesk.gui.palette.command_palette import CommandPalette

        if not self.bridge.running:
            return None
        if self.command_palette is None:
            self.command_palette = CommandPalette(self)
        self.command_palette.popup()
        return self.command_palette

    def open_workflow_picker(self: Any) -> CommandPalette | None:
        """The palette on "Run which workflow?" (the Runs view's primary action)."""
        palette = self.open_command_palette()
        if palette is not None:
            palette.popup_at("play")
        return palette

    def show_shortcuts(self: Any) -> None:
        """Help ▸ Keyboard shortcuts."""
        from flowdesk.gui.shortcuts_dialog import ShortcutsDialog

        self.shortcuts_dialog = ShortcutsDialog(self)
        self.shortcuts_dialog.open()
