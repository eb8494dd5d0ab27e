"""The built-in ``google_calendar`` tool (``tools.google_calendar.main`` / the seed's ``calendar``)."""
