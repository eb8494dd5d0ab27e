"""``tools_required`` with each tool's profile, for the config editor; profiles offered from the environment."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flowdesk.core.errors import NotFound
from flowdesk.core.profiles import DEFAULT_PROFILE
from flowdesk.gui.qt import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from flowdesk.core.runtime import Runtime


class ToolProfilesEditor(QWidget):
    """A Tool / Profile table with a picker of installed tools; writes profiles in the file's own spelling."""

    def __init__(self, runtime: Runtime, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runtime = runtime
        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels([self.tr("Tool"), self.tr("Profile")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setToolTip(self.tr("Profile: a name whose variables TOOL_PROFILE_PARAM are set in config/.env, "
                                      "or INPUT_<FIELD> to take the tool's key from a run input."))
        self.picker = QComboBox()
        self.picker.addItems(sorted(dict(runtime.registry.tools)))
        add = QPushButton(self.tr("Add tool"))
        add.clicked.connect(lambda: self.add_tool(self.picker.currentText()))
        remove = QPushButton(self.tr("Remove"))
        remove.clicked.connect(self.remove_current)
        row = QHBoxLayout()
        row.addWidget(self.picker)
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        self._input_names: list[str] = []
        self._initial: tuple[list[str], dict[str, str]] = ([], {})

    def load(self, tools: list[str], profiles: dict[str, str], input_names: list[str]) -> None:
        """Show the workflow's tools with their profiles (DEFAULT when none is set)."""
        self._input_names = input_names
        self.table.setRowCount(0)
        for tool in tools:
            self.add_tool(tool, profiles.get(tool, DEFAULT_PROFILE))
        self._initial = (self.tools(), self.profiles())

    def profile_choices(self, tool: str) -> list[str]:
        """DEFAULT, the profiles with variables set, and INPUT_<FIELD> for each input."""
        found: list[str] = []
        try:
            entry = self.runtime.registry.tool(tool)
        except NotFound:
            entry = None
        if entry is not None and entry.config is not None:
            found = self.runtime.resolver.list_profiles(entry.slug, aliases=entry.env_aliases,
                                                       known_tools=list(self.runtime.registry.tools),
                                                       params=entry.config.param_names)
        inputs = [f"INPUT_{name.upper()}" for name in self._input_names]
        return list(dict.fromkeys([DEFAULT_PROFILE, *found, *inputs]))

    def add_tool(self, tool: str, profile: str = DEFAULT_PROFILE) -> None:
        """Append a tool (ignored when already listed)."""
        if not tool or tool in self.tools():
            return
        r = self.table.rowCount()
        self.table.insertRow(r)
        self.table.setItem(r, 0, QTableWidgetItem(tool))
        combo = QComboBox()
        combo.setEditable(True)
        combo.addItems(self.profile_choices(tool))
        combo.setCurrentText(profile)
        self.table.setCellWidget(r, 1, combo)

    def remove_current(self) -> None:
        """Remove the selected tool."""
        if self.table.currentRow() >= 0:
            self.table.removeRow(self.table.currentRow())

    def tools(self) -> list[str]:
        """``tools_required`` as listed."""
        return [self.table.item(r, 0).text() for r in range(self.table.rowCount())]

    def profiles(self) -> dict[str, str]:
        """Tool -> profile as chosen."""
        return {self.table.item(r, 0).text(): self.table.cellWidget(r, 1).currentText().strip() or DEFAULT_PROFILE
                for r in range(self.table.rowCount())}

    def set_profile(self, tool: str, profile: str) -> None:
        """Choose a tool's profile (as the user would)."""
        for r in range(self.table.rowCount()):
            if self.table.item(r, 0).text() == tool:
                self.table.cellWidget(r, 1).setCurrentText(profile)

    def apply_profiles(self, data: dict[str, Any], original: dict[str, Any]) -> None:
        """Write profiles into ``data`` only when changed: under the key (``tool_profiles`` or the seed's
        ``tools_profiles``) that already holds the tool; DEFAULT is written only where it was before."""
        if (self.tools(), self.profiles()) == self._initial:
            return  # untouched: keep the file (and a seed workflow's get_tools_profiles()) as they were
        old_one = dict(original.get("tool_profiles") or {})
        old_two = dict(original.get("tools_profiles") or {})
        only_two = "tools_profiles" in original and "tool_profiles" not in original
        one: dict[str, str] = {}
        two: dict[str, str] = {}
        for tool, profile in self.profiles().items():
            if profile == DEFAULT_PROFILE and tool not in old_one and tool not in old_two:
                continue
            (two if tool in old_two or (only_two and tool not in old_one) else one)[tool] = profile
        if "tool_profiles" in original or one:
            data["tool_profiles"] = one
        if "tools_profiles" in original or two:
            data["tools_profiles"] = two
