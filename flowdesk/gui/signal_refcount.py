"""Keep ``True`` and ``False`` alive under PySide6 6.12, whose ``SignalInstance.emit()`` returns ``True`` without a
reference (CPython < 3.12).

Every ``signal.emit(...)`` made from Python hands back ``True`` without owning a reference to it; the caller's
discarded result then takes one reference away. On CPython 3.11 (where ``True`` is not immortal) the app aborted
with "bool_dealloc: deallocating True or False" after a few thousand emits: seconds at 200 runs a second, days at
a few runs an hour. As ``none_refcount.py`` does for ``None``, this gives both booleans the count CPython 3.12
gives immortal objects: no number of emits can bring them to zero, and nothing is wrapped (no cost per emit,
none at start-up). Extra references to ``True`` are harmless, so a fixed PySide6 is not harmed either.
"""

from __future__ import annotations

import ctypes
import sys

from flowdesk.gui.none_refcount import IMMORTAL


def emit_leaks_a_reference() -> bool:
    """True when emitting a signal from Python takes a reference away from ``True`` (measured; tests)."""
    from PySide6.QtCore import QObject, Signal

    class _Probe(QObject):
        ping = Signal()

    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(16):
        probe.ping.emit()
    return sys.getrefcount(True) < before - 8


def keep_booleans_alive() -> bool:
    """Raise True's and False's reference counts out of reach (CPython < 3.12 release builds); True when needed."""
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython" or hasattr(sys, "gettotalrefcount"):
        return False  # immortal already, or another object layout (debug builds put two pointers first)
    for value in (True, False):
        refcount = ctypes.c_ssize_t.from_address(id(value))  # ob_refcnt: the first field of every object
        if refcount.value < IMMORTAL // 2:
            refcount.value = IMMORTAL
    return True
