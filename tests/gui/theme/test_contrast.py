"""WCAG AA contrast of every text and state colour of both palettes, computed from the tokens."""

from __future__ import annotations

import pytest

from flowdesk.gui.theme.contrast import AA_LARGE, AA_TEXT, contrast_ratio, luminance
from flowdesk.gui.theme.tokens import PALETTES, STATUS_TOKENS, Palette, chip_background

# Backgrounds text can sit on: the window, cards and tables, the rail and headers, selected rows.
BACKGROUNDS = ("window", "surface", "surface_alt", "selection")
TEXTS = ("text", "text_muted", "accent")


def test_the_contrast_formula_matches_wcag_reference_values() -> None:
    assert luminance("#ffffff") == pytest.approx(1.0) and luminance("#000000") == 0.0
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # the classic near miss
    assert contrast_ratio("#ffffff", "#767676") == pytest.approx(4.54, abs=0.01)


@pytest.mark.parametrize("palette", PALETTES.values(), ids=list(PALETTES))
def test_text_reaches_aa_on_every_background(palette: Palette) -> None:
    for text in TEXTS:
        for background in BACKGROUNDS:
            ratio = contrast_ratio(getattr(palette, text), getattr(palette, background))
            assert ratio >= AA_TEXT, f"{palette.name}: {text} on {background} is {ratio:.2f}:1"
    assert contrast_ratio(palette.on_accent, palette.accent_fill) >= AA_TEXT  # primary buttons
    assert contrast_ratio(palette.on_accent, palette.badge) >= AA_TEXT  # rail badges
    assert contrast_ratio(palette.surface, palette.text) >= AA_TEXT  # tooltips (inverted)


@pytest.mark.parametrize("palette", PALETTES.values(), ids=list(PALETTES))
def test_state_colours_reach_aa_as_text_and_on_their_chips(palette: Palette) -> None:
    for status, token in STATUS_TOKENS.items():
        colour = getattr(palette, token)
        for background in BACKGROUNDS:
            ratio = contrast_ratio(colour, getattr(palette, background))
            assert ratio >= AA_TEXT, f"{palette.name}: {status} on {background} is {ratio:.2f}:1"
        chip = contrast_ratio(colour, chip_background(palette, token))
        assert chip >= AA_TEXT, f"{palette.name}: {status} chip text is {chip:.2f}:1"
    for token in ("warning", "border_strong"):  # icons and input outlines: non-text contrast
        ratio = contrast_ratio(getattr(palette, token), palette.surface)
        assert ratio >= AA_LARGE, f"{palette.name}: {token} on surface is {ratio:.2f}:1"


def test_the_two_palettes_name_the_same_tokens() -> None:
    assert PALETTES["light"].colours().keys() == PALETTES["dark"].colours().keys()
    assert luminance(PALETTES["light"].window) > 0.8 > 0.05 > luminance(PALETTES["dark"].window)
