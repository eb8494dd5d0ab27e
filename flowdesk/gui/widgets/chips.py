"""Chips: small rounded labels with an icon and a word (run statuses, triggers, warnings), as widgets and in tables."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from flowdesk.gui import qt
from flowdesk.gui.qt import (
    QColor,
    QFont,
    QFontMetrics,
    QPainter,
    QPaintEvent,
    QRect,
    QRectF,
    QSize,
    QStyledItemDelegate,
    Qt,
    QWidget,
)
from flowdesk.gui.theme import theme_state
from flowdesk.gui.theme.icons import glyph_pixmap
from flowdesk.gui.theme.status_look import status_look
from flowdesk.gui.theme.tokens import FONT_SMALL, Palette, chip_background

if TYPE_CHECKING:  # QStyle and the item option cost ~8 ms of enums: looked up when a table first paints a chip
    from flowdesk.gui.qt import QModelIndex, QStyleOptionViewItem

CHIPS_ROLE = Qt.ItemDataRole.UserRole + 20  # list[Chip] a cell shows as chips
CHIP_HEIGHT = 20
ICON = 13
PAD = 7
GAP = 4


@dataclass(frozen=True)
class Chip:
    """One chip: its word, icon name and colour token (``text_muted`` for neutral chips)."""

    text: str
    icon: str | None = None
    token: str = "text_muted"


def status_chip(status: str | None) -> Chip:
    """The chip of a run status: icon + word + colour."""
    look = status_look(status)
    return Chip(look.word, look.icon, look.token)


def chip_width(chip: Chip, metrics: QFontMetrics) -> int:
    """The width a chip takes."""
    return PAD * 2 + (ICON + GAP if chip.icon else 0) + metrics.horizontalAdvance(chip.text)


def paint_chip(painter: QPainter, rect: QRect, chip: Chip, palette: Palette, compact: bool = False) -> int:
    """Paint one chip at ``rect``'s left, vertically centred (``compact``: the icon alone); returns its width."""
    metrics = painter.fontMetrics()
    if compact and chip.icon:
        chip = Chip("", chip.icon, chip.token)
        width = min(CHIP_HEIGHT + 6, rect.width())
    else:
        width = min(chip_width(chip, metrics), rect.width())
    box = QRectF(rect.left(), rect.center().y() - CHIP_HEIGHT / 2 + 1, width, CHIP_HEIGHT)
    colour = getattr(palette, chip.token, palette.text_muted)
    background = chip_background(palette, chip.token) if chip.token != "text_muted" else palette.surface_alt
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(background))
    painter.drawRoundedRect(box, CHIP_HEIGHT / 2, CHIP_HEIGHT / 2)
    x = int(box.left()) + PAD
    if chip.icon:
        ratio = painter.device().devicePixelRatioF() if painter.device() is not None else 1.0
        painter.drawPixmap(x, int(box.center().y() - ICON / 2), glyph_pixmap(chip.icon, colour, ICON, ratio))
        x += ICON + GAP
    painter.setPen(QColor(colour if chip.token != "text_muted" else palette.text))
    text_rect = QRect(x, int(box.top()), int(box.right()) - x - PAD + 1, CHIP_HEIGHT)
    text = metrics.elidedText(chip.text, Qt.TextElideMode.ElideRight, text_rect.width())
    painter.drawText(text_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, text)
    painter.restore()
    return width


def chip_font(base: QWidget) -> QFont:
    """The chips' font: the widget's, at the small size, medium weight."""
    font = base.font()
    font.setPixelSize(FONT_SMALL)
    font.setWeight(QFont.Weight.DemiBold)
    return font


class ChipRow(QWidget):
    """A row of chips as a widget (a run's status in the run detail, a warning next to a name)."""

    def __init__(self, chips: list[Chip] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.chips: list[Chip] = list(chips or [])
        self.setFont(chip_font(self))
        self.setFixedHeight(CHIP_HEIGHT + 4)

    def set_chips(self, chips: list[Chip]) -> None:
        """Show these chips."""
        self.chips = list(chips)
        self.setToolTip(", ".join(c.text for c in self.chips))
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        """All chips side by side."""
        metrics = self.fontMetrics()
        return QSize(sum(chip_width(c, metrics) + GAP for c in self.chips), CHIP_HEIGHT + 4)

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        """The chips, left to right."""
        painter = QPainter(self)
        try:
            x = 0
            for chip in self.chips:
                x += paint_chip(painter, QRect(x, 0, self.width() - x, self.height()), chip, theme_state.palette()) + GAP
        finally:
            painter.end()


class ChipDelegate(QStyledItemDelegate):
    """Paints a cell's CHIPS_ROLE list as chips (falling back to its text); the rest is the usual item."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        """Background and selection as usual, then the chips."""
        chips = index.data(CHIPS_ROLE)
        if not chips:
            super().paint(painter, option, index)
            return
        opt = qt.QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget is not None else None
        if style is not None:
            style.drawControl(qt.QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        painter.save()
        painter.setFont(chip_font(opt.widget) if opt.widget is not None else painter.font())
        rect = option.rect.adjusted(6, 0, -4, 0)
        x = rect.left()
        palette = theme_state.palette()
        # Words when they all fit, else icons alone (the tooltip names them).
        compact = sum(chip_width(c, painter.fontMetrics()) + GAP for c in chips) > rect.width() and len(chips) > 1
        for chip in chips:
            if x >= rect.right() - 10:
                break
            x += paint_chip(painter, QRect(x, rect.top(), rect.right() - x, rect.height()), chip, palette,
                            compact) + GAP
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:  # noqa: N802 - Qt override
        """Wide enough for every chip."""
        chips = index.data(CHIPS_ROLE)
        if not chips:
            return super().sizeHint(option, index)
        metrics = QFontMetrics(chip_font(option.widget)) if option.widget is not None else option.fontMetrics
        return QSize(sum(chip_width(c, metrics) + GAP for c in chips) + 12, CHIP_HEIGHT + 8)
