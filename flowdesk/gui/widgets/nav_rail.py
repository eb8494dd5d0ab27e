"""The navigation rail: one icon + label per view, badges with counts, Settings at the bottom."""

from __future__ import annotations

from flowdesk.gui.qt import (
    QButtonGroup,
    QColor,
    QFont,
    QLabel,
    QPainter,
    QPaintEvent,
    QRectF,
    QSize,
    Qt,
    QToolButton,
    QVBoxLayout,
    QWidget,
    Signal,
)
from flowdesk.gui.theme import theme_state
from flowdesk.gui.theme.icons import icon
from flowdesk.gui.theme.tokens import FONT_SMALL, RAIL_WIDTH, SPACE_SM, SPACE_XS


class RailButton(QToolButton):
    """A rail entry: icon over label, checkable, with a count badge painted on the icon's corner."""

    def __init__(self, key: str, title: str, icon_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.icon_name = icon_name
        self.badge = 0
        self.badge_tip = ""
        self.setText(title)
        self.setIconSize(QSize(22, 22))
        # With the first paint: the header's and the tiles' icons load the icon font for it anyway, and an icon
        # arriving later moved every label down under the user's eyes.
        self.setIcon(icon(icon_name, "text_muted"))
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
        self.setFixedSize(RAIL_WIDTH - 2 * SPACE_SM, 56)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setAccessibleName(title)

    def set_checked_look(self, checked: bool) -> None:
        """The selected entry's icon takes the accent colour."""
        self.setIcon(icon(self.icon_name, "accent" if checked else "text_muted"))

    def set_badge(self, count: int, tip: str = "") -> None:
        """Show ``count`` on the icon (0 hides it); ``tip`` says what it counts."""
        self.badge, self.badge_tip = max(0, count), tip
        self.setToolTip(f"{self.text()} — {tip}" if count and tip else self.text())
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        """The button, then the badge."""
        super().paintEvent(event)
        if not self.badge:
            return
        palette = theme_state.palette()
        text = "99+" if self.badge > 99 else str(self.badge)
        painter = QPainter(self)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            font = QFont(self.font())
            font.setPixelSize(10)
            font.setWeight(QFont.Weight.Bold)
            painter.setFont(font)
            width = max(16, painter.fontMetrics().horizontalAdvance(text) + 8)
            box = QRectF(self.width() / 2 + 3, 3, width, 16)
            painter.setPen(QColor(palette.surface_alt))
            painter.setBrush(QColor(palette.badge))
            painter.drawRoundedRect(box, 8, 8)
            painter.setPen(QColor(palette.on_accent))
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
        finally:
            painter.end()


class NavRail(QWidget):
    """Vertical rail of views; ``selected(key)`` when the user picks one, ``settings_requested`` for the gear."""

    selected = Signal(str)
    settings_requested = Signal()

    def __init__(self, items: list[tuple[str, str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("NavRail")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setFixedWidth(RAIL_WIDTH)
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.buttons: dict[str, RailButton] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(SPACE_SM, SPACE_SM + SPACE_XS, SPACE_SM, SPACE_SM)
        layout.setSpacing(SPACE_XS)
        brand = QLabel("FlowDesk")  # i18n: ok (the product name)
        brand.setObjectName("NavBrand")
        brand.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = brand.font()
        font.setPixelSize(FONT_SMALL + 1)
        brand.setFont(font)
        layout.addWidget(brand)
        layout.addSpacing(SPACE_SM)
        for key, title, icon_name in items:
            button = RailButton(key, title, icon_name)
            button.setCheckable(True)
            button.toggled.connect(button.set_checked_look)
            button.clicked.connect(lambda _=False, k=key: self.selected.emit(k))
            self.group.addButton(button)
            self.buttons[key] = button
            layout.addWidget(button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(1)
        self.settings_button = RailButton("settings", self.tr("Settings"), "gear-six")
        # The focus ring shows on the checked entry (the arrow keys move focus and selection together) and here:
        # an entry a mouse user left focused before clicking another shows none.
        self.settings_button.setObjectName("RailSettings")
        self.settings_button.clicked.connect(self.settings_requested)
        layout.addWidget(self.settings_button, 0, Qt.AlignmentFlag.AlignHCenter)


    def set_current(self, key: str) -> None:
        """Check ``key``'s entry (no ``selected`` signal)."""
        button = self.buttons.get(key)
        if button is not None and not button.isChecked():
            button.setChecked(True)

    def current_key(self) -> str | None:
        """The checked entry's key."""
        button = self.group.checkedButton()
        return button.key if isinstance(button, RailButton) else None

    def set_badge(self, key: str, count: int, tip: str = "") -> None:
        """A count on an entry (0 hides it)."""
        if key in self.buttons:
            self.buttons[key].set_badge(count, tip)

    def badge(self, key: str) -> int:
        """The count shown on an entry."""
        return self.buttons[key].badge if key in self.buttons else 0
