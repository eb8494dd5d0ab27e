"""Design tokens: the colours of the light and dark palettes, spacing, radii and font sizes, by name."""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import lru_cache

# Spacing scale (px): every margin and gap in the app is one of these.
SPACE_XS = 4
SPACE_SM = 8
SPACE_MD = 12
SPACE_LG = 16
SPACE_XL = 24
SPACE_XXL = 32

# Corner radii (px).
RADIUS_SM = 4
RADIUS_MD = 6
RADIUS_LG = 10
RADIUS_PILL = 10  # chips and badges: half their height

# Font sizes (px): px rather than pt so the scale is the same on every platform's default DPI.
FONT_SMALL = 11
FONT_BODY = 13
FONT_SECTION = 13
FONT_TITLE = 20
FONT_KPI = 26

# The rail and the status bar.
RAIL_WIDTH = 84
ROW_HEIGHT = 30  # table rows: one line
ROW_HEIGHT_TWO_LINES = 44  # the workflows table: name over description


@dataclass(frozen=True)
class Palette:
    """Every colour the app uses, as #rrggbb; state colours are text/icon colours readable on ``surface``."""

    name: str
    window: str  # the window background behind cards
    surface: str  # cards, tables, inputs
    surface_alt: str  # the rail, table headers, hovered rows
    border: str  # hairlines between areas
    border_strong: str  # input outlines
    text: str
    text_muted: str  # secondary text: descriptions, captions, placeholders
    accent: str  # links, focused outlines, the selected rail item's icon and text
    accent_fill: str  # primary buttons
    on_accent: str  # text on accent_fill
    selection: str  # selected rows (text stays ``text``)
    success: str
    danger: str
    warning: str
    running: str
    queued: str
    skipped: str
    interrupted: str
    timeout: str
    badge: str  # rail badges (text on_accent)

    def colours(self) -> dict[str, str]:
        """Token name -> colour."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "name"}


LIGHT = Palette(
    name="light",
    window="#f5f6f8",
    surface="#ffffff",
    surface_alt="#eceef2",
    border="#dde1e6",
    border_strong="#858f99",
    text="#1f2328",
    text_muted="#59636e",
    accent="#1f5fd1",
    accent_fill="#1f5fd1",
    on_accent="#ffffff",
    selection="#dde8fb",
    success="#146c2e",
    danger="#c8202c",
    warning="#8a5a00",
    running="#0b62c6",
    queued="#6f42c1",
    skipped="#5c6670",
    interrupted="#a04700",
    timeout="#b1361e",
    badge="#c8202c",
)

DARK = Palette(
    name="dark",
    window="#14161a",
    surface="#1b1e24",
    surface_alt="#101216",
    border="#2c313a",
    border_strong="#656e7a",
    text="#e6e8eb",
    text_muted="#9ea7b3",
    accent="#79a8ff",
    accent_fill="#2d66d6",
    on_accent="#ffffff",
    selection="#233655",
    success="#4ec26a",
    danger="#ff7b72",
    warning="#d9a53c",
    running="#6cb0ff",
    queued="#b69cf7",
    skipped="#98a2ad",
    interrupted="#f0994d",
    timeout="#ff8e6b",
    badge="#d1333d",
)

PALETTES = {"light": LIGHT, "dark": DARK}

# Run statuses -> the palette token of their colour.
STATUS_TOKENS = {
    "success": "success",
    "error": "danger",
    "timeout": "timeout",
    "interrupted": "interrupted",
    "skipped": "skipped",
    "running": "running",
    "queued": "queued",
}


@lru_cache(maxsize=256)
def mix(colour: str, base: str, amount: float) -> str:
    """``amount`` (0..1) of ``colour`` blended into ``base``: the tinted backgrounds of chips and banners."""
    a, b = _rgb(colour), _rgb(base)
    return "#" + "".join(f"{round(x * amount + y * (1 - amount)):02x}" for x, y in zip(a, b))


def _rgb(colour: str) -> tuple[int, int, int]:
    value = colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def chip_background(palette: Palette, token: str) -> str:
    """The faint background of a chip of the colour ``token`` (its text is the token's colour)."""
    return mix(getattr(palette, token), palette.surface, 0.14 if palette.name == "light" else 0.18)
