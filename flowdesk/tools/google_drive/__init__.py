"""The built-in ``google_drive`` tool (``tools.google_drive.main``)."""
