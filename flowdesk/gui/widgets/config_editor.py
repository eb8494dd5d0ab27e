"""``ConfigEditor``: edit a workflow's config.json; validated first, saved atomically on the core, then reloaded."""

from __future__ import annotations

import copy
import html
from typing import Any

from pydantic import ValidationError

from flowdesk.core.config import TRIGGERS, WorkflowConfig, errors_from_validation, read_json_object, save_config
from flowdesk.core.errors import ConfigErrors
from flowdesk.core.run_service import tool_profiles
from flowdesk.gui.core_bridge import CoreBridge
from flowdesk.gui.qt import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    Qt,
    QTabWidget,
    QVBoxLayout,
    QWidget,
    Signal,
)
from flowdesk.gui.widgets.inputs_schema_editor import InputsSchemaEditor
from flowdesk.gui.widgets.schedule_editor import ScheduleEditor
from flowdesk.gui.widgets.status_colors import error_color
from flowdesk.gui.widgets.tool_profiles_editor import ToolProfilesEditor
from flowdesk.gui.i18n import core_text


def put(data: dict[str, Any], original: dict[str, Any], key: str, value: Any, default: Any) -> None:
    """Set ``key`` unless it was absent and the value is its default (no noise in the file)."""
    if key in original or value != default:
        data[key] = value


class ConfigEditor(QDialog):
    """General, Schedule, Tools and Inputs tabs over one config.json; unknown keys and spellings survive."""

    saved = Signal(str)  # slug

    def __init__(self, bridge: CoreBridge, slug: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.entry = bridge.runtime.registry.workflow(slug)
        self.slug = self.entry.slug
        self.path = self.entry.config_path
        self.setWindowTitle(self.tr("Edit %1 — config.json").replace("%1", self.entry.display_name))
        self.resize(900, 640)
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setTextFormat(Qt.TextFormat.RichText)
        self.error_label.hide()
        self.tabs = QTabWidget()
        self.tabs.addTab(self._general_tab(), self.tr("General"))
        self.schedule = ScheduleEditor()
        self.catchup = QComboBox()
        self.catchup.addItems(["skip", "once"])
        self.catchup.setToolTip(self.tr("Runs missed while FlowDesk was closed or the machine asleep: skip them, "
                                        "or run once when it is back."))
        schedule_page = QWidget()
        schedule_layout = QVBoxLayout(schedule_page)
        schedule_layout.addWidget(self.schedule)
        catchup_form = QFormLayout()
        catchup_form.addRow(self.tr("Missed runs:"), self.catchup)
        schedule_layout.addLayout(catchup_form)
        schedule_layout.addStretch(1)
        self.tabs.addTab(schedule_page, self.tr("Schedule"))
        self.tools = ToolProfilesEditor(bridge.runtime)
        self.tabs.addTab(self.tools, self.tr("Tools"))
        self.inputs = InputsSchemaEditor()
        self.tabs.addTab(self.inputs, self.tr("Inputs"))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.original: dict[str, Any] = {}
        self.errors: list[str] = []
        self.load()

    def _general_tab(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.name_edit = QLineEdit()
        self.description_edit = QPlainTextEdit()
        self.description_edit.setFixedHeight(70)
        self.category_edit = QComboBox()
        self.category_edit.setEditable(True)
        categories = {e.config.category for e in dict(self.bridge.runtime.registry.workflows).values()
                      if e.config is not None and e.config.category}
        self.category_edit.addItems(["", *sorted(categories)])
        self.trigger_boxes = {t: QCheckBox(t) for t in TRIGGERS}
        triggers = QHBoxLayout()
        for box in self.trigger_boxes.values():
            triggers.addWidget(box)
        triggers.addStretch(1)
        self.active_box = QCheckBox(self.tr("Active (scheduled runs and webhooks are allowed)"))
        self.timeout_spin = QDoubleSpinBox()
        self.timeout_spin.setRange(0, 7 * 24 * 3600)
        self.timeout_spin.setDecimals(1)
        self.timeout_spin.setSuffix(" s")
        self.timeout_spin.setSpecialValueText(self.tr("app default"))
        self.max_instances_spin = QSpinBox()
        self.max_instances_spin.setRange(1, 1000)
        form.addRow(self.tr("Name:"), self.name_edit)
        form.addRow(self.tr("Description:"), self.description_edit)
        form.addRow(self.tr("Category:"), self.category_edit)
        form.addRow(self.tr("Triggers:"), triggers)
        form.addRow("", self.active_box)
        form.addRow(self.tr("Timeout:"), self.timeout_spin)
        form.addRow(self.tr("Max instances:"), self.max_instances_spin)
        return page

    # -- loading ------------------------------------------------------------------------------

    def load(self) -> None:
        """Fill the tabs from the file on disk (a broken file: its errors, and Save stays off)."""
        try:
            self.original = read_json_object(self.path)
            config = WorkflowConfig.model_validate(self.original)
        except ConfigErrors as exc:
            self.show_errors([e.render() for e in exc.errors])
            self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(False)
            return
        except ValidationError as exc:
            self.show_errors([e.render() for e in errors_from_validation(self.path, exc, self.original).errors])
            self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(False)
            return
        self.name_edit.setText(config.name or "")
        self.description_edit.setPlainText(config.description or "")
        self.category_edit.setCurrentText(config.category or "")
        for trigger, box in self.trigger_boxes.items():
            box.setChecked(trigger in config.triggers)
        self.active_box.setChecked(config.active)
        self.timeout_spin.setValue(config.timeout or 0)
        self.max_instances_spin.setValue(config.max_instances)
        self.schedule.set_values(config.schedule, config.timezone)
        self.catchup.setCurrentText(config.catchup)
        self.tools.load(config.tools_required, tool_profiles(self.entry),
                        [f.name for f in config.inputs_schema])
        raw_inputs = self.original.get("inputs_schema")
        self.inputs.load(raw_inputs if isinstance(raw_inputs, list) else [])

    # -- saving -------------------------------------------------------------------------------

    def build_data(self) -> dict[str, Any]:
        """The original dict with the form's values applied (keys the form does not know are left alone)."""
        original = self.original
        data = copy.deepcopy(original)
        text = self.description_edit.toPlainText().strip()
        put(data, original, "name", self.name_edit.text().strip() or None, None)
        put(data, original, "description", text or None, None)
        put(data, original, "category", self.category_edit.currentText().strip() or None, None)
        put(data, original, "triggers", [t for t, box in self.trigger_boxes.items() if box.isChecked()], ["manual"])
        put(data, original, "schedule", self.schedule.expression(), None)
        put(data, original, "timezone", self.schedule.timezone_name(), None)
        put(data, original, "catchup", self.catchup.currentText(), "skip")
        put(data, original, "active", self.active_box.isChecked(), True)
        timeout = self.timeout_spin.value()
        put(data, original, "timeout", (int(timeout) if timeout.is_integer() else timeout) or None, None)
        put(data, original, "max_instances", self.max_instances_spin.value(), 1)
        put(data, original, "tools_required", self.tools.tools(), [])
        self.tools.apply_profiles(data, original)
        put(data, original, "inputs_schema", self.inputs.to_raw(), [])
        return data

    def validate(self) -> tuple[WorkflowConfig | None, list[str]]:
        """The model of the edited config, or ``path: field: message`` errors (the schedule checked too)."""
        errors = []
        if self.schedule.error:
            errors.append(f"{self.path}: schedule: {self.schedule.error}")
        data = self.build_data()
        try:
            model = WorkflowConfig.model_validate(data)
        except ValidationError as exc:
            errors.extend(e.render() for e in errors_from_validation(self.path, exc, data).errors)
            model = None
        return (model if not errors else None), errors

    def save(self) -> bool:
        """Validate; when valid, write the file and reload on the core, then close. False when refused."""
        model, errors = self.validate()
        if model is None:
            self.show_errors(errors)
            if self.schedule.error:
                self.tabs.setCurrentWidget(self.schedule.parentWidget())
            return False
        self.show_errors([])
        self.buttons.setEnabled(False)
        path, original = self.path, self.original

        def write(rt):  # noqa: ANN001, ANN202 - runs on the core
            save_config(path, model, original)
            return rt.reload()

        self.bridge.submit(write, self._on_saved, self._on_save_failed)
        return True

    def _on_saved(self, _report: object) -> None:
        self.buttons.setEnabled(True)
        self.saved.emit(self.slug)
        self.accept()

    def _on_save_failed(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        if isinstance(exc, ConfigErrors):
            self.show_errors([e.render() for e in exc.errors])
        else:
            self.show_errors([f"{self.path}: could not save: {exc}"])

    def show_errors(self, errors: list[str]) -> None:
        """The errors under the tabs, in red (an empty list hides them)."""
        self.errors = list(errors)
        self.error_label.setStyleSheet(f"color: {error_color(self).name()};")
        self.error_label.setText("<br>".join(html.escape(core_text(e)) for e in errors))  # the core's, in English
        self.error_label.setVisible(bool(errors))
