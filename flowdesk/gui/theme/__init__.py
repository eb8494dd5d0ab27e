"""The design system: tokens, palettes, the generated stylesheet, the theme manager and the icon set."""
