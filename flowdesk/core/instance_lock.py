"""One scheduler per data dir: an exclusive lock file that also says who holds it and where it listens."""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from flowdesk.core.errors import FlowDeskError
from flowdesk.core.translatable import translatable

LOCK_FILENAME = "flowdesk.lock"


class AlreadyRunning(FlowDeskError):
    """Another FlowDesk process holds the data dir; ``holder`` says which and where."""

    def __init__(self, path: Path, holder: dict[str, Any]) -> None:
        self.holder = holder
        if holder.get("url"):
            message = translatable("Workspace", "FlowDesk is already running on data dir {folder} (pid {pid} listening "
                                   "on {url}); stop it first or use another --data-dir", folder=str(path.parent),
                                   pid=holder.get("pid", "?"), url=holder["url"])
        else:
            message = translatable("Workspace", "FlowDesk is already running on data dir {folder} (pid {pid}); stop "
                                   "it first or use another --data-dir", folder=str(path.parent),
                                   pid=holder.get("pid", "?"))
        super().__init__(message)


@dataclass
class InstanceLock:
    """Held for the life of a ``serve`` or app process; released by the OS if the process dies."""

    path: Path
    _fh: IO[str] | None = None

    @classmethod
    def for_data_dir(cls, data_dir: Path) -> InstanceLock:
        """The lock of one data dir."""
        return cls(data_dir / LOCK_FILENAME)

    def acquire(self, info: dict[str, Any] | None = None) -> None:
        """Take the lock or raise AlreadyRunning with the holder's details."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fh = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - kept open while the lock is held
        if not _try_lock(fh):
            fh.seek(0)
            try:
                holder = json.loads(fh.read() or "{}")
            except json.JSONDecodeError:
                holder = {}
            fh.close()
            raise AlreadyRunning(self.path, holder)
        self._fh = fh
        self.update({"pid": os.getpid(), **(info or {})})

    def update(self, info: dict[str, Any]) -> None:
        """Rewrite the holder details (e.g. once the listener knows its port)."""
        if self._fh is None:
            return
        self._fh.seek(0)
        self._fh.truncate()
        self._fh.write(json.dumps({"pid": os.getpid(), **info}))
        self._fh.flush()

    def holder(self) -> dict[str, Any]:
        """What the lock file says (whether or not we hold it)."""
        try:
            return json.loads(self.path.read_text(encoding="utf-8") or "{}")
        except (OSError, json.JSONDecodeError):
            return {}

    def release(self) -> None:
        """Give the lock back (also done by the OS when the process exits)."""
        if self._fh is not None:
            _unlock(self._fh)
            self._fh.close()
            self._fh = None


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fh: IO[str]) -> bool:
        try:
            fh.seek(0)
            msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False

    def _unlock(fh: IO[str]) -> None:
        fh.seek(0)
        msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fh: IO[str]) -> bool:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except OSError:
            return False

    def _unlock(fh: IO[str]) -> None:
        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
