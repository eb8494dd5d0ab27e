"""Table cell painters: a title over a muted second line, an on/off switch (clicked like a check box), and chips
that fall back to their icons when the column is narrow."""

from __future__ import annotations

from flowdesk.gui.qt import (
    QColor,
    QEvent,
    QFont,
    QModelIndex,
    QMouseEvent,
    QPainter,
    QRect,
    QRectF,
    QSize,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    Qt,
)
from flowdesk.gui.theme import theme_state
from flowdesk.gui.theme.tokens import FONT_SMALL
from flowdesk.gui.widgets.chips import CHIPS_ROLE, ChipDelegate, chip_font, chip_width, paint_chip


class TwoLineDelegate(QStyledItemDelegate):
    """The cell's text, and under it ``second_role``'s text, smaller and muted (in the danger colour when
    ``error_role`` says so); both elided to the column's width."""

    def __init__(self, second_role: int, parent: object = None, error_role: int | None = None,
                 bold: bool = True) -> None:
        super().__init__(parent)  # type: ignore[arg-type]
        self.second_role = second_role
        self.error_role = error_role
        self.bold = bold

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        """Background and selection as usual, then two elided lines."""
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        title, opt.text = opt.text, ""
        style = opt.widget.style() if opt.widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        second = index.data(self.second_role) or ""
        palette = theme_state.palette()
        rect = option.rect.adjusted(8, 4, -8, -4)
        painter.save()
        font = QFont(option.font)
        if self.bold:
            font.setWeight(QFont.Weight.DemiBold)
        painter.setFont(font)
        painter.setPen(QColor(palette.text))
        top = QRect(rect.left(), rect.top(), rect.width(), rect.height() // 2 if second else rect.height())
        align = Qt.AlignmentFlag.AlignLeft | (Qt.AlignmentFlag.AlignBottom if second else Qt.AlignmentFlag.AlignVCenter)
        painter.drawText(top, align, painter.fontMetrics().elidedText(title, Qt.TextElideMode.ElideRight, top.width()))
        if second:
            small = QFont(option.font)
            small.setPixelSize(FONT_SMALL + 1)
            painter.setFont(small)
            broken = self.error_role is not None and bool(index.data(self.error_role))
            painter.setPen(QColor(palette.danger if broken else palette.text_muted))
            bottom = QRect(rect.left(), rect.top() + rect.height() // 2 + 1, rect.width(), rect.height() // 2)
            text = painter.fontMetrics().elidedText(" ".join(second.split()), Qt.TextElideMode.ElideRight,
                                                    bottom.width())
            painter.drawText(bottom, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, text)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:  # noqa: N802 - Qt override
        """Two lines high."""
        base = super().sizeHint(option, index)
        return QSize(base.width(), max(base.height(), 2 * option.fontMetrics.height() + 10))


SWITCH_W, SWITCH_H = 30, 16


class SwitchDelegate(QStyledItemDelegate):
    """Paints a checkable cell's CheckStateRole as a switch; a click or Space toggles it through the model."""

    @staticmethod
    def switch_rect(option: QStyleOptionViewItem) -> QRect:
        """Where the switch is, centred in the cell."""
        r = option.rect
        return QRect(r.center().x() - SWITCH_W // 2, r.center().y() - SWITCH_H // 2, SWITCH_W, SWITCH_H)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        """Background, then the track and the knob (nothing when the cell is not checkable)."""
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        opt.features &= ~QStyleOptionViewItem.ViewItemFeature.HasCheckIndicator
        style = opt.widget.style() if opt.widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        state = index.data(Qt.ItemDataRole.CheckStateRole)
        if state is None:
            return
        on = Qt.CheckState(state) == Qt.CheckState.Checked
        palette = theme_state.palette()
        rect = QRectF(self.switch_rect(option))
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(palette.accent_fill if on else palette.border_strong))
        painter.drawRoundedRect(rect, SWITCH_H / 2, SWITCH_H / 2)
        knob = SWITCH_H - 4
        x = rect.right() - knob - 2 if on else rect.left() + 2
        painter.setBrush(QColor("#ffffff"))
        painter.drawEllipse(QRectF(x, rect.top() + 2, knob, knob))
        painter.restore()

    def editorEvent(self, event: QEvent, model: object, option: QStyleOptionViewItem,  # noqa: N802 - Qt API
                    index: QModelIndex) -> bool:
        """Toggle on a click inside the cell, or Space on the current cell."""
        if not (index.flags() & Qt.ItemFlag.ItemIsUserCheckable):
            return False
        kind = event.type()
        if kind == QEvent.Type.MouseButtonRelease and isinstance(event, QMouseEvent):
            if event.button() != Qt.MouseButton.LeftButton or not option.rect.contains(event.position().toPoint()):
                return False
        elif kind == QEvent.Type.MouseButtonDblClick:
            return True  # two clicks are two toggles, not an edit
        elif kind == QEvent.Type.KeyPress:
            if getattr(event, "key", lambda: None)() != Qt.Key.Key_Space:
                return False
        else:
            return kind == QEvent.Type.MouseButtonPress and option.rect.contains(event.position().toPoint())  # type: ignore[attr-defined]
        current = Qt.CheckState(index.data(Qt.ItemDataRole.CheckStateRole))
        target = Qt.CheckState.Unchecked if current == Qt.CheckState.Checked else Qt.CheckState.Checked
        return bool(model.setData(index, target, Qt.ItemDataRole.CheckStateRole))  # type: ignore[attr-defined]


class CompactChipDelegate(ChipDelegate):
    """Chips as ChipDelegate paints them, except that a lone chip too shows its icon alone when its word does not
    fit the column (the cell's tooltip says the word)."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        """Background and selection as usual, then the chip: icon and word, or the icon alone."""
        chips = index.data(CHIPS_ROLE)
        if not chips or len(chips) > 1:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        painter.save()
        if opt.widget is not None:
            painter.setFont(chip_font(opt.widget))
        rect = option.rect.adjusted(6, 0, -4, 0)
        compact = chip_width(chips[0], painter.fontMetrics()) > rect.width()
        paint_chip(painter, rect, chips[0], theme_state.palette(), compact)
        painter.restore()
