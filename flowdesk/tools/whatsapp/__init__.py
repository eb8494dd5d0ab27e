"""The built-in ``whatsapp`` tool (``tools.whatsapp.main`` to seed code) and its webhook inbox."""
