"""Workspace revision: a content hash of a workflow folder, carried by each broker message.

Workers on other machines hold their own copy of the workspace; a worker whose copy of a workflow
differs from the one a run was accepted for must not run it. The hash covers the code and the
configuration of the folder (``*.py``, ``*.json``, ``*.txt`` such as requirements, ``*.toml``,
``*.yaml``/``*.yml``, ``*.cfg``, ``*.ini``), never data a workflow may write next to its code, and
never ``__pycache__`` or hidden entries. Contents are read again only when a file's stat changed.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from pathlib import Path

HASHED_SUFFIXES = (".py", ".json", ".txt", ".toml", ".yaml", ".yml", ".cfg", ".ini")
MISSING = "missing"  # the revision of a workflow folder that does not exist
_SKIP_DIRS = {"__pycache__", "node_modules", "venv", "site-packages"}
MAX_DEPTH = 12


def _files(root: str, rel: str = "", depth: int = 0) -> list[tuple[str, str, int, int]]:
    """(relative path, absolute path, mtime_ns, size) of every hashed file under ``root``, unsorted."""
    out: list[tuple[str, str, int, int]] = []
    if depth > MAX_DEPTH:
        return out
    try:
        entries = os.scandir(root)
    except OSError:
        return out
    with entries:
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            try:
                if entry.is_dir(follow_symlinks=True):
                    if name not in _SKIP_DIRS:
                        out.extend(_files(entry.path, f"{rel}{name}/", depth + 1))
                elif name.endswith(HASHED_SUFFIXES):
                    st = entry.stat()
                    out.append((f"{rel}{name}", entry.path, st.st_mtime_ns, st.st_size))
            except OSError:
                continue  # vanished while we looked
    return out


def folder_revision(folder: Path | str) -> str:
    """The revision of a folder read from disk now (16 hex digits; ``missing`` without the folder)."""
    if not os.path.isdir(folder):
        return MISSING
    digest = hashlib.sha256()
    for rel, path, _, _ in sorted(_files(str(folder))):
        try:
            with open(path, "rb") as handle:
                content = handle.read()
        except OSError:
            continue
        digest.update(rel.encode("utf-8", "surrogateescape") + b"\0")
        digest.update(len(content).to_bytes(8, "big") + content)
    return digest.hexdigest()[:16]


class RevisionCache:
    """Revisions of workflow folders, re-hashed only when a file's (path, mtime, size) changed.

    The stats themselves are looked at most once per ``recheck`` seconds per folder (a worker asks
    for every run). A copy changed within that second is still caught: the engine reloads changed
    code by itself, and a message whose revision differs makes the worker look again (``fresh``).
    """

    def __init__(self, recheck: float = 1.0) -> None:
        self.recheck = recheck
        self._lock = threading.Lock()
        self._known: dict[str, tuple[tuple[tuple[str, str, int, int], ...], str, float]] = {}

    def revision(self, folder: Path | str, *, fresh: bool = False) -> str:
        """The folder's revision; ``fresh`` reads every file again whatever the stats say."""
        key = str(folder)
        with self._lock:
            known = self._known.get(key)
        now = time.monotonic()
        if known is not None and not fresh and now - known[2] < self.recheck:
            return known[1]
        if not os.path.isdir(key):
            return MISSING
        stats = tuple(sorted(_files(key)))
        if known is not None and known[0] == stats and not fresh:
            value = known[1]
        else:
            value = folder_revision(key)
        with self._lock:
            self._known[key] = (stats, value, now)
        return value
