"""A card holding a titled list of rows (clickable when they lead somewhere), with a line for when it is empty."""

from __future__ import annotations

from collections.abc import Callable

from flowdesk.gui.qt import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QSize,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)
from flowdesk.gui.theme.icons import icon
from flowdesk.gui.theme.tokens import SPACE_LG, SPACE_MD, SPACE_SM, SPACE_XS


class ElidedLabel(QLabel):
    """A one-line label that shrinks with an ellipsis instead of clipping (the full text is its tooltip).

    ``mode`` says where the ellipsis goes: at the right (names), in the middle (paths, whose two ends matter).
    """

    def __init__(self, text: str = "", parent: QWidget | None = None,
                 mode: Qt.TextElideMode = Qt.TextElideMode.ElideRight) -> None:
        super().__init__(text, parent)
        self.elide_mode = mode

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        """Room for the ellipsis alone."""
        return QSize(24, super().minimumSizeHint().height())

    def setText(self, text: str) -> None:  # noqa: N802 - Qt override
        """The text, and as tooltip when it may not fit."""
        super().setText(text)
        if not self.toolTip():
            self.setToolTip(text)

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        """The text, elided to the width."""
        painter = QPainter(self)
        try:
            painter.setPen(self.palette().color(self.foregroundRole()))
            text = self.fontMetrics().elidedText(self.text(), self.elide_mode, self.width())
            painter.drawText(self.rect(), int(self.alignment() | Qt.AlignmentFlag.AlignVCenter), text)
        finally:
            painter.end()


class CardRow(QFrame):
    """One row of a card: an optional icon or widget first, a title, a muted detail, widgets at the end."""

    clicked = Signal()

    def __init__(self, title: str, detail: str = "", lead: QWidget | None = None,
                 on_click: Callable[[], object] | None = None, two_lines: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("row", True)
        self.title = ElidedLabel(title)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.detail = ElidedLabel(detail)
        self.detail.setProperty("role", "muted")
        self.detail.setTextFormat(Qt.TextFormat.PlainText)
        self.detail.setMinimumWidth(40)
        self.layout_ = QHBoxLayout(self)
        self.layout_.setContentsMargins(SPACE_SM, SPACE_XS + 1, SPACE_SM, SPACE_XS + 1)
        self.layout_.setSpacing(SPACE_SM)
        if lead is not None:
            self.layout_.addWidget(lead, 0, Qt.AlignmentFlag.AlignTop if two_lines else Qt.AlignmentFlag.AlignVCenter)
        if two_lines:  # title over detail: the detail gets the row's whole width
            texts = QVBoxLayout()
            texts.setSpacing(0)
            texts.addWidget(self.title)
            texts.addWidget(self.detail)
            self.detail.setProperty("role", "caption")
            self.layout_.addLayout(texts, 1)
        else:
            self.layout_.addWidget(self.title)
            self.layout_.addWidget(self.detail, 1)
        if on_click is not None:
            self.setCursor(Qt.CursorShape.PointingHandCursor)
            self.clicked.connect(lambda: on_click())

    def add_end(self, widget: QWidget) -> QWidget:
        """A widget at the row's right end (a time, a button)."""
        self.layout_.addWidget(widget)
        return widget

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        """A click anywhere on the row."""
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(event.position().toPoint()):
            self.clicked.emit()
        super().mouseReleaseEvent(event)


def icon_label(name: str, token: str = "text_muted", size: int = 16) -> QLabel:
    """A QLabel showing one icon."""
    label = QLabel()
    label.setPixmap(icon(name, token).pixmap(QSize(size, size)))
    label.setFixedSize(size, size)
    return label


class ListCard(QFrame):
    """Title (with an optional action at the right), rows, or the empty text when there are none."""

    def __init__(self, title: str, empty_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("card", True)
        self.title = QLabel(title)
        self.title.setProperty("role", "section")
        self.header = QHBoxLayout()
        self.header.addWidget(self.title, 1)
        self.empty = QLabel(empty_text)
        self.empty.setProperty("role", "muted")
        self.empty.setWordWrap(True)
        self.empty.hide()  # until the first finish(): "nothing failed" is not said before anything was read
        self.rows_box = QVBoxLayout()
        self.rows_box.setSpacing(0)
        self.rows: list[CardRow] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(SPACE_LG, SPACE_MD, SPACE_LG, SPACE_MD)
        layout.setSpacing(SPACE_SM)
        layout.addLayout(self.header)
        layout.addWidget(self.empty)
        layout.addLayout(self.rows_box)
        layout.addStretch(1)

    def clear(self) -> None:
        """Remove every row."""
        for row in self.rows:
            row.setParent(None)
            row.deleteLater()
        self.rows = []

    def add_row(self, row: CardRow) -> CardRow:
        """Append a row."""
        self.rows_box.addWidget(row)
        self.rows.append(row)
        return row

    def finish(self) -> None:
        """After adding rows: show the empty text when there are none."""
        self.empty.setVisible(not self.rows)
