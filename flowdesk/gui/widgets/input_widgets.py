"""One editor widget per ``inputs_schema`` field type, each with get/set value and an error shown under it."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from flowdesk.core.config import InputField
from flowdesk.gui.i18n import core_text
from flowdesk.gui.qt import (
    QCheckBox,
    QComboBox,
    QDate,
    QDateEdit,
    QDateTime,
    QDateTimeEdit,
    QDoubleSpinBox,
    QFontDatabase,
    QFrame,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPalette,
    QPlainTextEdit,
    QRegularExpression,
    QRegularExpressionValidator,
    QSpinBox,
    Qt,
    QTime,
    QVBoxLayout,
    QWidget,
    Signal,
)
from flowdesk.gui.widgets.status_colors import error_color

_DOUBLE_LIMIT = 1e15
_INT_LOW, _INT_HIGH = -(2**31) + 1, 2**31 - 1
_BLANK = " "  # specialValueText: a spin box or date edit at its minimum shows this, meaning "no value"
_DATE_FLOOR = QDate(1900, 1, 1)
_DATE_CEILING = QDate(9999, 12, 31)


def monospace_font():  # noqa: ANN201 - QFont
    """The system's fixed-width font (JSON, logs)."""
    return QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)


class FieldEditor(QWidget):
    """The widget of one field inside a red-bordered frame on error, with the message under it."""

    changed = Signal()

    def __init__(self, field: InputField, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = field
        self.frame = QFrame(self)
        self.frame.setObjectName("fieldFrame")
        inner = QVBoxLayout(self.frame)
        inner.setContentsMargins(1, 1, 1, 1)
        self.input = self.build()
        self.input.setObjectName(f"input_{field.name}")
        inner.addWidget(self.input)
        self.error_label = QLabel(self)
        self.error_label.setWordWrap(True)
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        self.error_label.setObjectName(f"error_{field.name}")
        self.error_label.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.frame)
        if field.description:
            self.input.setToolTip(field.description)
            help_label = QLabel(field.description, self)
            help_label.setWordWrap(True)
            help_label.setTextFormat(Qt.TextFormat.PlainText)
            help_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
            layout.addWidget(help_label)
        layout.addWidget(self.error_label)
        self._error: str | None = None
        if field.default is not None:
            self.set_value(field.default)

    def build(self) -> QWidget:
        """Create the input widget (subclasses)."""
        raise NotImplementedError

    def value(self) -> Any:
        """The raw value as ``validate_inputs(..., source="form")`` takes it; None when blank."""
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        """Show ``value`` (a typed value or its text form); None clears the field."""
        raise NotImplementedError

    @property
    def error(self) -> str | None:
        """The message shown under the field, if any."""
        return self._error

    def set_error(self, message: str | None) -> None:
        """Show ``message`` under the field with a red border around it; None clears both."""
        self._error = message
        if message:
            colour = error_color(self).name()
            self.frame.setStyleSheet(f"QFrame#fieldFrame {{ border: 1px solid {colour}; border-radius: 3px; }}")
            self.error_label.setStyleSheet(f"color: {colour};")
            self.error_label.setText(core_text(message))  # the core wrote it in English
            self.error_label.show()
        else:
            self.frame.setStyleSheet("")
            self.error_label.hide()
            self.error_label.clear()


class LineEditor(FieldEditor):
    """text, email, url and password: a QLineEdit (no spaces allowed in emails and URLs)."""

    def build(self) -> QWidget:
        edit = QLineEdit()
        if self.field.type == "password":
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        if self.field.type in ("email", "url"):
            edit.setValidator(QRegularExpressionValidator(QRegularExpression(r"^\S*$"), edit))
            edit.setPlaceholderText("name@example.com" if self.field.type == "email" else "https://…")
        if isinstance(self.field.max, int):
            edit.setMaxLength(self.field.max)
        if self.field.placeholder:
            edit.setPlaceholderText(self.field.placeholder)
        edit.textChanged.connect(self.changed)
        return edit

    def value(self) -> Any:
        return self.input.text()

    def set_value(self, value: Any) -> None:
        self.input.setText("" if value is None else str(value))


class TextAreaEditor(FieldEditor):
    """textarea: a QPlainTextEdit."""

    def build(self) -> QWidget:
        edit = QPlainTextEdit()
        edit.setTabChangesFocus(True)
        edit.setFixedHeight(90)
        if self.field.placeholder:
            edit.setPlaceholderText(self.field.placeholder)
        edit.textChanged.connect(self.changed)
        return edit

    def value(self) -> Any:
        return self.input.toPlainText()

    def set_value(self, value: Any) -> None:
        self.input.setPlainText("" if value is None else str(value))


class NumberEditor(FieldEditor):
    """number / integer: a spin box bounded by min/max; without a default it starts blank (its minimum)."""

    def build(self) -> QWidget:
        is_int = self.field.type == "integer"
        box = QSpinBox() if is_int else QDoubleSpinBox()
        low_limit, high_limit = (_INT_LOW, _INT_HIGH) if is_int else (-_DOUBLE_LIMIT, _DOUBLE_LIMIT)
        low = max(low_limit, self.field.min) if self.field.min is not None else low_limit
        high = min(high_limit, self.field.max) if self.field.max is not None else high_limit
        self.blankable = self.field.default is None
        if is_int:
            low, high = int(low), int(high)
        else:
            box.setDecimals(_decimals(self.field.default, self.field.min, self.field.max))
        self.low = low
        box.setRange(low - 1 if self.blankable else low, high)
        if self.blankable:
            box.setSpecialValueText(_BLANK)
            box.setValue(box.minimum())
        box.valueChanged.connect(self.changed)
        return box

    def value(self) -> Any:
        number = self.input.value()
        if self.blankable and number == self.input.minimum():
            return None
        if isinstance(number, float) and number.is_integer():
            return int(number)
        return number

    def set_value(self, value: Any) -> None:
        if value is None or (isinstance(value, str) and not value.strip()):
            self.input.setValue(self.input.minimum())
            return
        try:
            number = float(value)
        except (TypeError, ValueError):
            return
        self.input.setValue(int(number) if self.field.type == "integer" else number)


class CheckboxEditor(FieldEditor):
    """checkbox (alias boolean): a QCheckBox."""

    def build(self) -> QWidget:
        box = QCheckBox()
        box.toggled.connect(self.changed)
        return box

    def value(self) -> Any:
        return self.input.isChecked()

    def set_value(self, value: Any) -> None:
        if isinstance(value, str):
            value = value.strip().lower() in ("true", "1", "yes", "on")
        self.input.setChecked(bool(value))


def _same_option(a: Any, b: Any) -> bool:
    """Option values match by value or by text (re-runs and query strings give text)."""
    return a == b and isinstance(a, bool) == isinstance(b, bool) or str(a).lower() == str(b).lower()


class SelectEditor(FieldEditor):
    """select: a QComboBox of option labels; a blank entry when there is no default."""

    def build(self) -> QWidget:
        combo = QComboBox()
        if self.field.default is None:
            combo.addItem(self.tr("— choose —") if self.field.required else self.tr("(none)"), None)
        for option in self.field.options or []:
            combo.addItem(option.label or str(option.value), option.value)
        combo.currentIndexChanged.connect(self.changed)
        return combo

    def value(self) -> Any:
        return self.input.currentData()

    def set_value(self, value: Any) -> None:
        for i in range(self.input.count()):
            data = self.input.itemData(i)
            if (data is None and value is None) or (data is not None and value is not None
                                                    and _same_option(data, value)):
                self.input.setCurrentIndex(i)
                return


class MultiSelectEditor(FieldEditor):
    """multiselect: a checkable QListWidget; once ``max`` are chosen the other choices are disabled."""

    def build(self) -> QWidget:
        lst = QListWidget()
        for option in self.field.options or []:
            item = QListWidgetItem(option.label or str(option.value))
            item.setData(Qt.ItemDataRole.UserRole, option.value)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            lst.addItem(item)
        lst.setFixedHeight(min(160, 8 + 22 * max(1, lst.count())))
        lst.itemChanged.connect(self._on_item_changed)
        return lst

    def _items(self) -> list[QListWidgetItem]:
        return [self.input.item(i) for i in range(self.input.count())]

    def _on_item_changed(self, _item: QListWidgetItem) -> None:
        self._apply_max()
        self.changed.emit()

    def _apply_max(self) -> None:
        limit = self.field.max
        full = limit is not None and len(self.value()) >= limit
        self.input.blockSignals(True)  # flag changes emit itemChanged too
        for item in self._items():
            checked = item.checkState() == Qt.CheckState.Checked
            enabled = checked or not full
            flags = Qt.ItemFlag.ItemIsUserCheckable | (Qt.ItemFlag.ItemIsEnabled if enabled else Qt.ItemFlag.NoItemFlags)
            item.setFlags(flags)
        self.input.blockSignals(False)

    def value(self) -> Any:
        return [item.data(Qt.ItemDataRole.UserRole) for item in self._items()
                if item.checkState() == Qt.CheckState.Checked]

    def set_value(self, value: Any) -> None:
        wanted = value if isinstance(value, list) else ([] if value is None else [value])
        self.input.blockSignals(True)
        for item in self._items():
            on = any(_same_option(item.data(Qt.ItemDataRole.UserRole), v) for v in wanted)
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
        self.input.blockSignals(False)
        self._apply_max()
        self.changed.emit()

    def set_checked(self, option_value: Any, checked: bool = True) -> None:
        """Tick or untick one choice as a click would (disabled choices stay as they are)."""
        for item in self._items():
            if _same_option(item.data(Qt.ItemDataRole.UserRole), option_value):
                if item.flags() & Qt.ItemFlag.ItemIsEnabled:
                    item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)


class DateEditor(FieldEditor):
    """date: a QDateEdit with a calendar popup; without a default it starts blank (one day before its range)."""

    def build(self) -> QWidget:
        edit = QDateEdit()
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        low = _qdate(self.field.min) if self.field.min else _DATE_FLOOR
        high = _qdate(self.field.max) if self.field.max else _DATE_CEILING
        self.blankable = self.field.default is None
        edit.setDateRange(low.addDays(-1) if self.blankable else low, high)
        if self.blankable:
            edit.setSpecialValueText(_BLANK)
            edit.setDate(edit.minimumDate())
        edit.dateChanged.connect(self.changed)
        return edit

    def value(self) -> Any:
        if self.blankable and self.input.date() == self.input.minimumDate():
            return None
        return self.input.date().toString("yyyy-MM-dd")

    def set_value(self, value: Any) -> None:
        if value in (None, ""):
            self.input.setDate(self.input.minimumDate())
            return
        try:
            self.input.setDate(_qdate(value))
        except ValueError:
            pass


class DateTimeEditor(FieldEditor):
    """datetime: a QDateTimeEdit (wall-clock time; a default's UTC offset is kept on the value)."""

    def build(self) -> QWidget:
        edit = QDateTimeEdit()
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.tz = None
        low = _qdatetime(self.field.min) if self.field.min else QDateTime(_DATE_FLOOR, QTime(0, 0))
        high = _qdatetime(self.field.max) if self.field.max else QDateTime(_DATE_CEILING, QTime(23, 59))
        self.blankable = self.field.default is None
        edit.setDateTimeRange(low.addDays(-1) if self.blankable else low, high)
        if self.blankable:
            edit.setSpecialValueText(_BLANK)
            edit.setDateTime(edit.minimumDateTime())
        edit.dateTimeChanged.connect(self.changed)
        return edit

    def value(self) -> Any:
        if self.blankable and self.input.dateTime() == self.input.minimumDateTime():
            return None
        moment: datetime = self.input.dateTime().toPython().replace(second=0, microsecond=0)
        return moment.replace(tzinfo=self.tz).isoformat(timespec="minutes")

    def set_value(self, value: Any) -> None:
        if value in (None, ""):
            self.input.setDateTime(self.input.minimumDateTime())
            return
        try:
            moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
        except ValueError:
            return
        self.tz = moment.tzinfo
        self.input.setDateTime(_qdatetime(moment))


class JsonEditor(FieldEditor):
    """json: monospace text checked as you type."""

    def build(self) -> QWidget:
        edit = QPlainTextEdit()
        edit.setFont(monospace_font())
        edit.setTabChangesFocus(True)
        edit.setFixedHeight(110)
        edit.setPlaceholderText('{"key": "value"}')  # i18n: ok (JSON to type)
        edit.textChanged.connect(self._check)
        return edit

    def _check(self) -> None:
        text = self.input.toPlainText()
        message = None
        if text.strip():
            try:
                json.loads(text)
            except json.JSONDecodeError as exc:
                message = self.tr("not valid JSON (%1 at line %2 column %3)").replace("%1", exc.msg) \
                    .replace("%2", str(exc.lineno)).replace("%3", str(exc.colno))
        self.set_error(message)
        self.changed.emit()

    def value(self) -> Any:
        text = self.input.toPlainText()
        return text if text.strip() else None

    def set_value(self, value: Any) -> None:
        text = "" if value is None else value if isinstance(value, str) else json.dumps(value, indent=2, ensure_ascii=False)
        self.input.setPlainText(text)


EDITORS: dict[str, type[FieldEditor]] = {
    "text": LineEditor, "email": LineEditor, "url": LineEditor, "password": LineEditor,
    "textarea": TextAreaEditor, "number": NumberEditor, "integer": NumberEditor, "checkbox": CheckboxEditor,
    "select": SelectEditor, "multiselect": MultiSelectEditor, "date": DateEditor, "datetime": DateTimeEditor,
    "json": JsonEditor,
}


def make_editor(field: InputField, parent: QWidget | None = None) -> FieldEditor:
    """The editor for ``field``'s type (aliases such as ``boolean`` are normalised by the model)."""
    return EDITORS[field.type](field, parent)


def _decimals(*values: Any) -> int:
    """Enough decimals for the default and bounds, at least 2, at most 6."""
    digits = 2
    for v in values:
        if isinstance(v, float) and not v.is_integer():
            digits = max(digits, len(repr(v).split(".")[-1]))
    return min(digits, 6)


def _qdate(value: Any) -> QDate:
    parsed = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    return QDate(parsed.year, parsed.month, parsed.day)


def _qdatetime(value: Any) -> QDateTime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return QDateTime(QDate(moment.year, moment.month, moment.day), QTime(moment.hour, moment.minute))
