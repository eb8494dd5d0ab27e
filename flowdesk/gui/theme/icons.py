"""The icon set: Phosphor glyphs (the icon font inside the qtawesome wheel), tinted by the theme at paint time.

Only the font file and its charmap are read: qtawesome's Python package is never imported (it
pulls qtpy, whose imports cost ~130 ms of start-up). The glyphs are vector outlines, so icons look
the same on every OS, at every size, and in the frozen bundle (which carries the two files).
"""

from __future__ import annotations

import importlib.util
import json
import sys
from functools import lru_cache
from pathlib import Path

from flowdesk.gui.qt import QColor, QFont, QFontDatabase, QIcon, QIconEngine, QPainter, QPixmap, QRect, QSize, Qt
from flowdesk.gui.theme import theme_state

FONT_FILE = "phosphor-1.3.0.ttf"
CHARMAP_FILE = "phosphor-charmap-1.3.0.json"
GENERIC = "puzzle-piece"  # what an unknown icon name shows

# Emoji that workspaces written for the seed platform put in config.json "icon": the glyph standing for each.
EMOJI_ALIASES = {
    "📧": "envelope", "✉️": "envelope", "📝": "note-pencil", "💬": "chat-circle-text", "🔍": "magnifying-glass",
    "📺": "youtube-logo", "📊": "chart-bar", "📅": "calendar", "📆": "calendar", "🗓️": "calendar",
    "🖥️": "desktop", "🧰": "wrench", "📁": "folder", "📂": "folder-open", "🔔": "bell", "⚙️": "gear-six",
    "🌐": "globe", "🔑": "key", "📈": "chart-line-up", "🤖": "robot", "📄": "file-text", "🗂️": "folders",
    "🎯": "target", "🧩": "puzzle-piece", "🚀": "rocket", "📹": "video-camera", "🔗": "link", "👥": "users",
    "⚡": "lightning", "⏰": "clock", "🛒": "shopping-cart", "🗄️": "database", "☁️": "cloud", "🐛": "bug",
}


# The same, keyed without the emoji presentation selector (U+FE0F), which editors add or drop at will.
_ALIASES = {emoji.replace("\ufe0f", ""): name for emoji, name in EMOJI_ALIASES.items()}


def fonts_dir() -> Path:
    """Where the icon font lives: qtawesome's fonts folder (found without importing it), or the bundle's copy."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen and (Path(frozen) / "qtawesome" / "fonts" / FONT_FILE).is_file():
        return Path(frozen) / "qtawesome" / "fonts"
    spec = importlib.util.find_spec("qtawesome")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the qtawesome package (FlowDesk's icon font) is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "fonts"


@lru_cache(maxsize=1)
def charmap() -> dict[str, str]:
    """Icon name -> the glyph's character."""
    data = json.loads((fonts_dir() / CHARMAP_FILE).read_text(encoding="utf-8"))
    return {name: chr(int(code, 16)) for name, code in data.items()}


_family: list[str] = []


def font_family() -> str:
    """The icon font's family name, registered with Qt on first use (needs a QGuiApplication)."""
    if not _family:
        font_id = QFontDatabase.addApplicationFont(str(fonts_dir() / FONT_FILE))
        families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
        if not families:
            raise RuntimeError(f"cannot load the icon font {fonts_dir() / FONT_FILE}")
        _family.append(families[0])
    return _family[0]


def resolve_name(name: str | None) -> str:
    """A known icon name for ``name``: itself, the glyph an emoji stands for, or the generic icon."""
    if not name:
        return GENERIC
    name = name.strip()
    name = _ALIASES.get(name.replace("\ufe0f", ""), name)
    name = name.removeprefix("ph.")
    return name if name in charmap() else GENERIC


def is_known(name: str | None) -> bool:
    """True when ``name`` names a glyph of the set (emoji aliases included)."""
    return bool(name) and resolve_name(name) != GENERIC or (name or "").removeprefix("ph.") == GENERIC


class GlyphIconEngine(QIconEngine):
    """Paints one glyph in a theme colour read when painting, so a theme switch needs no new icons."""

    def __init__(self, glyph: str, token: str = "text", colour: str | None = None) -> None:
        super().__init__()
        self.glyph = glyph
        self.token = token
        self.colour = colour

    def _colour(self, mode: QIcon.Mode) -> QColor:
        palette = theme_state.palette()
        if mode == QIcon.Mode.Disabled:
            return QColor(palette.border_strong)
        if mode == QIcon.Mode.Selected and self.colour is None and self.token == "text":
            return QColor(palette.text)
        return QColor(self.colour or getattr(palette, self.token, palette.text))

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:  # noqa: N802
        """Draw the glyph centred in ``rect``, as large as its smaller side."""
        painter.save()
        font = QFont(font_family())
        font.setPixelSize(max(1, min(rect.width(), rect.height())))
        painter.setFont(font)
        painter.setPen(self._colour(mode))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, self.glyph)
        painter.restore()

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        """A transparent pixmap with the glyph painted in."""
        pix = QPixmap(size)
        pix.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pix)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        self.paint(painter, QRect(0, 0, size.width(), size.height()), mode, state)
        painter.end()
        return pix

    def clone(self) -> QIconEngine:
        """A copy (Qt copies engines when icons are detached)."""
        return GlyphIconEngine(self.glyph, self.token, self.colour)


@lru_cache(maxsize=512)
def glyph_pixmap(name: str | None, colour: str, size: int, ratio: float = 1.0) -> QPixmap:
    """A cached pixmap of a glyph in a fixed colour (for delegates that paint many cells)."""
    pix = GlyphIconEngine(charmap()[resolve_name(name)], colour=colour).pixmap(
        QSize(round(size * ratio), round(size * ratio)), QIcon.Mode.Normal, QIcon.State.Off)
    pix.setDevicePixelRatio(ratio)
    return pix


def icon(name: str | None, token: str = "text", colour: str | None = None) -> QIcon:
    """The icon ``name`` (a Phosphor name such as ``calendar`` or ``gear-six``; unknown names give a generic
    icon) in the theme colour ``token`` (or a fixed ``colour``)."""
    return QIcon(GlyphIconEngine(charmap()[resolve_name(name)], token, colour))
