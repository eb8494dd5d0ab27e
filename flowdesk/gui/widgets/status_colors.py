"""Run-status and error colours picked from the system palette, readable on light and dark themes."""

from __future__ import annotations

from flowdesk.gui.qt import QApplication, QColor, QPalette, QWidget

# (on a light background, on a dark background): darker shades on light themes, lighter on dark.
_STATUS = {
    "success": ("#2e7d32", "#81c784"),
    "error": ("#c62828", "#ef9a9a"),
    "timeout": ("#c62828", "#ef9a9a"),
    "interrupted": ("#e65100", "#ffb74d"),
    "skipped": ("#8d6e00", "#ffe082"),
    "running": ("#1565c0", "#90caf9"),
    "queued": ("#5e35b1", "#b39ddb"),
}
_ERROR = ("#c62828", "#ff8a80")


def _palette(widget: QWidget | None = None) -> QPalette:
    return widget.palette() if widget is not None else QApplication.palette()


def is_dark(palette: QPalette | None = None) -> bool:
    """True when the window background is dark (the theme is a dark one)."""
    palette = palette or QApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def status_color(status: str | None, widget: QWidget | None = None) -> QColor:
    """The text colour of a run status; unknown statuses use the palette's placeholder text colour."""
    palette = _palette(widget)
    pair = _STATUS.get(status or "")
    if pair is None:
        return palette.color(QPalette.ColorRole.PlaceholderText)
    return QColor(pair[1] if is_dark(palette) else pair[0])


def error_color(widget: QWidget | None = None) -> QColor:
    """The colour of error text and of the border of an invalid field."""
    return QColor(_ERROR[1] if is_dark(_palette(widget)) else _ERROR[0])


def error_background(widget: QWidget | None = None) -> QColor:
    """A faint red row background that keeps the palette's text readable."""
    palette = _palette(widget)
    base = palette.color(QPalette.ColorRole.Base)
    red = error_color(widget)
    # Blend 22 % of the error colour into the base colour: visible, yet text contrast stays high.
    mix = 0.22
    return QColor(round(base.red() * (1 - mix) + red.red() * mix),
                  round(base.green() * (1 - mix) + red.green() * mix),
                  round(base.blue() * (1 - mix) + red.blue() * mix))


def status_html(status: str | None, widget: QWidget | None = None) -> str:
    """A bold, coloured status word for rich-text labels."""
    return f'<b style="color:{status_color(status, widget).name()}">{status or "—"}</b>'
