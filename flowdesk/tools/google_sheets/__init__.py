"""The built-in ``google_sheets`` tool (``tools.google_sheets.main``)."""
