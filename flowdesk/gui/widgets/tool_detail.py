"""One tool in detail: header, enabled switch, profiles table and a read-only tree of its actions."""

from __future__ import annotations

import html
import json
from typing import TYPE_CHECKING, Any

from flowdesk.core.config.tool_config import ToolAction
from flowdesk.core.registry import ToolEntry
from flowdesk.gui.qt import (
    QCoreApplication,
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSize,
    Qt,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
    Signal,
)
from flowdesk.gui.i18n import tool_text
from flowdesk.gui.theme.icons import icon, is_known, resolve_name
from flowdesk.gui.tool_status import ToolState
from flowdesk.gui.widgets.deps_banner import DepsBanner
from flowdesk.gui.widgets.status_colors import error_color
from flowdesk.gui.widgets.tool_profiles import ProfilesTable

if TYPE_CHECKING:
    from flowdesk.gui.core_bridge import CoreBridge

DEFAULT_ICON = "wrench"


def tool_icon(entry: ToolEntry) -> str:
    """The icon name the tool's config declares (a seed config's emoji maps to its glyph), else a wrench."""
    declared = entry.config.icon if entry.config and entry.config.icon else None
    return resolve_name(declared) if is_known(declared) else DEFAULT_ICON


def source_text(entry: ToolEntry) -> str:
    """``built-in`` / ``workspace`` / ``workspace (overrides the built-in)``."""
    if entry.builtin:
        return _tr("built-in")
    return _tr("workspace (overrides the built-in)") if entry.overrides_builtin else _tr("workspace")


def _tr(text: str) -> str:
    return QCoreApplication.translate("ToolDetail", text)


def example_text(example: Any) -> str:
    """One example call, compact: the params as JSON (the action and name are shown elsewhere)."""
    if isinstance(example, dict):
        body = example.get("params", {k: v for k, v in example.items() if k not in ("name", "action", "result")})
        text = json.dumps(body, ensure_ascii=False)
        return f"{text}  →  {tool_text(example['result'])}" if example.get("result") else text
    return json.dumps(example, ensure_ascii=False)


def action_item(action: ToolAction) -> QTreeWidgetItem:
    """A tree item for an action, with its parameters and examples as children."""
    description = tool_text(action.description)  # built-in tools' docs are English with a French translation
    item = QTreeWidgetItem([action.name, description])
    item.setToolTip(1, description)
    if action.params:
        params = QTreeWidgetItem([_tr("Parameters"), ""])
        for p in action.params:
            name = p.name + (" *" if p.required else "")
            desc = " · ".join(x for x in (p.type, tool_text(p.description)) if x)
            child = QTreeWidgetItem([name, desc])
            child.setToolTip(1, desc)
            params.addChild(child)
        item.addChild(params)
    if action.examples:
        examples = QTreeWidgetItem([_tr("Examples"), ""])
        for n, example in enumerate(action.examples, start=1):
            label = example.get("name") if isinstance(example, dict) and example.get("name") \
                else _tr("example %1").replace("%1", str(n))
            child = QTreeWidgetItem([str(label), example_text(example)])
            child.setToolTip(1, json.dumps(example, ensure_ascii=False, indent=2))
            examples.addChild(child)
        item.addChild(examples)
    return item


class ToolDetail(QWidget):
    """The right-hand side of the Tools view."""

    enabled_toggled = Signal(str, bool)  # tool, enabled
    manage_profiles = Signal(str)  # tool

    def __init__(self, parent: QWidget | None = None, *, bridge: CoreBridge | None = None) -> None:
        super().__init__(parent)
        self.state: ToolState | None = None
        self._tree_entry: ToolEntry | None = None
        self.icon = QLabel()
        self.icon.setFixedSize(36, 36)
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.heading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.enabled = QCheckBox(self.tr("Enabled"))
        self.enabled.toggled.connect(self._on_enabled)
        head = QHBoxLayout()
        head.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignTop)
        head.addWidget(self.heading, 1)
        head.addWidget(self.enabled, 0, Qt.AlignmentFlag.AlignTop)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.deps = DepsBanner(bridge)  # "missing dependency X (package) — Install"
        self.profiles = ProfilesTable()
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        manage = QPushButton(self.tr("Add or edit profiles…"))
        manage.clicked.connect(lambda: self.state and self.manage_profiles.emit(self.state.slug))
        self.manage_button = manage
        profile_bar = QHBoxLayout()
        profile_bar.addWidget(self.notice, 1)
        profile_bar.addWidget(manage)
        profiles_box = QGroupBox(self.tr("Profiles"))
        box_layout = QVBoxLayout(profiles_box)
        box_layout.addWidget(self.profiles)
        box_layout.addLayout(profile_bar)
        self.actions = QTreeWidget()
        self.actions.setColumnCount(2)
        self.actions.setHeaderLabels([self.tr("Action / parameter"), self.tr("Description")])
        self.actions.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.actions.setWordWrap(True)
        actions_box = QGroupBox(self.tr("Actions"))
        QVBoxLayout(actions_box).addWidget(self.actions)
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(self.error)
        layout.addWidget(self.deps)
        layout.addWidget(profiles_box, 2)
        layout.addWidget(actions_box, 3)

    def show_state(self, state: ToolState, results: dict[str, tuple[bool, str] | None]) -> None:
        """Show ``state``; the actions tree is rebuilt only when the tool's config changed."""
        self.state = state
        entry, cfg = state.entry, state.entry.config
        self.icon.setPixmap(icon(tool_icon(entry), "danger" if entry.broken else "accent").pixmap(QSize(32, 32)))
        desc = html.escape(tool_text(cfg.description)) if cfg else ""
        needs = ""
        if cfg is not None and cfg.param_names:
            required = ", ".join(cfg.required_params) or self.tr("nothing")
            optional = ", ".join(p for p in cfg.optional_params if p not in cfg.required_params)
            needs = "<br>" + self.tr("Requires: %1").replace("%1", html.escape(required))
            if optional:
                needs += " · " + self.tr("optional: %1").replace("%1", html.escape(optional))
        oauth = (" · " + self.tr("Google sign-in (%n scope(s))", "", len(cfg.oauth_config.scopes))
                 if cfg and cfg.oauth_config else "")
        self.heading.setText(f"<b>{html.escape(entry.display_name)}</b> <code>{html.escape(entry.slug)}</code><br>"
                             f"{source_text(entry)}{oauth} · <small>{html.escape(str(entry.path))}</small><br>"
                             f"{desc}{needs}")
        self.enabled.blockSignals(True)
        self.enabled.setChecked(state.enabled)
        self.enabled.setEnabled(not entry.broken and not state.disabled_in_config)
        self.enabled.setToolTip(self.tr("Disabled in the tool's config.json (\"enabled\": false)") if state.disabled_in_config
                                else self.tr("Workflows that need a disabled tool are skipped with that reason"))
        self.enabled.blockSignals(False)
        self.error.setVisible(entry.broken)
        self.error.setText(entry.error or "")
        self.error.setStyleSheet(f"color: {error_color(self).name()}")
        self.deps.show_for("tool", None if entry.builtin else entry.slug)  # built-ins need nothing installed
        self.manage_button.setEnabled(cfg is not None)
        self.profiles.show_tool(state, results)
        if entry is not self._tree_entry:
            self._tree_entry = entry
            self.actions.clear()
            for action in (entry.actions if cfg else []):  # get_available_actions()-only ones too
                item = action_item(action)
                self.actions.addTopLevelItem(item)
                item.setExpanded(True)
                if item.childCount() and item.child(0).text(0) == "Parameters":
                    item.child(0).setExpanded(True)

    def _on_enabled(self, checked: bool) -> None:
        if self.state is not None:
            self.enabled_toggled.emit(self.state.slug, checked)

    def action_names(self) -> list[str]:
        """The actions listed (top-level items)."""
        return [self.actions.topLevelItem(i).text(0) for i in range(self.actions.topLevelItemCount())]
