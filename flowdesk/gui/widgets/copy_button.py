"""An icon-only Copy button with an accessible name; says "Copied" where it was clicked."""

from __future__ import annotations

from collections.abc import Callable

from flowdesk.gui.qt import QCoreApplication, QGuiApplication, QToolButton, QToolTip, QWidget
from flowdesk.gui.theme.icons import icon


def copy_text(text: str) -> None:
    """Put ``text`` on the clipboard."""
    QGuiApplication.clipboard().setText(text)


def say_copied(widget: QWidget) -> None:
    """A brief "Copied" under ``widget`` (the button that copied)."""
    QToolTip.showText(widget.mapToGlobal(widget.rect().bottomLeft()),
                      QCoreApplication.translate("CopyButton", "Copied"), widget, widget.rect(), 1500)


class CopyButton(QToolButton):
    """Copies what ``text`` returns; ``what`` names it for screen readers and the tooltip ("Copy webhook URL")."""

    def __init__(self, text: Callable[[], str], what: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._text = text
        self.setIcon(icon("copy"))
        self.setToolTip(what)
        self.setAccessibleName(what)
        self.setAutoRaise(True)
        self.clicked.connect(self.copy)

    def copy(self) -> str:
        """Copy now; returns what was copied."""
        value = self._text()
        copy_text(value)
        say_copied(self)
        return value
