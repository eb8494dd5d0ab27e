"""The built-in ``date`` tool (``tools.date.main`` to seed code)."""
