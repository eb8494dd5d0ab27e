"""The built-in ``web_search`` tool (``tools.web_search.main`` to seed code)."""
