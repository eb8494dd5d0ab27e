"""The built-in ``email`` tool (``tools.email.main`` to seed code)."""
