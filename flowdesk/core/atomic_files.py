"""Crash-safe file writes: a synced temp file in the same folder, renamed over the target."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any


def write_text_atomic(path: Path, text: str, *, mode: int | None = None) -> None:
    """Replace ``path`` with ``text`` all at once; readers see the old or the new file, never half.

    ``mode`` None keeps the file's permissions (0644 for a new file); secrets pass 0o600, which
    ``mkstemp`` already uses, so they are never readable by others even for a moment.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is None:
            try:
                mode = path.stat().st_mode & 0o7777
            except FileNotFoundError:
                mode = 0o644
        if os.name == "posix":
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)


def write_json_atomic(path: Path, data: Any, *, mode: int | None = None) -> None:
    """``data`` as 2-space JSON (UTF-8 kept), written with write_text_atomic."""
    write_text_atomic(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n", mode=mode)


def _fsync_dir(directory: Path) -> None:
    """Make the rename durable where the OS allows syncing a directory (not on Windows)."""
    if os.name == "nt":
        return
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
