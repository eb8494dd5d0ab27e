"""The lock of what was installed: pinned ``name==version`` lines under a header naming the requirements they answer."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

from packaging.utils import canonicalize_name

from flowdesk.core.atomic_files import write_text_atomic
from flowdesk.core.workspace import Workspace

HASH_LINE = "# requirements-hash: "
WORKSPACE_LOCK_NAME = "requirements.lock"
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*==\s*([^\s;#\\]+)")


def workspace_lock_path(workspace: Workspace) -> Path:
    """``config/requirements.lock``: the copy that travels with the workspace to another machine."""
    return workspace.config_dir / WORKSPACE_LOCK_NAME


def parse_pins(text: str) -> list[tuple[str, str]]:
    """(canonical name, version) of every ``name==version`` line; comments and ``# via`` notes skipped."""
    out = []
    for line in text.splitlines():
        match = _PIN.match(line.strip())
        if match and not line.startswith((" ", "\t", "#")):
            out.append((canonicalize_name(match.group(1)), match.group(3)))
    return out


def lock_text(pins_text: str, *, req_hash: str, python: str, platform: str, installer: str,
              sources: list[str]) -> str:
    """The lock file: a header FlowDesk reads back (the requirements hash) and the resolver's pins."""
    stamp = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    header = [
        "# FlowDesk workspace lock: the versions installed for this workspace's requirement files.",
        "# Keep config/requirements.lock with the workspace: `flowdesk deps install` on another",
        "# machine installs these same versions while the requirement files are unchanged.",
        f"{HASH_LINE}{req_hash}",
        f"# python: {python}  platform: {platform}  resolved by: {installer}  at: {stamp}",
        *(f"# from: {s}" for s in sources),
        "",
    ]
    body = "\n".join(line for line in pins_text.splitlines() if line.strip() and not line.startswith("#"))
    return "\n".join(header) + body + "\n"


def read_lock_hash(path: Path) -> str | None:
    """The requirements hash a lock file was made for, or None when it is missing or not FlowDesk's."""
    try:
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                if line.startswith(HASH_LINE):
                    return line[len(HASH_LINE):].strip() or None
                if not line.startswith("#"):
                    return None
    except (OSError, UnicodeDecodeError):
        return None
    return None


def write_lock(path: Path, text: str) -> None:
    """Write a lock file atomically (a reader never sees half of it)."""
    write_text_atomic(path, text)
