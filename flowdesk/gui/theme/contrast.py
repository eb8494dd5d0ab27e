"""WCAG 2 contrast: relative luminance and contrast ratio of #rrggbb colours (Qt-free, used by tests)."""

from __future__ import annotations

AA_TEXT = 4.5  # normal text
AA_LARGE = 3.0  # large text (≥ 18.66 px bold or 24 px), icons and other non-text graphics


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    """Relative luminance of ``#rrggbb`` (0 black .. 1 white), as WCAG 2 defines it."""
    value = colour.lstrip("#")
    r, g, b = (int(value[i:i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(foreground: str, background: str) -> float:
    """(L1 + 0.05) / (L2 + 0.05) with L1 the lighter: 1.0 .. 21.0."""
    a, b = luminance(foreground), luminance(background)
    light, dark = max(a, b), min(a, b)
    return (light + 0.05) / (dark + 0.05)
