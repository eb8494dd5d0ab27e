"""Create, edit and delete a tool's profiles: ``{TOOL}_{PROFILE}_{PARAM}`` lines of ``config/.env``."""

from __future__ import annotations

import asyncio
import logging
import os
import re
from pathlib import Path
from typing import Any

from flowdesk.core.env_file import read_env_file, update_env_file
from flowdesk.core.oauth.oauth_targets import profiles_of
from flowdesk.core.profiles import INPUT_PREFIX, normalize, profile_var
from flowdesk.core.registry import ToolEntry
from flowdesk.gui.core_bridge import CoreBridge
from flowdesk.gui.qt import (
    QCoreApplication,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QRegularExpression,
    QRegularExpressionValidator,
    Qt,
    QToolButton,
    QVBoxLayout,
    QWidget,
    Signal,
)
from flowdesk.gui.widgets.status_colors import error_color

log = logging.getLogger(__name__)
PROFILE_NAME = re.compile(r"[A-Z0-9][A-Z0-9_]*")


def profile_name_error(name: str, existing: list[str]) -> str | None:
    """Why ``name`` cannot be a new profile name, or None."""
    if not PROFILE_NAME.fullmatch(name):
        return QCoreApplication.translate("ProfileEditor", "Use capital letters, digits and _ only (for example WORK or TEAM_2).")
    if name.startswith(INPUT_PREFIX):
        return QCoreApplication.translate("ProfileEditor", "INPUT_ profiles take their value from a run's input; choose another name.")
    if name in existing:
        return QCoreApplication.translate("ProfileEditor", "Profile %1 already exists.").replace("%1", name)
    return None


def profile_variables(values: dict[str, str], tool: str, profile: str, other_profiles: list[str],
                      other_tools: list[str]) -> list[str]:
    """Every ``{TOOL}_{PROFILE}_*`` variable of ``values``, leaving other profiles and tools alone.

    ``SLACK_WORK_`` also prefixes ``SLACK_WORK_2_TOKEN`` (profile WORK_2) and ``GOOGLE_CALENDAR_``
    prefixes another tool's variables, so longer known profiles and tools are excluded.
    """
    tool_up, prefix = normalize(tool), f"{normalize(tool)}_{profile}_"
    longer = [f"{tool_up}_{p}_" for p in other_profiles if p != profile and p.startswith(profile + "_")]
    longer += [normalize(t) + "_" for t in other_tools
               if normalize(t) != tool_up and (normalize(t) + "_").startswith(prefix)]
    return [k for k in values if k.startswith(prefix) and not any(k.startswith(x) for x in longer)]


class SecretField(QWidget):
    """A password line edit with a Show toggle; the value is masked on screen until asked."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QLineEdit()
        self.edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.show_button = QToolButton()
        self.show_button.setText(self.tr("Show"))
        self.show_button.setCheckable(True)
        self.show_button.toggled.connect(self._toggle)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.show_button)

    def _toggle(self, shown: bool) -> None:
        self.edit.setEchoMode(QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password)
        self.show_button.setText(self.tr("Hide") if shown else self.tr("Show"))


class ProfileEditor(QDialog):
    """One tool's profiles: pick or add one, fill its parameters, save or delete (atomic .env writes)."""

    saved = Signal(str)  # profile
    deleted = Signal(str)  # profile
    failed = Signal(str)  # message

    def __init__(self, bridge: CoreBridge, entry: ToolEntry, profile: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        assert entry.config is not None, "broken tools have no parameters to edit"
        self.bridge = bridge
        self.entry = entry
        self.config = entry.config
        self.env_file: Path = bridge.workspace.env_file
        self.setWindowTitle(self.tr("Profiles of %1").replace("%1", entry.display_name))
        self.resize(720, 460)
        self.fields: dict[str, QLineEdit] = {}
        self.loaded: dict[str, str] = {}
        self.profiles: list[str] = []
        self.list = QListWidget()
        self.list.currentTextChanged.connect(self._load_profile)
        self.new_name = QLineEdit()
        self.new_name.setPlaceholderText("NEW_PROFILE")  # i18n: ok (a variable name to type)
        self.new_name.setValidator(QRegularExpressionValidator(QRegularExpression("[A-Za-z0-9_]*")))
        self.new_name.textEdited.connect(lambda text: self.new_name.setText(text.upper()))
        self.new_name.returnPressed.connect(self._add_from_field)
        add = QPushButton(self.tr("Add"))
        add.clicked.connect(self._add_from_field)
        self.delete_button = QPushButton(self.tr("Delete profile…"))
        self.delete_button.clicked.connect(self._confirm_delete)
        new_row = QHBoxLayout()
        new_row.addWidget(self.new_name, 1)
        new_row.addWidget(add)
        left = QVBoxLayout()
        left.addWidget(QLabel(self.tr("Profiles")))
        left.addWidget(self.list, 1)
        left.addLayout(new_row)
        left.addWidget(self.delete_button)
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.examples = QComboBox()
        self.examples.addItem(self.tr("Fill from an example…"))
        for name in self.config.profile_examples:
            self.examples.addItem(name)
        self.examples.setVisible(bool(self.config.profile_examples))
        self.examples.activated.connect(self._fill_example)
        self.form = QFormLayout()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.save_button = QPushButton(self.tr("Save"))
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        close = QPushButton(self.tr("Close"))
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(close)
        right = QVBoxLayout()
        right.addWidget(self.heading)
        right.addWidget(self.examples)
        right.addLayout(self.form)
        right.addStretch(1)
        right.addLayout(buttons)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 1)
        layout.addLayout(right, 3)
        self.failed.connect(self._show_error)
        self.reload_profiles(select=profile)

    # -- profiles -----------------------------------------------------------------

    def reload_profiles(self, select: str | None = None, drop: str | None = None) -> None:
        """Re-read the profile names from the environment and config/.env (added, unsaved ones stay)."""
        found = profiles_of(self.entry, self.bridge.runtime.registry, self.bridge.runtime.resolver)
        pending = [p for p in self.profiles if p not in found and p != drop]
        self.profiles = sorted({*found, *pending, *([select] if select else [])})
        self.list.blockSignals(True)
        self.list.clear()
        self.list.addItems(self.profiles)
        self.list.blockSignals(False)
        if self.profiles:
            self.list.setCurrentRow(self.profiles.index(select) if select in self.profiles else 0)
        else:
            self._load_profile("")

    @property
    def profile(self) -> str:
        """The profile being edited ("" when none)."""
        item = self.list.currentItem()
        return item.text() if item is not None else ""

    def add_profile(self, name: str) -> str | None:
        """Add ``name`` to the list (written on Save); returns the error, or None."""
        name = name.strip().upper()
        error = profile_name_error(name, self.profiles)
        if error:
            self._show_error(error)
            return error
        self.profiles = sorted([*self.profiles, name])
        self.list.addItem(name)
        self.list.sortItems()
        self.list.setCurrentItem(self.list.findItems(name, Qt.MatchFlag.MatchExactly)[0])
        self.new_name.clear()
        self.message.setText(self.tr("Fill in %1, then Save.").replace("%1", name))
        return None

    def _add_from_field(self) -> None:
        self.add_profile(self.new_name.text())

    # -- the form -------------------------------------------------------------------

    def var(self, param: str, profile: str | None = None) -> str:
        """The variable holding ``param`` of ``profile`` (the current one by default)."""
        return profile_var(self.entry.slug, profile or self.profile, param)

    def _load_profile(self, profile: str) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        self.fields.clear()
        self.loaded = {}
        enabled = bool(profile)
        self.delete_button.setEnabled(enabled)
        self.save_button.setEnabled(enabled)
        self.examples.setEnabled(enabled)
        if not profile:
            self.heading.setText(self.tr("No profile yet: type a name (for example DEFAULT or WORK) and press Add."))
            return
        self.heading.setText(f"<b>{profile}</b> — " + self.tr("variables %1 in config/.env. * = required.").replace(
            "%1", f"<code>{normalize(self.entry.slug)}_{profile}_…</code>"))
        file_values = read_env_file(self.env_file)
        required = set(self.config.required_params)
        for param in self.config.param_names:
            var = self.var(param, profile)
            secret = self.config.is_secret_param(param)
            holder = SecretField() if secret else None
            edit = holder.edit if holder else QLineEdit()
            value = file_values.get(var, "")
            edit.setText(value)
            self.loaded[param] = value
            default = self.config.optional_params.get(param)
            edit.setPlaceholderText(self.tr("required") if param in required else
                                    self.tr("default: %1").replace("%1", str(default)) if default not in (None, "")
                                    else self.tr("optional"))
            tip = var + ("\n" + self.tr("Set in the process environment: that value wins over this one.") if os.environ.get(var)
                         else "")
            edit.setToolTip(tip)
            self.fields[param] = edit
            self.form.addRow(f"{param}{' *' if param in required else ''}", holder or edit)
        self.message.setText("")

    def _fill_example(self, index: int) -> None:
        if index <= 0:
            return
        example = self.config.profile_examples.get(self.examples.itemText(index), {})
        for param, value in example.items():
            edit = self.fields.get(param)
            if edit is not None and not edit.text() and not self.config.is_secret_param(param):
                edit.setText("" if value is None else str(value))
        self.examples.setCurrentIndex(0)

    def changes(self) -> tuple[dict[str, str], list[str]]:
        """(variables to set, variables to remove) for the current form; untouched fields are left as they are."""
        to_set: dict[str, str] = {}
        to_remove: list[str] = []
        for param, edit in self.fields.items():
            value, before = edit.text().strip(), self.loaded.get(param, "")
            if value == before:
                continue  # keeps ${VAR} references and quoting of values nobody edited
            if value:
                to_set[self.var(param)] = value
            else:
                to_remove.append(self.var(param))
        return to_set, to_remove

    # -- writing --------------------------------------------------------------------

    def save(self) -> None:
        """Write the changed variables of the current profile (on the core thread, atomically)."""
        profile = self.profile
        if not profile:
            return
        to_set, to_remove = self.changes()
        if not to_set and not to_remove:
            self._show_error(self.tr("Nothing to save: enter or change a value first."))
            return
        self._write(to_set, to_remove, lambda: self._after_save(profile, len(to_set), len(to_remove)))

    def _after_save(self, profile: str, set_count: int, removed: int) -> None:
        log.info("profile %s of tool %s saved: %d variable(s) set, %d removed", profile, self.entry.slug,
                 set_count, removed)  # names and counts only: values may be secrets
        self.message.setStyleSheet("")
        self.message.setText(self.tr("Saved %1 to config/.env.").replace("%1", profile))
        self.reload_profiles(select=profile)
        self.saved.emit(profile)

    def delete_profile(self, profile: str) -> None:
        """Remove every ``{TOOL}_{PROFILE}_*`` variable of ``profile`` from config/.env."""
        names = profile_variables(read_env_file(self.env_file), self.entry.slug, profile, self.profiles,
                                  list(self.bridge.runtime.registry.tools))

        def done() -> None:
            log.info("profile %s of tool %s deleted (%d variable(s))", profile, self.entry.slug, len(names))
            self.reload_profiles(drop=profile)
            self.message.setText(self.tr("Deleted %1.").replace("%1", profile))
            self.deleted.emit(profile)

        self._write({}, names, done)

    def _confirm_delete(self) -> None:
        profile = self.profile
        answer = QMessageBox.question(self, self.tr("Delete profile?"), self.tr(
            "Remove every %1_… variable from config/.env? Workflows using %2 will stop finding their settings.")
            .replace("%1", f"{normalize(self.entry.slug)}_{profile}").replace("%2", profile))
        if answer == QMessageBox.StandardButton.Yes:
            self.delete_profile(profile)

    def _write(self, to_set: dict[str, str], to_remove: list[str], then: Any) -> None:
        env_file = self.env_file
        self.save_button.setEnabled(False)
        self.delete_button.setEnabled(False)

        def finished(_value: object) -> None:
            self.save_button.setEnabled(bool(self.profile))
            self.delete_button.setEnabled(bool(self.profile))
            then()

        def failed(exc: BaseException) -> None:
            self.save_button.setEnabled(bool(self.profile))
            self.delete_button.setEnabled(bool(self.profile))
            self.failed.emit(self.tr("Cannot write %1: %2").replace("%1", str(env_file)).replace("%2", str(exc)))

        self.bridge.submit(lambda _rt: asyncio.to_thread(update_env_file, env_file, to_set, to_remove),
                           finished, failed)

    def _show_error(self, text: str) -> None:
        self.message.setStyleSheet(f"color: {error_color(self).name()}")
        self.message.setText(text)
