"""Where translation catalogues live (``resources/i18n/flowdesk_<lang>.ts``) and compiling a .ts into its .qm.

The .ts is the source of truth and is committed; the .qm is built from it (``make translations``,
the bundle build) and, when running from source, compiled here on first use if missing or older.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import flowdesk

I18N_DIR = Path(flowdesk.__file__).resolve().parents[1] / "resources" / "i18n"  # repo root, or the bundle's _internal


def ts_path(language: str) -> Path:
    """The editable catalogue of ``language``."""
    return I18N_DIR / f"flowdesk_{language}.ts"


def qm_path(language: str) -> Path:
    """The compiled catalogue Qt loads."""
    return I18N_DIR / f"flowdesk_{language}.qm"


def find_tool(name: str) -> str | None:
    """``pyside6-lrelease`` / ``pyside6-lupdate``: next to this Python (the venv), else on PATH."""
    import shutil  # the window's start reads a fresh .qm and never gets here

    beside = Path(sys.executable).with_name(name)
    if beside.is_file():
        return str(beside)
    return shutil.which(name)


def compile_qm(language: str, force: bool = False) -> Path | None:
    """The .qm of ``language``, compiled from its .ts when missing or older (None when neither can be had)."""
    ts, qm = ts_path(language), qm_path(language)
    fresh = qm.is_file() and (not ts.is_file() or qm.stat().st_mtime >= ts.stat().st_mtime)
    if fresh and not force:
        return qm
    lrelease = find_tool("pyside6-lrelease")
    if not ts.is_file() or lrelease is None:
        return qm if qm.is_file() else None  # a frozen bundle ships the .qm alone
    import subprocess  # only when compiling (from source, once after a .ts change): not on every start
    import tempfile

    # Compile beside, then rename: two processes starting at once never read half a file.
    fd, tmp = tempfile.mkstemp(prefix=f".{qm.name}.", suffix=".tmp", dir=qm.parent)
    os.close(fd)
    try:
        subprocess.run([lrelease, "-silent", str(ts), "-qm", tmp], check=True, capture_output=True, timeout=120)
        os.replace(tmp, qm)
    except (OSError, subprocess.SubprocessError):
        Path(tmp).unlink(missing_ok=True)
        return qm if qm.is_file() else None
    return qm
