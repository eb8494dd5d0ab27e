"""The header of a view: its title (and a line under it), a search field when it lists things, its actions."""

from __future__ import annotations

from flowdesk.gui.qt import QHBoxLayout, QLabel, QLineEdit, QPushButton, QSize, Qt, QVBoxLayout, QWidget
from flowdesk.gui.theme.icons import icon
from flowdesk.gui.theme.tokens import SPACE_LG, SPACE_SM, SPACE_XL, SPACE_XS

SEARCH_WIDTH = 260


class ViewHeader(QWidget):
    """Title and subtitle on the left; search, extra widgets and the primary action on the right."""

    def __init__(self, title: str, subtitle: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ViewHeader")
        self.title = QLabel(title)
        self.title.setProperty("role", "title")
        self.subtitle = QLabel(subtitle)
        self.subtitle.setProperty("role", "muted")
        self.subtitle.setVisible(bool(subtitle))
        self.subtitle.setTextFormat(Qt.TextFormat.PlainText)
        self.subtitle.setWordWrap(True)  # a long line wraps under the title instead of widening the view
        texts = QVBoxLayout()
        texts.setSpacing(2)
        texts.addWidget(self.title)
        texts.addWidget(self.subtitle)
        self.actions_layout = QHBoxLayout()
        self.actions_layout.setSpacing(SPACE_SM)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(SPACE_XL, SPACE_LG, SPACE_XL, SPACE_SM + SPACE_XS)
        layout.addLayout(texts, 1)
        layout.addLayout(self.actions_layout)
        self.search: QLineEdit | None = None
        self.primary: QPushButton | None = None  # the view's main action (tests, shortcuts)

    def set_subtitle(self, text: str) -> None:
        """The muted line under the title (hidden when empty)."""
        self.subtitle.setText(text)
        self.subtitle.setVisible(bool(text))

    def add_search(self, placeholder: str) -> QLineEdit:
        """A search field (with a magnifier and a clear button)."""
        self.search = QLineEdit()
        self.search.setPlaceholderText(placeholder)
        self.search.setClearButtonEnabled(True)
        self.search.addAction(icon("magnifying-glass", "text_muted"), QLineEdit.ActionPosition.LeadingPosition)
        self.search.setFixedWidth(SEARCH_WIDTH)
        self.actions_layout.addWidget(self.search)
        return self.search

    def add_action(self, text: str, icon_name: str | None = None, primary: bool = False) -> QPushButton:
        """A button; ``primary`` makes it the view's main action (accent colour, ``self.primary``)."""
        button = QPushButton(text)
        if icon_name:
            button.setIcon(icon(icon_name, "on_accent" if primary else "text"))
            button.setIconSize(QSize(16, 16))
        if primary:
            button.setProperty("variant", "primary")
            self.primary = button
        self.actions_layout.addWidget(button)
        return button

    def add_widget(self, widget: QWidget) -> QWidget:
        """Any widget among the actions (a toggle, a combo box)."""
        self.actions_layout.addWidget(widget)
        return widget
