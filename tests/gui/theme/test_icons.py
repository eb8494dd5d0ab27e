"""The icon set: glyphs from the bundled font, tinted by the palette in force, generic fallback, no emoji."""

from __future__ import annotations

from flowdesk.gui.qt import QColor, QIcon, QImage
from flowdesk.gui.theme import icons
from flowdesk.gui.theme.theme_manager import install_theme
from flowdesk.gui.theme.tokens import DARK, LIGHT


def inked(icon: QIcon, size: int = 32) -> list[QColor]:
    """The opaque pixels of an icon, as colours."""
    image = icon.pixmap(size, size).toImage().convertToFormat(QImage.Format.Format_ARGB32)
    return [image.pixelColor(x, y) for x in range(size) for y in range(size) if image.pixelColor(x, y).alpha() == 255]


def test_a_glyph_paints_in_the_theme_colour_of_each_palette(qapp) -> None:
    manager = install_theme(qapp, "light")
    try:
        pixels = inked(icons.icon("gear-six", "accent"))
        assert len(pixels) > 40, "the glyph draws something"
        assert {p.name() for p in pixels} == {LIGHT.accent}
        manager.set_mode("dark")
        assert {p.name() for p in inked(icons.icon("gear-six", "accent"))} == {DARK.accent}
    finally:
        manager.set_mode("light")


def test_names_emoji_and_unknown_names() -> None:
    assert icons.resolve_name("calendar") == "calendar" and icons.resolve_name("ph.calendar") == "calendar"
    assert icons.resolve_name("📅") == "calendar"  # seed workspaces put emoji in config.json
    assert icons.resolve_name("no-such-icon") == icons.GENERIC and icons.resolve_name(None) == icons.GENERIC
    assert icons.is_known("key") and not icons.is_known("🦄")
    assert icons.fonts_dir().joinpath(icons.FONT_FILE).is_file()


def test_unknown_icons_still_draw_the_generic_glyph(qapp) -> None:
    install_theme(qapp, "light")
    assert len(inked(icons.icon("definitely-not-an-icon"))) > 40
