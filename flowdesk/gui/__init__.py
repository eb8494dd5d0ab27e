"""The desktop app: a thin PySide6 layer over flowdesk.core (which never imports Qt)."""
