"""A KPI tile: what is counted, today's value large, the last 7 days' value under it."""

from __future__ import annotations

from flowdesk.gui.qt import QFrame, QHBoxLayout, QLabel, QSize, Qt, QVBoxLayout, QWidget
from flowdesk.gui.theme.icons import icon
from flowdesk.gui.theme.tokens import SPACE_LG, SPACE_MD, SPACE_XS


class KpiTile(QFrame):
    """A card with an icon, a label, a big value and a caption."""

    def __init__(self, label: str, icon_name: str, token: str = "accent", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("card", True)
        self.icon = QLabel()
        self.icon.setPixmap(icon(icon_name, token).pixmap(QSize(18, 18)))
        self.icon_name, self.token = icon_name, token
        self.label = QLabel(label)
        self.label.setProperty("role", "muted")
        self.value = QLabel("—")
        self.value.setProperty("role", "kpi")
        self.caption = QLabel("")
        self.caption.setProperty("role", "caption")
        top = QHBoxLayout()
        top.setSpacing(6)
        top.addWidget(self.icon)
        top.addWidget(self.label, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(SPACE_LG, SPACE_MD, SPACE_LG, SPACE_MD)
        layout.setSpacing(SPACE_XS)
        layout.addLayout(top)
        layout.addWidget(self.value)
        layout.addWidget(self.caption)
        self.value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    def set_values(self, value: str, caption: str, tooltip: str = "") -> None:
        """Today's value and the caption under it."""
        self.value.setText(value)
        self.caption.setText(caption)
        self.setToolTip(tooltip)

    def retint(self) -> None:
        """Redraw the icon in the palette in force."""
        self.icon.setPixmap(icon(self.icon_name, self.token).pixmap(QSize(18, 18)))
