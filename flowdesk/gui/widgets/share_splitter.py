"""A two-pane splitter that keeps its first pane's share of the width as the window is resized."""

from __future__ import annotations

from flowdesk.gui.qt import QEvent, QSplitter, Qt, QWidget


class ShareSplitter(QSplitter):
    """A horizontal splitter that keeps its first pane's share of the width when resized, leaving the second at least
    ``comfort`` pixels while the first can spare them; a drag of the handle sets the share, kept from then on."""

    def __init__(self, share: float, comfort: int, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.share = share
        self.comfort = comfort
        self.dragged = False
        self.splitterMoved.connect(self._remember)

    def _remember(self, _pos: int, _index: int) -> None:
        sizes = self.sizes()
        if sum(sizes) > 0:
            self.share, self.dragged = sizes[0] / sum(sizes), True

    def resizeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        """Lay out as QSplitter does, then give the panes their shares again (within their minimum widths)."""
        super().resizeEvent(event)
        total = sum(self.sizes())
        if total <= 0 or self.count() != 2:
            return
        first = round(total * self.share)
        if not self.dragged:
            first = min(first, total - self.comfort)
        first = max(first, self.widget(0).minimumWidth())
        self.setSizes([first, total - first])
