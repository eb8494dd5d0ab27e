"""What a list shows when it has nothing: an icon, what goes there, and the action that fills it."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from flowdesk.gui.qt import QHBoxLayout, QLabel, QPushButton, QSize, Qt, QVBoxLayout, QWidget
from flowdesk.gui.theme.icons import icon
from flowdesk.gui.theme.theme_manager import theme_manager
from flowdesk.gui.theme.tokens import SPACE_LG, SPACE_SM

if TYPE_CHECKING:
    from flowdesk.gui.qt import QResizeEvent  # not loaded at run time: only the type checker needs it


class EmptyState(QWidget):
    """Centred icon, title, explanation and action buttons (the first one primary).

    The buttons stand side by side, or one under the other where that is too wide (a list's narrow pane):
    an empty state never makes its pane wider than the list it stands in for.
    """

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
        self.body_width = 460  # at most; the body wraps to this width (or the state's own, when narrower)
        self.body.setTextFormat(Qt.TextFormat.RichText)
        self.buttons: list[QPushButton] = []
        self.button_row = QHBoxLayout()
        self.button_row.setSpacing(SPACE_SM)
        self.button_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setSizeConstraint(QVBoxLayout.SizeConstraint.SetNoConstraint)  # minimumSizeHint says how narrow it goes
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

    def _row_width(self) -> int:
        """How wide the buttons are side by side."""
        widths = [b.sizeHint().width() for b in self.buttons]
        return sum(widths) + self.button_row.spacing() * max(0, len(widths) - 1)

    def _margins(self) -> int:
        margins = self.layout().contentsMargins()
        return margins.left() + margins.right()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        """As narrow as the widest of the title and the buttons one under the other."""
        hint = super().minimumSizeHint()
        narrow = max([self.title.minimumSizeHint().width(), 48, *(b.sizeHint().width() for b in self.buttons)])
        return QSize(min(hint.width(), narrow + self._margins()), hint.height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        """Buttons in a row when they fit, else in a column; the body wrapped to the width it gets."""
        fits = self._row_width() + self._margins() <= event.size().width()
        direction = QHBoxLayout.Direction.LeftToRight if fits else QHBoxLayout.Direction.TopToBottom
        if self.button_row.direction() != direction:
            self.button_row.setDirection(direction)
        self._fit_body(event.size().width())
        super().resizeEvent(event)

    def _fit_body(self, width: int) -> None:
        # A centred label is laid out at its own width, not the column's: it is sized here, height included,
        # or its lines past the first two are cut off.
        body_width = max(1, min(self.body_width, width - self._margins()))
        self.body.setFixedSize(body_width, self.body.heightForWidth(body_width) if self.body.text() else 0)

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

    def set_case(self, title: str, body: str, action: str, icon_name: str) -> None:
        """Say another case in the same place ("nothing yet" / "nothing matches"): the title, the body and the
        primary action's words and icon (its callback tells the cases apart)."""
        self.set_title(title)
        self.set_body(body)
        self.buttons[0].setText(action)
        self.buttons[0].setIcon(icon(icon_name, "on_accent"))

    def set_title(self, title: str) -> None:
        """Change the title (one state for "nothing yet" and "nothing matches")."""
        self.title.setText(title)

    def set_body(self, body: str) -> None:
        """Change the explanation."""
        self.body.setText(body)
        self._fit_body(self.width())

    def text(self) -> str:
        """Everything the state says, actions included (tests, accessibility)."""
        return " ".join([self.title.text(), self.body.text(), *(b.text() for b in self.buttons)])
