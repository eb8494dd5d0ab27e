"""A table editor of ``inputs_schema``: one row per field; untouched cells keep the file's own spelling."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from typing import Any

from flowdesk.core.config import FIELD_TYPES, TYPE_ALIASES
from flowdesk.gui.qt import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

TEXT_COLUMNS = ("name", "label", "default", "min", "max", "options", "description")
COLUMNS = ("name", "type", "label", "required", "default", "min", "max", "options", "description")
_COL = {key: i for i, key in enumerate(COLUMNS)}
# Types whose default is text as typed; other defaults are read as JSON when they parse (12, true, ["a"]).
_STRING_DEFAULT_TYPES = frozenset({"text", "textarea", "password", "email", "url", "date", "datetime"})


def normal_type(value: Any) -> str:
    """A field type with aliases resolved (``boolean`` -> ``checkbox``); unknown types come back as given."""
    key = str(value or "text").strip().lower()
    return TYPE_ALIASES.get(key, key)


def render(key: str, value: Any) -> str:
    """The cell text of a field's key."""
    if value is None:
        return ""
    if key == "options" and isinstance(value, list):
        parts = []
        for option in value:
            if isinstance(option, dict):
                v, label = option.get("value"), option.get("label")
                text = _scalar_text(v)
                parts.append(text if label in (None, text) else f"{text}={label}")
            else:
                parts.append(_scalar_text(option))
        return ", ".join(parts)
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _scalar_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def parse(key: str, text: str, field_type: str) -> Any:
    """A cell text back to its JSON value (None = remove the key)."""
    text = text.strip()
    if not text:
        return None
    if key in ("name", "label", "description"):
        return text
    if key == "options":
        out: list[Any] = []
        for part in (p.strip() for p in text.split(",")):
            if part:
                value, sep, label = part.partition("=")
                out.append({"value": value.strip(), "label": label.strip()} if sep else part)
        return out
    if key in ("min", "max"):
        for convert in (int, float):
            try:
                return convert(text)
            except ValueError:
                pass
        return text  # ISO date bounds
    if key == "default" and field_type in _STRING_DEFAULT_TYPES:
        return text
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


@dataclass
class RowState:
    """One field: the dict it came from, its cells as first shown, and its cells now."""

    raw: dict[str, Any]
    shown: dict[str, Any] = field(default_factory=dict)
    now: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_raw(cls, raw: dict[str, Any]) -> RowState:
        shown: dict[str, Any] = {key: render(key, raw.get(key)) for key in TEXT_COLUMNS}
        shown["type"] = normal_type(raw.get("type"))
        shown["required"] = bool(raw.get("required", False))
        return cls(copy.deepcopy(raw), shown, dict(shown))

    def to_raw(self) -> dict[str, Any]:
        """The raw dict with only the edited keys replaced (or removed when emptied)."""
        out = copy.deepcopy(self.raw)
        field_type = self.now["type"]
        if self.now["type"] != self.shown["type"]:
            out["type"] = field_type
        if self.now["required"] != self.shown["required"]:
            out["required"] = self.now["required"]
        for key in TEXT_COLUMNS:
            if self.now[key] != self.shown[key]:
                value = parse(key, self.now[key], field_type)
                if value is None:
                    out.pop(key, None)
                else:
                    out[key] = value
        return out


class InputsSchemaEditor(QWidget):
    """Rows of fields (name, type, label, required, default, min, max, options, description) with add/remove/move."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, len(COLUMNS))
        titles = {"name": self.tr("Name"), "type": self.tr("Type"), "label": self.tr("Label"),
                  "required": self.tr("Required"), "default": self.tr("Default"), "min": self.tr("Min"),
                  "max": self.tr("Max"), "options": self.tr("Options"), "description": self.tr("Description")}
        self.table.setHorizontalHeaderLabels([titles[c] for c in COLUMNS])
        for n, key in enumerate(COLUMNS):  # the config.json key each column writes
            self.table.horizontalHeaderItem(n).setToolTip(key)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setToolTip(self.tr("Options: comma separated, value or value=Label. Default and bounds: as JSON "
                                      "(12, true, [\"a\"]) or plain text; dates as 2026-12-31."))
        buttons = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for key, text, slot in (("add", self.tr("Add field"), self.add_field),
                                ("remove", self.tr("Remove"), self.remove_current),
                                ("up", self.tr("Move up"), lambda: self.move_current(-1)),
                                ("down", self.tr("Move down"), lambda: self.move_current(1))):
            button = QPushButton(text)
            button.clicked.connect(slot)
            self.buttons[key] = button
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self._original: list[Any] = []
        self._extra: list[Any] = []  # entries that are not objects: kept, not editable here

    def load(self, fields: list[Any]) -> None:
        """Show the raw ``inputs_schema`` list of a config file."""
        self._original = copy.deepcopy(fields)
        self._extra = [f for f in fields if not isinstance(f, dict)]
        self._write([RowState.from_raw(f) for f in fields if isinstance(f, dict)])

    def rows(self) -> list[RowState]:
        """The rows with their current cell values."""
        out = []
        for r in range(self.table.rowCount()):
            state: RowState = self.table.item(r, _COL["name"]).data(Qt.ItemDataRole.UserRole)
            state.now = {key: self.table.item(r, _COL[key]).text() for key in TEXT_COLUMNS}
            state.now["type"] = self.table.cellWidget(r, _COL["type"]).currentText()
            state.now["required"] = self.table.item(r, _COL["required"]).checkState() == Qt.CheckState.Checked
            out.append(state)
        return out

    def to_raw(self) -> list[Any]:
        """The edited ``inputs_schema``; equal to the loaded list when nothing changed."""
        return [row.to_raw() for row in self.rows()] + copy.deepcopy(self._extra)

    def _write(self, states: list[RowState]) -> None:
        self.table.setRowCount(0)
        self.table.setRowCount(len(states))
        for r, state in enumerate(states):
            for key in TEXT_COLUMNS:
                item = QTableWidgetItem(state.now[key])
                self.table.setItem(r, _COL[key], item)
            self.table.item(r, _COL["name"]).setData(Qt.ItemDataRole.UserRole, state)
            combo = QComboBox()
            combo.addItems(list(FIELD_TYPES))
            if state.now["type"] not in FIELD_TYPES:
                combo.addItem(state.now["type"])  # shown as is: validation will name the problem
            combo.setCurrentText(state.now["type"])
            self.table.setCellWidget(r, _COL["type"], combo)
            required = QTableWidgetItem()
            required.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsSelectable)
            required.setCheckState(Qt.CheckState.Checked if state.now["required"] else Qt.CheckState.Unchecked)
            self.table.setItem(r, _COL["required"], required)

    def row_of(self, name: str) -> int:
        """The row of the field called ``name`` (as shown now), -1 if none."""
        for r in range(self.table.rowCount()):
            if self.table.item(r, _COL["name"]).text() == name:
                return r
        return -1

    def set_cell(self, row: int, key: str, value: str | bool) -> None:
        """Edit one cell as the user would (type: a type name; required: a bool)."""
        if key == "type":
            self.table.cellWidget(row, _COL["type"]).setCurrentText(str(value))
        elif key == "required":
            self.table.item(row, _COL["required"]).setCheckState(Qt.CheckState.Checked if value else Qt.CheckState.Unchecked)
        else:
            self.table.item(row, _COL[key]).setText(str(value))

    def add_field(self) -> None:
        """Append a new text field with a free name, and select it."""
        states = self.rows()
        names = {s.now["name"] for s in states}
        n = len(states) + 1
        while f"field_{n}" in names:
            n += 1
        states.append(RowState.from_raw({"name": f"field_{n}", "type": "text", "required": False}))
        self._write(states)
        self.table.selectRow(len(states) - 1)

    def remove_current(self) -> None:
        """Delete the selected field."""
        row = self.table.currentRow()
        if row < 0:
            return
        states = self.rows()
        del states[row]
        self._write(states)
        if states:
            self.table.selectRow(min(row, len(states) - 1))

    def move_current(self, step: int) -> None:
        """Move the selected field up (-1) or down (+1)."""
        row = self.table.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.table.rowCount():
            return
        states = self.rows()
        states[row], states[target] = states[target], states[row]
        self._write(states)
        self.table.selectRow(target)
