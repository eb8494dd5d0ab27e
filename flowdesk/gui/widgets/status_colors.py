"""Run-status and error colours from the theme's tokens, picked for the light or dark palette of a widget."""

from __future__ import annotations

from flowdesk.gui.qt import QApplication, QColor, QPalette, QWidget
from flowdesk.gui.theme.tokens import PALETTES, STATUS_TOKENS, Palette, mix


def _palette(widget: QWidget | None = None) -> QPalette:
    return widget.palette() if widget is not None else QApplication.palette()


def is_dark(palette: QPalette | None = None) -> bool:
    """True when the window background is dark (the theme is a dark one)."""
    palette = palette or QApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def tokens_for(widget: QWidget | None = None) -> Palette:
    """The token palette matching the widget's (or the app's) Qt palette."""
    return PALETTES["dark" if is_dark(_palette(widget)) else "light"]


def status_color(status: str | None, widget: QWidget | None = None) -> QColor:
    """The text colour of a run status; unknown statuses use the palette's muted text colour."""
    tokens = tokens_for(widget)
    token = STATUS_TOKENS.get(status or "")
    return QColor(getattr(tokens, token) if token else tokens.text_muted)


def error_color(widget: QWidget | None = None) -> QColor:
    """The colour of error text and of the border of an invalid field."""
    return QColor(tokens_for(widget).danger)


def error_background(widget: QWidget | None = None) -> QColor:
    """A faint red row background that keeps the palette's text readable."""
    palette = _palette(widget)
    base = palette.color(QPalette.ColorRole.Base).name()
    return QColor(mix(tokens_for(widget).danger, base, 0.14))


def status_html(status: str | None, widget: QWidget | None = None) -> str:
    """A status for rich-text labels: its glyph and its word, bold, in its colour (never the colour alone)."""
    from flowdesk.gui.theme.icons import charmap, font_family
    from flowdesk.gui.theme.status_look import status_look

    look = status_look(status)
    glyph = charmap().get(look.icon, "")
    mark = f'<span style="font-family:\'{font_family()}\'">&#x{ord(glyph):x};</span> ' if glyph else ""
    return f'<b style="color:{status_color(status, widget).name()}">{mark}{look.word}</b>'
