"""Reusable widgets of the desktop app (forms, editors, details, small charts)."""
