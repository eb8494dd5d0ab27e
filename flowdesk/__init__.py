"""FlowDesk: local-first workflow automation."""

__version__ = "0.1.0"
