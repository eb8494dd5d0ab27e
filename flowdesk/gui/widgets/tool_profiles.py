"""A tool's profiles as table rows: status (missing variables, OAuth token), last test, and row buttons."""

from __future__ import annotations

from datetime import datetime

from flowdesk.core.tool_testing import recognise_test_message
from flowdesk.core.translatable import Translatable
from flowdesk.gui.qt import (
    QAbstractItemView,
    QCoreApplication,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
    Signal,
)
from flowdesk.gui.tool_status import ProfileState, ToolState
from flowdesk.gui.widgets.status_colors import status_color
from flowdesk.gui.i18n import core_text

COLUMNS = ["Profile", "Status", "Used by", "Last test", ""]  # i18n: ok (keys; headers() shows them translated)
STATUS_COL, TEST_COL, BUTTONS_COL = 1, 3, 4
TESTING = "Testing…"


def _tr(text: str) -> str:
    return QCoreApplication.translate("ProfilesTable", text)


def headers() -> list[str]:
    """The column titles in the window's language."""
    return [_tr("Profile"), _tr("Status"), _tr("Used by"), _tr("Last test"), ""]


def button_text(key: str) -> str:
    """A row button's words (the buttons are keyed by their English label)."""
    words = {"Test": _tr("Test"), "Edit…": _tr("Edit…"), "Connect": _tr("Connect"), "Reconnect": _tr("Reconnect"),
             "Disconnect": _tr("Disconnect")}
    return words.get(key, key)


def _local_time(iso: str) -> str:
    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return iso


def profile_status(p: ProfileState) -> tuple[str, str]:
    """(text, status word for its colour): what is missing by variable name, or the token's state."""
    if not p.configured:
        return _tr("Missing %1").replace("%1", ", ".join(p.missing)), "error"
    oauth = p.oauth
    if oauth is None:
        return _tr("Ready"), "success"
    if oauth.get("authenticated"):
        if oauth.get("valid") and oauth.get("expires_at"):
            text = _tr("Connected · access token valid until %1").replace("%1", _local_time(oauth["expires_at"]))
            return text + (" " + _tr("(renewed automatically)") if oauth.get("refreshable") else ""), "success"
        return _tr("Connected · a new access token is fetched on next use"), "success"
    if oauth.get("needs_reconnect") and "not connected yet" not in (oauth.get("reason") or ""):
        return _tr("Reconnect needed: %1").replace("%1", str(core_text(oauth.get("reason")))), "error"
    return _tr("Not connected: press Connect to sign in with Google"), "skipped"


def oauth_buttons(p: ProfileState) -> tuple[str, bool, bool]:
    """(connect button text, connect enabled, disconnect enabled) for an OAuth profile."""
    oauth = p.oauth or {}
    connected = bool(oauth.get("authenticated"))
    has_token = connected or (oauth.get("needs_reconnect") and "not connected yet" not in (oauth.get("reason") or ""))
    return ("Reconnect" if has_token else "Connect"), p.configured, bool(has_token)


class ProfilesTable(QTableWidget):
    """One row per profile; the buttons only ask (signals), the Tools view does the work."""

    test_requested = Signal(str, str)  # tool, profile
    edit_requested = Signal(str, str)
    connect_requested = Signal(str, str)
    disconnect_requested = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, len(COLUMNS), parent)
        self.setHorizontalHeaderLabels(headers())
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.verticalHeader().setVisible(False)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(STATUS_COL, QHeaderView.ResizeMode.Stretch)
        self.setWordWrap(True)
        self.tool: ToolState | None = None
        self.rows: dict[str, int] = {}
        self.buttons: dict[tuple[str, str], QPushButton] = {}  # (profile, label) -> button

    def show_tool(self, tool: ToolState, results: dict[str, tuple[bool, str] | None]) -> None:
        """Fill the rows; ``results`` maps a profile to its last test ((ok, message), or None while testing)."""
        self.tool = tool
        self.rows = {p.profile: row for row, p in enumerate(tool.profiles)}
        self.buttons.clear()
        self.setRowCount(len(tool.profiles))
        for row, p in enumerate(tool.profiles):
            text, status = profile_status(p)
            self.setItem(row, 0, QTableWidgetItem(p.profile))
            item = QTableWidgetItem(text)
            item.setForeground(status_color(status, self))
            item.setToolTip(self._sources_tip(p))
            self.setItem(row, STATUS_COL, item)
            self.setItem(row, 2, QTableWidgetItem(", ".join(p.used_by) or "—"))
            self.setCellWidget(row, BUTTONS_COL, self._row_buttons(tool, p))
            result = results.get(p.profile)
            self.set_result(p.profile, result, pending=p.profile in results and result is None)
        self.resizeRowsToContents()

    @staticmethod
    def _sources_tip(p: ProfileState) -> str:
        # A value read from a variable names it (and the seed's class-name prefix when that was the one).
        lines = [f"{param}: {p.origins.get(param) or source}" for param, source in sorted(p.sources.items())]
        if p.oauth and p.oauth.get("token_file"):
            lines.append(_tr("token file: %1").replace("%1", str(p.oauth["token_file"])))
        if p.oauth and p.oauth.get("shared_with"):
            lines.append(_tr("token shared with: %1").replace("%1", ", ".join(p.oauth["shared_with"])))
        return _tr("Where values come from:") + "\n" + "\n".join(lines) if lines else ""

    def _row_buttons(self, tool: ToolState, p: ProfileState) -> QWidget:
        box = QWidget()
        layout = QHBoxLayout(box)
        layout.setContentsMargins(2, 0, 2, 0)
        specs: list[tuple[str, Signal, bool, str]] = [
            ("Test", self.test_requested, p.configured and not tool.entry.broken,
             self.tr("Build the tool with this profile and run authenticate()")),
            ("Edit…", self.edit_requested, True, self.tr("Edit this profile's variables in config/.env")),
        ]
        if tool.is_oauth:
            label, can_connect, can_disconnect = oauth_buttons(p)
            specs += [(label, self.connect_requested, can_connect, self.tr("Sign in with Google in your browser")),
                      ("Disconnect", self.disconnect_requested, can_disconnect,
                       self.tr("Revoke the token at Google and delete the token file"))]
        for label, signal, enabled, tip in specs:
            button = QPushButton(button_text(label))
            button.setEnabled(enabled)
            button.setToolTip(tip)
            button.clicked.connect(lambda _=False, s=signal, prof=p.profile: s.emit(tool.slug, prof))
            layout.addWidget(button)
            self.buttons[(p.profile, label)] = button
        return box

    def set_result(self, profile: str, result: tuple[bool, str] | None, pending: bool = False) -> None:
        """Show a test result (OK / the reason), ``Testing…`` while pending, or nothing."""
        row = self.rows.get(profile)
        if row is None:
            return
        if pending:
            item = QTableWidgetItem(_tr(TESTING))
            item.setForeground(status_color("running", self))
        elif result is None:
            item = QTableWidgetItem("—")
        else:
            ok, message = result
            found = recognise_test_message(message)  # English from the test's child process: shown translated
            reason = core_text(found.arguments["reason"]) if isinstance(found, Translatable) else _reason(message)
            item = QTableWidgetItem(_tr("OK") if ok else reason)
            item.setForeground(status_color("success" if ok else "error", self))
            item.setToolTip(core_text(found))
        item.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.setItem(row, TEST_COL, item)
        button = self.buttons.get((profile, "Test"))
        if button is not None:
            button.setEnabled(not pending and self._configured(profile))

    def _configured(self, profile: str) -> bool:
        tool = self.tool
        return bool(tool and not tool.entry.broken and any(p.profile == profile and p.configured
                                                           for p in tool.profiles))

    def result_text(self, profile: str) -> str:
        """The Last test cell of ``profile``."""
        item = self.item(self.rows.get(profile, -1), TEST_COL)
        return item.text() if item is not None else ""

    def status_text(self, profile: str) -> str:
        """The Status cell of ``profile``."""
        item = self.item(self.rows.get(profile, -1), STATUS_COL)
        return item.text() if item is not None else ""

    def button(self, profile: str, label: str) -> QPushButton | None:
        """A row button by profile and label (Test, Edit…, Connect, Reconnect, Disconnect)."""
        return self.buttons.get((profile, label))


def _reason(message: str) -> str:
    """``tool (profile P): reason`` -> ``reason``."""
    head, sep, rest = message.partition("): ")
    return rest if sep and head.count("(profile ") == 1 else message
