"""The icon set: glyphs from the bundled font, tinted by the palette in force, generic fallback, no emoji."""

from __future__ import annotations

import json
import re
from pathlib import Path

import flowdesk
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


def test_emoji_resolve_with_or_without_their_presentation_selector() -> None:
    assert icons.resolve_name("⚙️") == icons.resolve_name("⚙") == "gear-six"
    assert icons.resolve_name("⚡️") == icons.resolve_name("⚡") == "lightning"
    assert icons.resolve_name("🎯") == "target"  # the example workspace's seed-style lead form


EMOJI = re.compile("[\U0001F300-\U0001FAFF\u2600-\u27BF]")


def test_every_icon_flowdesk_ships_or_writes_is_a_glyph_and_its_pages_carry_no_emoji(tmp_path: Path) -> None:
    from flowdesk.core.scaffold import new_interface
    from flowdesk.core.workspace import Workspace

    root = Path(flowdesk.__file__).parent
    configs = [*root.glob("tools/*/config.json"), *root.glob("interfaces/*/config.json")]
    ws = Workspace(tmp_path)
    configs.append(new_interface(ws, "my page") / "config.json")
    assert len(configs) >= 10
    for path in configs:
        icon = json.loads(path.read_text(encoding="utf-8")).get("icon")
        assert icon and not EMOJI.search(icon), f"{path}: icon {icon!r} is an emoji, not a glyph name"
        assert icons.is_known(icon), f"{path}: unknown icon {icon!r}"
    example = root.parent / "private" / "interfaces"
    pages = [*root.glob("interfaces/*/src/*.html"), *example.glob("*/src/*.html")]
    assert pages
    for page in pages:
        found = EMOJI.findall(page.read_text(encoding="utf-8"))
        assert not found, f"{page}: emoji {found} (they render as empty boxes where the system font lacks them)"
