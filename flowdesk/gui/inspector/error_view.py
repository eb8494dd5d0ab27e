"""A run's error and traceback, with the workspace's files as links that open the editor at that line."""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path

from flowdesk.core.traceback_links import SourceLink
from flowdesk.gui.qt import QTextBrowser, QUrl, QWidget
from flowdesk.gui.widgets.input_widgets import monospace_font

Opener = Callable[[Path, int], object]


def error_html(text: str, links: list[SourceLink]) -> str:
    """``text`` escaped inside <pre>, each link an anchor ``source:<n>``."""
    out, last = [], 0
    for n, link in enumerate(links):
        out.append(html.escape(text[last:link.start]))
        out.append(f'<a href="source:{n}">{html.escape(text[link.start:link.end])}</a>')
        last = link.end
    out.append(html.escape(text[last:]))
    return "<pre style='white-space: pre-wrap'>" + "".join(out) + "</pre>"


class ErrorView(QTextBrowser):
    """Read-only; a click on a file location calls ``opener(path, line)``."""

    def __init__(self, opener: Opener, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.opener = opener
        self.links: list[SourceLink] = []
        self.setOpenLinks(False)
        self.setFont(monospace_font())
        self.setAccessibleName(self.tr("Error and traceback"))
        self.anchorClicked.connect(self._clicked)

    def set_error(self, text: str, links: list[SourceLink]) -> None:
        """Show ``text`` with ``links`` (found off the GUI thread: they stat files)."""
        self.links = list(links)
        self.setHtml(error_html(text, self.links) if text else "")

    def _clicked(self, url: QUrl) -> None:
        target = url.toString()
        if target.startswith("source:"):
            n = int(target.split(":", 1)[1])
            if 0 <= n < len(self.links):
                self.opener(self.links[n].path, self.links[n].line)

    def open_link(self, n: int) -> None:
        """Activate the n-th link as a click would (keyboard users: Tab to it and press Enter does the same)."""
        self._clicked(QUrl(f"source:{n}"))
