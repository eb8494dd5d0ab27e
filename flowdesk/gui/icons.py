"""The app and tray icons, drawn in code so the tray can show idle / running / failed at once."""

from __future__ import annotations

from flowdesk.gui.qt import QColor, QIcon, QPainter, QPen, QPixmap, QPoint, QRect, Qt

STATE_COLOURS = {"idle": "#2563eb", "running": "#16a34a", "failed": "#dc2626", "paused": "#6b7280"}


def _draw(size: int, colour: str, badge: str | None = None) -> QPixmap:
    pix = QPixmap(size, size)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setBrush(QColor(colour))
    p.setPen(Qt.PenStyle.NoPen)
    margin = size // 16
    p.drawRoundedRect(QRect(margin, margin, size - 2 * margin, size - 2 * margin), size / 5, size / 5)
    pen = QPen(QColor("white"))
    pen.setWidth(max(2, size // 11))
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    p.setPen(pen)
    # a flow: three steps joined by arrows
    y1, y3 = int(size * 0.32), int(size * 0.68)
    x1, x2 = int(size * 0.28), int(size * 0.72)
    p.drawLine(QPoint(x1, y1), QPoint(x2, y1))
    p.drawLine(QPoint(x2, y1), QPoint(x1, y3))
    p.drawLine(QPoint(x1, y3), QPoint(x2, y3))
    if badge:
        p.setBrush(QColor(badge))
        p.setPen(QPen(QColor("white"), max(1, size // 32)))
        r = size // 3
        p.drawEllipse(QRect(size - r - margin, size - r - margin, r, r))
    p.end()
    return pix


def app_icon() -> QIcon:
    """The FlowDesk icon at the usual sizes."""
    icon = QIcon()
    for size in (16, 24, 32, 48, 64, 128, 256):
        icon.addPixmap(_draw(size, STATE_COLOURS["idle"]))
    return icon


def tray_icon(state: str) -> QIcon:
    """Idle, running, failed or paused: the same mark with a coloured badge."""
    badge = None if state == "idle" else STATE_COLOURS.get(state, STATE_COLOURS["idle"])
    icon = QIcon()
    for size in (16, 22, 32, 64):
        icon.addPixmap(_draw(size, STATE_COLOURS["idle"], badge))
    return icon
