"""Keep ``None`` alive under PySide6 builds that return it from void methods without a reference (CPython < 3.12).

PySide6 6.12's abi3 wheels hand back ``None`` from every method returning ``void`` (``setText``,
``setData``, ``start``...) without a new reference. From CPython 3.12 ``None`` is immortal and this
is harmless; on 3.11 each such call lowers ``None``'s reference count by one, and once it reaches
zero the interpreter aborts ("Fatal Python error: none_dealloc") — after ~5,000 calls in a bare
script, after some hundreds of thousands in a long-running window. This gives ``None`` the count
3.12 gives immortal objects, so no number of calls can bring it to zero.
"""

from __future__ import annotations

import ctypes
import sys

IMMORTAL = 1 << 60


def keep_none_alive() -> bool:
    """Raise None's reference count out of reach (CPython < 3.12 release builds); True when it was needed."""
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython" or hasattr(sys, "gettotalrefcount"):
        return False  # immortal already, or another object layout (debug builds put two pointers first)
    refcount = ctypes.c_ssize_t.from_address(id(None))  # ob_refcnt: the first field of every object
    if refcount.value < IMMORTAL // 2:
        refcount.value = IMMORTAL
    return True
