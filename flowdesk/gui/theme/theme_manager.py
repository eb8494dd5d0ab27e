"""Applies the light or dark palette to the app: follows the OS colour scheme live unless Settings forces one."""

from __future__ import annotations

from flowdesk.gui.qt import QApplication, QFont, QObject, QStyleFactory, Qt, Signal
from flowdesk.gui.theme import theme_state
from flowdesk.gui.theme.stylesheet import build_stylesheet, qpalette
from flowdesk.gui.theme.tokens import PALETTES, Palette

MODES = ("system", "light", "dark")
# The UI font: the platform's own first, then good fallbacks; sizes come from the tokens.
FONT_FAMILIES = ["Inter", "Segoe UI", "SF Pro Text", "Helvetica Neue", "Cantarell", "Noto Sans", "Ubuntu",
                 "DejaVu Sans"]


class ThemeManager(QObject):
    """One per app: ``mode`` is system / light / dark; ``changed(name)`` follows every palette switch."""

    changed = Signal(str)

    def __init__(self, app: QApplication, mode: str = "system") -> None:
        super().__init__(app)
        self.app = app
        self.mode = mode if mode in MODES else "system"
        hints = app.styleHints()
        self.os_scheme = hints.colorScheme()
        hints.colorSchemeChanged.connect(self.on_os_scheme_changed)
        self.applied: str | None = None

    @property
    def scheme(self) -> str:
        """The palette in force: the forced one, else the OS's (light when the OS does not say)."""
        if self.mode != "system":
            return self.mode
        return "dark" if self.os_scheme == Qt.ColorScheme.Dark else "light"

    @property
    def palette(self) -> Palette:
        """The tokens of the palette in force."""
        return PALETTES[self.scheme]

    def set_mode(self, mode: str) -> None:
        """System, light or dark (Settings); applied at once."""
        self.mode = mode if mode in MODES else "system"
        self.apply()

    def on_os_scheme_changed(self, scheme: Qt.ColorScheme) -> None:
        """The OS switched between light and dark: follow it unless a palette is forced."""
        self.os_scheme = scheme
        if self.mode == "system":
            self.apply()

    def apply(self) -> None:
        """Palette, stylesheet and font on the whole app; ``changed`` tells custom-painted widgets."""
        scheme = self.scheme
        if scheme == self.applied:
            return
        palette = PALETTES[scheme]
        theme_state.set_palette(palette)
        if self.applied is None:
            # Fusion draws every control from the palette, so both palettes look the same on every OS.
            style = QStyleFactory.create("Fusion")
            if style is not None:
                self.app.setStyle(style)
            # Families only: the size stays the platform's (code elsewhere scales pointSizeF, which a
            # pixel-sized font would turn into -1).
            font = QFont(self.app.font())
            font.setFamilies(FONT_FAMILIES + [font.family()])
            self.app.setFont(font)
        self.app.setPalette(qpalette(palette))
        self.app.setStyleSheet(build_stylesheet(palette))
        self.applied = scheme
        self.changed.emit(scheme)


_manager: list[ThemeManager] = []


def install_theme(app: QApplication, mode: str = "system") -> ThemeManager:
    """Create (once) and apply the app's theme manager; later calls return the same one with ``mode`` set."""
    if _manager and _manager[0].app is app:
        _manager[0].set_mode(mode)
        return _manager[0]
    _manager.clear()
    _manager.append(ThemeManager(app, mode))
    _manager[0].apply()
    return _manager[0]


def theme_manager() -> ThemeManager | None:
    """The installed theme manager, if any."""
    return _manager[0] if _manager else None
