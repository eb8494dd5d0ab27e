"""A worker never outlives its engine: a lifeline pipe, Linux's parent-death signal, and a group kill.

The engine keeps the write end of a pipe whose read end the worker inherits. When the engine
process ends for any reason (kill -9 included) the kernel closes the write end; a daemon thread
in the worker blocked on the read end wakes with EOF and kills the worker's whole process group
(the workflow's own children with it). On Linux the kernel also sends SIGTERM at the parent's
death (``PR_SET_PDEATHSIG``), whose handler does the same group kill: two independent paths, so
a workflow stuck in C code, or one that replaced the SIGTERM handler, still dies.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Mapping

LIFELINE_ENV = "FLOWDESK_LIFELINE_FD"
PARENT_ENV = "FLOWDESK_ENGINE_PID"
_PR_SET_PDEATHSIG = 1


def open_lifeline() -> tuple[int, int]:
    """(read end for the worker, write end the engine keeps open for the worker's whole life)."""
    read_fd, write_fd = os.pipe()  # both non-inheritable: only pass_fds hands the read end on
    return read_fd, write_fd


def lifeline_env(read_fd: int) -> dict[str, str]:
    """What the worker needs to find its lifeline and its engine."""
    return {LIFELINE_ENV: str(read_fd), PARENT_ENV: str(os.getpid())}


def _kill_own_group() -> None:
    # The worker leads its own session and group (start_new_session), so this reaches every
    # process a workflow started and the worker itself, and nothing else.
    with contextlib.suppress(OSError, AttributeError):  # no process groups on Windows: exit is enough
        os.killpg(os.getpgrp(), signal.SIGKILL)
    os._exit(137)


def _watch(read_fd: int) -> None:
    try:
        while os.read(read_fd, 1):
            pass  # the engine never writes; data would only mean a bug, keep waiting for EOF
    except OSError:
        pass
    _kill_own_group()


def _on_parent_death(_signum: int, _frame: object) -> None:
    _kill_own_group()


def _set_parent_death_signal() -> None:
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)


def hold_lifeline(environ: Mapping[str, str]) -> None:
    """In the worker: die with the engine (call once at start-up, from the main thread)."""
    raw = environ.get(LIFELINE_ENV)
    with contextlib.suppress(ValueError, OSError):
        signal.signal(signal.SIGTERM, _on_parent_death)
    _set_parent_death_signal()
    parent = environ.get(PARENT_ENV)
    # The engine may have died between fork and prctl: then the signal will never come.
    if parent and parent.isdigit() and os.getppid() != int(parent):
        _kill_own_group()
    if raw and raw.isdigit():
        threading.Thread(target=_watch, args=(int(raw),), name="flowdesk-lifeline", daemon=True).start()
