"""The built-in ``youtube`` tool (``tools.youtube.main`` to seed code)."""
