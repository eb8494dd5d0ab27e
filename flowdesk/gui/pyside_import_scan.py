"""PySide6's check of every later import, done without filling ``linecache`` (~23 MB and ~20 ms of start-up saved).

Once PySide6 is loaded, its ``__feature__`` support asks of every module imported afterwards whether
its source mentions "PySide6" (``PySide6.support.feature._mod_uses_pyside``). It asks through
``inspect.getsource``, which reads the file into ``linecache`` and keeps every line there for the life
of the process: for the ~700 modules the app and its core import, 21 MB of Python heap that clearing
the cache later does not give back (the lines sit between long-lived objects in the allocator's
arenas). This asks the same question by reading the file's bytes once, keeping nothing.
"""

from __future__ import annotations

import sys
from types import ModuleType


def mentions_pyside(module: ModuleType) -> bool:
    """True when the module's source file contains "PySide6" (PySide6's own test, minus the cached lines)."""
    path = getattr(module, "__file__", None)
    if not isinstance(path, str) or not path.endswith(".py"):
        return False  # built-in, extension or source-less: inspect.getsource fails on those, which PySide reads as False
    try:
        with open(path, "rb") as source:
            return b"PySide6" in source.read()
    except OSError:
        return False


def scan_imports_without_linecache() -> bool:
    """Replace PySide6's per-import source check with ``mentions_pyside``; True when PySide6 had one to replace."""
    import PySide6  # noqa: F401 - loads shiboken's support package, where the check lives

    feature = sys.modules.get("PySide6.support.feature")
    if feature is None or not callable(getattr(feature, "_mod_uses_pyside", None)):
        return False  # another PySide6 layout: nothing to do, nothing broken
    feature._mod_uses_pyside = mentions_pyside
    return True


__all__ = ["mentions_pyside", "scan_imports_without_linecache"]
