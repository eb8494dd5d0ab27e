"""The main window's views: one module per view, each a QWidget with ``title`` and ``refresh()``."""
