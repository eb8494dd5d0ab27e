"""Discovery of workflows, tools and interfaces, with per-entry error reporting."""

from flowdesk.core.registry.entries import Entry, InterfaceEntry, ReloadReport, ToolEntry, WorkflowEntry
from flowdesk.core.registry.registry import BUILTIN_TOOLS_DIR, Registry

__all__ = ["BUILTIN_TOOLS_DIR", "Entry", "InterfaceEntry", "Registry", "ReloadReport", "ToolEntry", "WorkflowEntry"]
