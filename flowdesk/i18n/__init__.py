"""Translations: which language to speak, where the .ts/.qm catalogues live, and the CLI's lazy translator."""
