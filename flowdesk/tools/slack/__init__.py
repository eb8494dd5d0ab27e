"""The built-in ``slack`` tool (``tools.slack.main`` to seed code)."""
