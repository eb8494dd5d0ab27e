"""The palette in force (GUI thread only): what custom painting reads, so a theme switch repaints right."""

from __future__ import annotations

from flowdesk.gui.theme.tokens import LIGHT, Palette

_current: list[Palette] = [LIGHT]


def palette() -> Palette:
    """The palette the app shows now (light until a theme is applied)."""
    return _current[0]


def set_palette(value: Palette) -> None:
    """Make ``value`` the palette in force (the theme manager calls this before restyling)."""
    _current[0] = value
