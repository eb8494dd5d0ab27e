"""Cheap fingerprints of the code on disk, so a worker holding an older import is never reused.

Only ``stat`` is used (path, mtime_ns, size of every ``*.py`` file): no file is read, nothing is
cached between runs. ``__pycache__``, virtualenvs and hidden folders are skipped.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

_SKIP_DIRS = {"__pycache__", "node_modules", "venv", "site-packages"}  # plus hidden ones (.venv, .git)
MAX_DEPTH = 12  # symlinked folders are followed (a linked tool is common); a symlink loop is cut here


def _walk(root: str, out: list[tuple[str, int, int]], depth: int = 0) -> None:
    if depth > MAX_DEPTH:
        return
    try:
        entries = os.scandir(root)
    except OSError:
        return
    with entries:
        for entry in entries:
            name = entry.name
            try:
                if entry.is_dir(follow_symlinks=True):
                    if name not in _SKIP_DIRS and not name.startswith("."):
                        _walk(entry.path, out, depth + 1)
                elif name.endswith(".py"):
                    st = entry.stat()
                    out.append((entry.path, st.st_mtime_ns, st.st_size))
            except OSError:
                continue  # vanished while we looked: the next run sees the settled tree


def tree_fingerprint(root: Path | str) -> int:
    """A number that changes when any ``*.py`` under ``root`` is added, removed or modified."""
    files: list[tuple[str, int, int]] = []
    _walk(str(root), files)
    files.sort()
    return hash(tuple(files))


@dataclass(frozen=True)
class CodeVersion:
    """Fingerprints of one workflow's folder and of the workspace's tools tree."""

    workflow: int
    tools: int


def code_version(workflow_dir: Path, tools_dir: Path) -> CodeVersion:
    """The current on-disk version of a workflow and of the tools it may import."""
    return CodeVersion(tree_fingerprint(workflow_dir), tree_fingerprint(tools_dir))
