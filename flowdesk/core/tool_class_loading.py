"""Which class of an imported tool module is the tool (the run-time half of the registry's static pick)."""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any


def _leaves(classes: list[type[Any]]) -> list[type[Any]]:
    """The classes no other one of ``classes`` derives from, in the same order."""
    return [c for c in classes if not any(o is not c and issubclass(o, c) for o in classes)]


def pick_tool_class(module: ModuleType) -> type[Any] | None:
    """The tool class of ``module``: among the BaseTool subclasses it defines, the first one that no
    other of them derives from (the registry's static pick applies the same rule); else an imported
    BaseTool subclass; else a class of its own that looks like a tool (``execute`` + ``authenticate``)."""
    from flowdesk.tools.base import BaseTool  # late: keeps flowdesk.core free of tool imports at load

    classes = [obj for obj in vars(module).values() if isinstance(obj, type)]
    own = [c for c in classes if c.__module__ == module.__name__]
    tools = [c for c in own if issubclass(c, BaseTool) and c is not BaseTool]
    if tools:
        return _leaves(tools)[0]
    imported = [c for c in classes if issubclass(c, BaseTool) and c is not BaseTool
                and not c.__module__.startswith("flowdesk.tools.base")]
    if imported:
        return _leaves(imported)[0]
    # Seed tools that never subclassed BaseTool still work if they look like tools.
    duck = [c for c in own if callable(getattr(c, "execute", None)) and callable(getattr(c, "authenticate", None))]
    return duck[0] if duck else None


def load_tool_class(module_name: str, class_name: str | None = None) -> type[Any]:
    """Import ``module_name`` and return ``class_name``, else its tool class (``pick_tool_class``)."""
    module = importlib.import_module(module_name)
    if class_name:
        cls = getattr(module, class_name, None)
        if not isinstance(cls, type):
            raise ImportError(f"{module_name}: no class {class_name}", name=module_name)
        return cls
    found = pick_tool_class(module)
    if found is None:
        raise ImportError(f"{module_name}: no BaseTool subclass found", name=module_name)
    return found
