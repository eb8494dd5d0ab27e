"""What a list shows when it has nothing: an icon, what goes there, and the action that fills it."""

from __future__ import annotations

from collections.abc import Callable

from flowdesk.gui.qt import QHBoxLayout, QLabel, QPushButton, QSize, Qt, QVBoxLayout, QWidget
from flowdesk.gui.theme.icons import icon
from flowdesk.gui.theme.theme_manager import theme_manager
from flowdesk.gui.theme.tokens import SPACE_LG, SPACE_SM


class EmptyState(QWidget):
    """Centred icon, title, explanation and action buttons (the first one primary)."""

    def __init__(self, icon_name: str, title: str, body: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.icon_label = QLabel()
        self.icon_label.setPixmap(icon(icon_name, "text_muted").pixmap(QSize(48, 48)))
        self.icon_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.icon_name = icon_name
        self.title = QLabel(title)
        self.title.setProperty("role", "section")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = self.title.font()
        font.setPixelSize(16)
        self.title.setFont(font)
        self.body = QLabel(body)
        self.body.setProperty("role", "muted")
        self.body.setWordWrap(True)
        self.body.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.body.setMaximumWidth(460)
        self.body.setTextFormat(Qt.TextFormat.RichText)
        self.buttons: list[QPushButton] = []
        self.button_row = QHBoxLayout()
        self.button_row.setSpacing(SPACE_SM)
        self.button_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        layout.addWidget(self.icon_label)
        layout.addSpacing(SPACE_SM)
        layout.addWidget(self.title)
        layout.addWidget(self.body, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addSpacing(SPACE_LG)
        layout.addLayout(self.button_row)
        layout.addStretch(3)
        self.button_row.addStretch(1)  # buttons go between the two stretches: a centred row
        manager = theme_manager()
        if manager is not None:
            manager.changed.connect(self._retint)

    def _retint(self, _scheme: str) -> None:
        self.icon_label.setPixmap(icon(self.icon_name, "text_muted").pixmap(QSize(48, 48)))

    def add_action(self, text: str, callback: Callable[[], object], icon_name: str | None = None) -> QPushButton:
        """A button under the text; the first one added is the primary action."""
        button = QPushButton(text)
        primary = not self.buttons
        if primary:
            button.setProperty("variant", "primary")
        if icon_name:
            button.setIcon(icon(icon_name, "on_accent" if primary else "text"))
        button.clicked.connect(lambda _=False: callback())
        self.button_row.insertWidget(self.button_row.count() - 1, button)
        self.buttons.append(button)
        return button

    def set_body(self, body: str) -> None:
        """Change the explanation."""
        self.body.setText(body)

    def text(self) -> str:
        """Everything the state says, actions included (tests, accessibility)."""
        return " ".join([self.title.text(), self.body.text(), *(b.text() for b in self.buttons)])
