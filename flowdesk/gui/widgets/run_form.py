"""``RunForm``: a dialog generated from a workflow's inputs_schema that runs it and shows progress and result."""

from __future__ import annotations

import html
import re
from typing import Any

from flowdesk.core.app_settings import load_app_settings
from flowdesk.core.errors import InputValidationError
from flowdesk.core.input_validation import MASK, validate_inputs
from flowdesk.core.run_service import RunRequest, input_fields
from flowdesk.core.store import RunRecord
from flowdesk.gui.core_bridge import CoreBridge
from flowdesk.gui.i18n import error_text
from flowdesk.gui.inspector.run_inspector import RunInspector
from flowdesk.gui.qt import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)
from flowdesk.gui.widgets.input_widgets import FieldEditor, make_editor
from flowdesk.gui.widgets.reconnect_offer import ReconnectOffer, reconnect_target
from flowdesk.gui.widgets.status_colors import error_color

# A failed run whose text says this is most likely a credentials problem the Tools view can fix.
_AUTH_RE = re.compile(r"\b(auth\w*|unauthori[sz]ed|forbidden|401|403|credentials?|invalid[_ ]grant|"
                      r"invalid[_ ]token|token (?:has )?expired|reconnect)\b", re.IGNORECASE)
_SKIP_TOOL_RE = re.compile(r"\btool\b|\bprofile\b|\bmissing\b|\breconnect\b", re.IGNORECASE)


def needs_tools(record: RunRecord) -> bool:
    """True when a run was skipped for a tool or profile, or failed with what looks like an auth error."""
    text = " ".join(t for t in (record.message, record.error) if t)
    if record.status == "skipped":
        return bool(_SKIP_TOOL_RE.search(text))
    return record.status in ("error", "timeout") and bool(_AUTH_RE.search(text))


class RunForm(QDialog):
    """Inputs form -> run: errors on the fields before running, then the live log, then the result."""

    open_tools_requested = Signal()
    run_submitted = Signal(str)  # run id
    run_done = Signal(object)  # RunRecord

    def __init__(self, bridge: CoreBridge, workflow: str, parent: QWidget | None = None, *,
                 values: dict[str, Any] | None = None, parent_run_id: str | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.entry = bridge.runtime.registry.workflow(workflow)
        self.slug = self.entry.slug
        self.parent_run_id = parent_run_id
        self.fields = input_fields(self.entry) if self.entry.config is not None else []
        self.editors: dict[str, FieldEditor] = {}
        self.run_id: str | None = None
        self.record: RunRecord | None = None
        self.setWindowTitle((self.tr("Run %1 again") if parent_run_id else self.tr("Run %1")).replace("%1", self.entry.display_name))
        self.resize(640, 620)
        self.pages = QStackedWidget()
        self.pages.addWidget(self._build_form_page())
        self.pages.addWidget(self._build_run_page())
        self.run_button = QPushButton(self.tr("Run"))
        self.run_button.setDefault(True)
        self.run_button.clicked.connect(self.run)
        self.back_button = QPushButton(self.tr("Edit inputs"))
        self.back_button.clicked.connect(self.show_form)
        self.tools_button = QPushButton(self.tr("Open Tools"))
        self.tools_button.clicked.connect(self._open_tools)
        self.connect_button = QPushButton(self.tr("Connect and run again"))
        self.connect_button.clicked.connect(self._connect_and_rerun)
        self.connect_button.hide()
        self._offer: ReconnectOffer | None = None
        close_button = QPushButton(self.tr("Close"))
        close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.tools_button)
        buttons.addWidget(self.connect_button)
        buttons.addStretch(1)
        for button in (self.back_button, self.run_button, close_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)
        layout.addLayout(buttons)
        if values:
            self.set_values(values)
        self.show_form()
        if self.entry.config is None:
            self.run_button.setEnabled(False)

    # -- building -------------------------------------------------------------------------

    def _build_form_page(self) -> QWidget:
        page = QWidget()
        outer = QVBoxLayout(page)
        intro = QLabel()
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.RichText)
        config = self.entry.config
        if config is None:
            intro.setText("<b>" + self.tr("This workflow cannot be loaded:") + f"</b><br>{html.escape(self.entry.error or '')}")
        else:
            intro.setText(html.escape(config.description or "")
                          + ("" if self.fields else "<p><i>" + self.tr("This workflow takes no input.") + "</i></p>"))
        outer.addWidget(intro)
        holder = QWidget()
        form = QFormLayout(holder)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for field in self.fields:
            editor = make_editor(field, holder)
            editor.changed.connect(lambda e=editor: self._recheck(e))
            label = QLabel(html.escape(field.label or field.name) + (' <span title="' + self.tr("required") + '">*</span>'
                                                                     if field.required else ""))
            label.setTextFormat(Qt.TextFormat.RichText)
            if field.description:
                label.setToolTip(field.description)
            form.addRow(label, editor)
            self.editors[field.name] = editor
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(holder)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        outer.addWidget(scroll, 1)
        if any(f.required for f in self.fields):
            outer.addWidget(QLabel(self.tr("* required")))
        return page

    def _build_run_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.setTextFormat(Qt.TextFormat.RichText)
        self.notice.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notice.hide()
        # The run inspector without its buttons (this dialog has its own): header, trees, error links, live log.
        self.detail = RunInspector(self.bridge, page, actions=False,
                                   editor_command=load_app_settings(self.bridge.data_dir).editor_command)
        layout.addWidget(self.notice)
        layout.addWidget(self.detail, 1)
        return page

    # -- values and errors ----------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        """Every field's raw value as the form holds it."""
        return {name: editor.value() for name, editor in self.editors.items()}

    def set_values(self, values: dict[str, Any]) -> None:
        """Pre-fill (a re-run); recorded passwords are masked, so those fields are left empty to be typed again."""
        for name, value in values.items():
            editor = self.editors.get(name)
            if editor is None:
                continue
            if editor.field.type == "password" and value == MASK:
                editor.set_value("")
                editor.input.setPlaceholderText(self.tr("Not recorded: type it again"))
                continue
            editor.set_value(value)

    def errors(self) -> dict[str, str]:
        """Field -> message currently shown."""
        return {name: e.error for name, e in self.editors.items() if e.error}

    def show_errors(self, errors: dict[str, str]) -> None:
        """Put each message on its field (and clear the others); focus the first bad field."""
        first = None
        for name, editor in self.editors.items():
            editor.set_error(errors.get(name))
            if name in errors and first is None:
                first = editor
        if first is not None:
            first.input.setFocus()

    def _recheck(self, editor: FieldEditor) -> None:
        # Only a field already marked wrong is re-checked as the user types: no red while typing a first value.
        if editor.error is None or editor.field.type == "json":
            return
        try:
            validate_inputs([editor.field], {editor.field.name: editor.value()}, source="form")
        except InputValidationError as exc:
            editor.set_error(exc.errors.get(editor.field.name))
        else:
            editor.set_error(None)

    # -- running --------------------------------------------------------------------------

    def show_form(self) -> None:
        """Back to the inputs."""
        self.pages.setCurrentIndex(0)
        self.run_button.setEnabled(self.entry.config is not None)
        self.run_button.show()
        self.back_button.hide()
        self.tools_button.hide()

    def run(self) -> bool:
        """Validate on the GUI side; when valid, submit on the core and switch to progress. False if invalid."""
        values = self.values()
        try:
            validate_inputs(self.fields, values, source="form")
        except InputValidationError as exc:
            self.show_errors(exc.errors)
            return False
        self.show_errors({})
        self.record, self.run_id = None, None
        self.pages.setCurrentIndex(1)
        self.notice.hide()
        self.detail.show_pending(self.tr("Starting…"))
        self.run_button.setEnabled(False)
        self.back_button.hide()
        self.connect_button.hide()
        request = RunRequest(self.slug, values, trigger="manual", source="form", parent_run_id=self.parent_run_id)
        self.bridge.submit(lambda rt: rt.runs.submit(rt.runs.prepare(request)), self._on_submitted, self._on_failed)
        return True

    def _on_submitted(self, result: tuple[str, Any]) -> None:
        run_id, done = result
        self.run_id = run_id
        self.detail.show_run(run_id)
        self.run_submitted.emit(run_id)
        self.bridge.submit(lambda _rt: done, self._on_done, self._on_failed)

    def _on_failed(self, exc: BaseException) -> None:
        if isinstance(exc, InputValidationError):
            self.show_form()
            self.show_errors(exc.errors)
            return
        self.detail.progress.hide()
        self._notice("<b>" + self.tr("The run could not start:") + f"</b> {html.escape(error_text(exc))}")
        self.back_button.show()
        self.run_button.setEnabled(True)

    def _on_done(self, record: RunRecord) -> None:
        self.record = record
        self.detail.show_run(record.id)
        self.back_button.show()
        self.run_button.setEnabled(True)
        self.run_button.setText(self.tr("Run again"))
        if needs_tools(record):
            reason = record.message if record.status == "skipped" else (record.error or record.message or "")
            what = (self.tr("This run was skipped:") if record.status == "skipped"
                    else self.tr("This run failed with what looks like an authentication error:"))
            self._notice(f"<b>{what}</b> {html.escape(reason or '')}<br>"
                         + self.tr("Set up the tool's profile (or reconnect it) in the Tools view."))
            self.tools_button.show()
            target = reconnect_target(reason)
            if target is not None:
                self.connect_button.setText(self.tr("Connect %1 (%2) and run again").replace("%1", target[0])
                                            .replace("%2", target[1]))
                self.connect_button.show()
        self.run_done.emit(record)

    def _notice(self, text: str) -> None:
        self.notice.setText(f'<span style="color:{error_color(self).name()}">{text}</span>')
        self.notice.show()

    def _connect_and_rerun(self) -> None:
        """Google consent in the browser; once the token works, the same inputs run again."""
        target = reconnect_target(self.record.message if self.record else None)
        if target is None:
            return
        self.connect_button.setEnabled(False)
        self._notice(self.tr("Waiting for the connection to finish in your browser…"))
        self._offer = ReconnectOffer(self.bridge, *target, parent=self)
        self._offer.connected.connect(self._reconnected)
        self._offer.failed.connect(lambda msg: (self._notice(html.escape(msg)), self.connect_button.setEnabled(True)))
        self._offer.start()

    def _reconnected(self) -> None:
        self.connect_button.hide()
        self.connect_button.setEnabled(True)
        self.notice.hide()
        self.run()

    def _open_tools(self) -> None:
        self.open_tools_requested.emit()
        self.accept()
