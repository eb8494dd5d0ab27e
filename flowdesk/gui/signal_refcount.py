"""A guard against a PySide6 reference-count bug: ``SignalInstance.emit()`` returning ``True`` without a reference.

With PySide6 6.12.0 every ``signal.emit(...)`` made from Python hands back ``True`` without owning a
reference to it; the caller's discarded result then takes one reference away from ``True``. On Python 3.11
(where ``True`` is not immortal) the app aborts with "bool_dealloc: deallocating True or False" after a
few thousand emits: minutes at 200 runs a second, days at a few runs an hour. ``install()`` measures the
bug once and, only when it is there, wraps ``emit`` to add the missing reference (an extra reference to
``True`` is harmless, so a fixed PySide6 is never harmed: the probe finds no bug and nothing is wrapped).
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any

_installed: list[bool] = []


def emit_leaks_a_reference() -> bool:
    """True when emitting a signal from Python takes a reference away from the value ``emit`` returns."""
    from PySide6.QtCore import QObject, Signal

    class _Probe(QObject):
        ping = Signal()

    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(16):
        probe.ping.emit()
    leaked = sys.getrefcount(True) < before - 8
    if leaked:  # give back what the probe took
        for _ in range(16):
            ctypes.pythonapi.Py_IncRef(ctypes.py_object(True))
    return leaked


def install() -> bool:
    """Wrap ``SignalInstance.emit`` when (and only when) it leaks; returns whether the guard is active."""
    if _installed:
        return _installed[0]
    from PySide6.QtCore import SignalInstance

    active = emit_leaks_a_reference()
    if active:
        original = SignalInstance.emit
        incref = ctypes.pythonapi.Py_IncRef

        def emit(self: Any, *args: Any) -> Any:
            result = original(self, *args)
            if result is True or result is False:
                incref(ctypes.py_object(result))  # the reference emit() should have given us
            return result

        emit.__doc__ = original.__doc__
        SignalInstance.emit = emit
    _installed.append(active)
    return active
