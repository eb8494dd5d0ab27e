"""Owner-only data: the data dir 0700; its databases, logs, inbox and token files 0600 (POSIX only).

The run history, logs and the WhatsApp inbox hold run inputs, outputs and messages; the token
files open the API. On a shared machine none of it may be readable by other users, whatever the
umask. Three layers: the service and the app set ``umask(0o077)`` (``restrict_umask``), the code
creating these files passes explicit modes (``make_private_dir``, ``create_private_file``,
``open_private_append``) so library use without the umask is safe too, and ``tighten_data_dir``
repairs modes left loose by older versions or other tools, saying in one log line what changed.

Windows is skipped: there ``os.chmod`` only toggles the read-only flag and a user's data folder is
already private through its ACLs, so mode bits would be both meaningless and misleading.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path
from typing import IO

log = logging.getLogger(__name__)

POSIX = os.name == "posix"
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
PRIVATE_UMASK = 0o077
LOG_DIR_NAME = "logs"
# Files FlowDesk keeps at the top of the data dir. Named by pattern, not by walking the folder,
# so a data dir pointed at a shared folder (or $HOME) never has unrelated files changed.
PRIVATE_PATTERNS = ("*.sqlite3", "*.sqlite3-wal", "*.sqlite3-shm", "*.sqlite3-journal", "api_token")


_user_umask: int | None = None  # the umask the user started FlowDesk with, before restrict_umask()


def restrict_umask() -> int:
    """From now on this process creates files for the owner only; returns the old umask."""
    global _user_umask
    if not POSIX:
        return 0
    old = os.umask(PRIVATE_UMASK)
    if _user_umask is None:
        _user_umask = old
    return old


def user_umask() -> int:
    """The user's own umask for processes that run the user's code (workers), or -1 to inherit ours.

    What a workflow writes (reports, exports) belongs to the user's workspace and should get
    the permissions the user chose, not FlowDesk's owner-only umask for its private data.
    """
    return _user_umask if _user_umask is not None else -1


def make_private_dir(path: Path) -> Path:
    """Create ``path`` (and missing parents) with the leaf owner-only; an existing folder is left as it is."""
    path = Path(path)
    # mkdir's mode only applies to the leaf, which is what we want: ~/.local/share keeps its own mode.
    path.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
    return path


def create_private_file(path: Path) -> Path:
    """Create ``path`` empty and owner-only if it does not exist (content and mode of an existing file are kept).

    Done before SQLite opens a database: SQLite gives its ``-wal``/``-shm`` files the database's mode.
    """
    path = Path(path)
    try:
        # O_EXCL: an existing file is never opened for writing (it may be read-only, or in use).
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    except FileExistsError:
        return path
    os.close(fd)
    return path


def open_private_append(path: Path, encoding: str | None = "utf-8", errors: str | None = None) -> IO[str]:
    """``open(path, "a")`` that creates the file owner-only (log files, rotated ones included)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, PRIVATE_FILE_MODE)
    return os.fdopen(fd, "a", encoding=encoding, errors=errors)


def _tighten(path: Path, label: str, changes: list[str]) -> None:
    """Drop the group/other bits of one file or folder; symlinks and special files are left alone."""
    try:
        st = path.lstat()
    except FileNotFoundError:
        return
    if stat.S_ISLNK(st.st_mode) or not (stat.S_ISREG(st.st_mode) or stat.S_ISDIR(st.st_mode)):
        return  # a link may point anywhere: changing its target is not ours to do
    mode = stat.S_IMODE(st.st_mode)
    if not mode & PRIVATE_UMASK:
        return
    new = mode & ~PRIVATE_UMASK
    try:
        os.chmod(path, new)
    except OSError as exc:
        log.warning("cannot make %s private (mode %04o): %s", path, mode, exc.strerror or exc)
        return
    changes.append(f"{label} {mode:04o}->{new:04o}")


def tighten_data_dir(data_dir: Path) -> list[str]:
    """Take group/other access off the data dir and FlowDesk's files in it; logs one line if anything changed.

    Returns the changes, e.g. ``["data dir 0755->0700", "flowdesk.sqlite3 0644->0600"]``.
    """
    if not POSIX:
        return []
    data_dir = Path(data_dir)
    changes: list[str] = []
    _tighten(data_dir, "data dir", changes)
    files = sorted({p for pattern in PRIVATE_PATTERNS for p in data_dir.glob(pattern)})
    for path in files:
        _tighten(path, path.name, changes)
    log_dir = data_dir / LOG_DIR_NAME
    if log_dir.is_dir() and not log_dir.is_symlink():
        _tighten(log_dir, f"{LOG_DIR_NAME}/", changes)
        for path in sorted(log_dir.iterdir()):
            _tighten(path, f"{LOG_DIR_NAME}/{path.name}", changes)
    if changes:
        log.warning("made the data dir %s private (others could read it): %s", data_dir, ", ".join(changes))
    return changes
