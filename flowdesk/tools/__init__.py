"""Built-in tools and ``BaseTool``, the class every tool (built-in or workspace) subclasses."""

from flowdesk.tools.base import BaseTool, ToolParamError

__all__ = ["BaseTool", "ToolParamError"]
