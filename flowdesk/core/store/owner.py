"""Whether the process that owns an unfinished run is still alive, so a restart spares live runs of other processes."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable


def pid_alive(pid: int) -> bool:
    """True when a process with this pid exists (or may exist: when in doubt, say alive)."""
    if pid <= 0:
        return False
    if pid == os.getpid():
        return True
    if sys.platform == "win32":
        return _pid_alive_windows(pid)
    try:
        # Signal 0 checks existence and permission without delivering anything.
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by another user
        return True
    except OSError:
        return True
    return True


def _pid_alive_windows(pid: int) -> bool:
    # os.kill(pid, 0) would terminate the process on Windows, so ask the kernel instead.
    import ctypes
    from ctypes import wintypes

    process_query_limited_information = 0x1000
    still_active = 259
    error_access_denied = 5
    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
    kernel32.OpenProcess.argtypes = (wintypes.DWORD, wintypes.BOOL, wintypes.DWORD)
    kernel32.OpenProcess.restype = wintypes.HANDLE
    kernel32.GetExitCodeProcess.argtypes = (wintypes.HANDLE, ctypes.POINTER(wintypes.DWORD))
    kernel32.GetExitCodeProcess.restype = wintypes.BOOL
    kernel32.CloseHandle.argtypes = (wintypes.HANDLE,)
    handle = kernel32.OpenProcess(process_query_limited_information, False, pid)
    if not handle:
        return ctypes.get_last_error() == error_access_denied  # type: ignore[attr-defined]
    try:
        code = wintypes.DWORD()
        if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
            return True
        return code.value == still_active
    finally:
        kernel32.CloseHandle(handle)


def orphaned_owners(pids: Iterable[int | None]) -> list[int | None]:
    """The owner pids whose runs nobody will finish: this process's own, unknown (None) and dead ones.

    This process's own runs count as orphaned because it only asks at start-up
    (none of its runs exist yet) or at shutdown (its leftovers will not finish).
    A reused pid makes a dead owner look alive; its runs are then left for the
    next start, which is safer than clobbering a live CLI run.
    """
    me = os.getpid()
    return [pid for pid in pids if pid is None or pid == me or not pid_alive(pid)]
