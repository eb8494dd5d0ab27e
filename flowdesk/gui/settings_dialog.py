"""File ▸ Settings: workspace, port, start-up behaviour, notifications, run retention, start at login."""

from __future__ import annotations

import logging
from pathlib import Path


from flowdesk.core import autostart
from flowdesk.core.app_settings import LANGUAGES, THEMES, AppSettings, SettingsError, load_app_settings, save_app_settings
from flowdesk.core.runtime import Runtime
from flowdesk.gui.core_bridge import CoreBridge
from flowdesk.gui.theme.theme_manager import theme_manager
from flowdesk.gui.qt import (
    QCheckBox,
    QComboBox,
    QCoreApplication,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

log = logging.getLogger(__name__)


def restart_note() -> str:
    """The hint under settings that apply at the next start."""
    return QCoreApplication.translate("SettingsDialog", "Takes effect the next time FlowDesk starts.")


def _note(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 0.9)
    label.setFont(font)
    label.setEnabled(False)  # the palette's disabled text colour: a hint, readable in light and dark themes
    return label


class SettingsDialog(QDialog):
    """Edits ``settings.json`` in the data dir; start at login is applied to the system at once."""

    def __init__(self, bridge: CoreBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("FlowDesk settings"))
        self.bridge = bridge
        self.data_dir: Path = bridge.data_dir
        self.settings = load_app_settings(self.data_dir)
        self.workspace = QLineEdit(self.settings.workspace or "")
        self.workspace.setPlaceholderText(str(bridge.workspace.root))
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(self.browse_workspace)
        ws_row = QHBoxLayout()
        ws_row.addWidget(self.workspace, 1)
        ws_row.addWidget(browse)
        self.port = QSpinBox()
        self.port.setRange(0, 65535)
        self.port.setSpecialValueText(self.tr("Any free port"))
        self.port.setValue(self.settings.port)
        self.start_minimised = QCheckBox(self.tr("Start minimised to the tray"))
        self.start_minimised.setChecked(self.settings.start_minimised)
        self.notifications = QCheckBox(self.tr("Notify when a run fails or a credential needs reconnecting (a click opens it)"))
        self.notifications.setChecked(self.settings.notifications)
        self.retention_days = QSpinBox()
        self.retention_days.setRange(0, 36500)
        self.retention_days.setSpecialValueText(self.tr("Keep forever"))
        self.retention_days.setSuffix(self.tr(" days"))
        self.retention_days.setValue(self.settings.retention_days or 0)
        self.retention_runs = QSpinBox()
        self.retention_runs.setRange(0, 10_000_000)
        self.retention_runs.setSpecialValueText(self.tr("No limit"))
        self.retention_runs.setSuffix(self.tr(" runs"))
        self.retention_runs.setValue(self.settings.retention_runs or 0)
        self.theme = QComboBox()
        for value, label in zip(THEMES, (self.tr("System (follow the OS)"), self.tr("Light"), self.tr("Dark"))):
            self.theme.addItem(label, value)
        self.theme.setCurrentIndex(THEMES.index(self.settings.theme))
        self.language = QComboBox()  # issue 15: the OS locale's language, or English/French
        for value, label in zip(LANGUAGES, (self.tr("System (follow the OS)"), "English", "Français")):
            self.language.addItem(label, value)
        self.language.setCurrentIndex(LANGUAGES.index(self.settings.language))
        self.editor_command = QLineEdit(self.settings.editor_command or "")
        self.editor_command.setPlaceholderText(self.tr("e.g. code -g {file}:{line} (empty: $VISUAL/$EDITOR or one found)"))
        self.start_at_login = QCheckBox(self.tr("Start FlowDesk at login"))
        self._autostart_was = self._autostart_state()
        self.start_at_login.setChecked(self._autostart_was)
        form = QFormLayout()
        form.addRow(self.tr("Appearance:"), self.theme)
        form.addRow(self.tr("Language:"), self.language)
        form.addRow("", _note(restart_note()))
        form.addRow(self.tr("Workspace folder:"), ws_row)
        form.addRow("", _note(restart_note() + " " + self.tr("Empty: the default (FLOWDESK_WORKSPACE, else ~/FlowDesk).")))
        form.addRow(self.tr("Listener port:"), self.port)
        form.addRow("", _note(restart_note() + " " + self.tr(
            "Google OAuth clients made for the seed platform expect 8000. --port or FLOWDESK_PORT override it for one launch.")))
        form.addRow("", self.start_minimised)
        form.addRow("", self.notifications)
        form.addRow(self.tr("Keep runs for:"), self.retention_days)
        form.addRow(self.tr("Keep at most:"), self.retention_runs)
        form.addRow(self.tr("Editor:"), self.editor_command)
        form.addRow("", self.start_at_login)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def _autostart_state(self) -> bool:
        """What the system says (the setting may be stale if the user removed the entry by hand)."""
        try:
            return autostart.is_enabled()
        except autostart.AutostartError as exc:
            self.start_at_login.setEnabled(False)
            self.start_at_login.setToolTip(str(exc))
            return False

    def browse_workspace(self) -> None:
        """Pick the workspace folder."""
        start = self.workspace.text() or str(self.bridge.workspace.root)
        folder = QFileDialog.getExistingDirectory(self, self.tr("Workspace folder"), start)
        if folder:
            self.workspace.setText(folder)

    def collected(self) -> AppSettings:
        """The settings as edited (unknown keys from newer versions kept); SettingsError if invalid."""
        data = self.settings.to_dict()
        data.update(
            workspace=self.workspace.text().strip() or None,
            port=self.port.value(),
            start_minimised=self.start_minimised.isChecked(),
            notifications=self.notifications.isChecked(),
            retention_days=self.retention_days.value() or None,
            retention_runs=self.retention_runs.value() or None,
            start_at_login=self.start_at_login.isChecked(),
            theme=self.theme.currentData(),
            language=self.language.currentData(),
            editor_command=self.editor_command.text().strip() or None,
        )
        return AppSettings.from_dict(data)

    def save(self) -> str | None:
        """Write the settings and apply start at login; returns the error to show, or None."""
        workspace = self.workspace.text().strip()
        if workspace and not Path(workspace).expanduser().is_dir():
            return self.tr("The workspace folder %1 does not exist.").replace("%1", workspace)
        try:
            settings = self.collected()
        except SettingsError as exc:
            return str(exc)
        wanted = settings.start_at_login
        if self.start_at_login.isEnabled() and wanted != self._autostart_was:
            try:
                autostart.set_enabled(wanted)
            except autostart.AutostartError as exc:
                return str(exc)
            self._autostart_was = wanted
        try:
            save_app_settings(self.data_dir, settings)
        except OSError as exc:
            return self.tr("Cannot save the settings: %1").replace("%1", str(exc))
        self.settings = settings
        self._apply_live(settings)
        log.info("settings saved to %s", self.data_dir)
        return None

    def _apply_live(self, settings: AppSettings) -> None:
        """Appearance and retention need no restart: the theme switches now, the runtime reads retention when it prunes."""
        manager = theme_manager()
        if manager is not None:
            manager.set_mode(settings.theme)
        notifier = getattr(self.parent(), "notifier", None)
        if notifier is not None:
            notifier.reload_settings()  # notifications on/off apply at once
        parent = self.parent()
        if parent is not None:  # every inspector: the window's, the Runs view's pane, an open run form's
            from flowdesk.gui.inspector.run_inspector import RunInspector

            for inspector in parent.findChildren(RunInspector):
                inspector.editor_command = settings.editor_command

        def apply(rt: Runtime) -> None:
            rt.settings.retention_days = settings.retention_days
            rt.settings.retention_runs = settings.retention_runs

        if self.bridge.running:
            self.bridge.submit(apply)

    def accept(self) -> None:
        """Save, then close; on error say why and stay open."""
        error = self.save()
        if error is not None:
            QMessageBox.warning(self, self.tr("Settings not saved"), error)
            return
        super().accept()
