"""The built-in ``notion`` tool (``tools.notion.main`` to seed code)."""
