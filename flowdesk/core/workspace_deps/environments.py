"""The workspace's own package environments in the data dir: ``envs/<key>/site-packages``, keyed by a hash of the requirements."""

from __future__ import annotations

import json
import os
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flowdesk.core.workspace import Workspace

if TYPE_CHECKING:
    from flowdesk.core.workspace_deps.requirement_files import RequirementsFile

ENVS_DIRNAME = "envs"
ENV_INFO = "env.json"  # written last, inside the staging folder: its presence means "complete"
SITE_DIRNAME = "site-packages"
LOCK_NAME = "requirements.lock"
INPUT_NAME = "requirements.in"
DEPS_DIR_ENV = "FLOWDESK_DEPS_DIR"  # how workers learn where the environments are
KEY_VERSION = "flowdesk-deps-1"  # bump when the layout of an environment changes


def envs_dir(data_dir: Path) -> Path:
    """Where every environment of this data dir lives."""
    return Path(data_dir) / ENVS_DIRNAME


def python_tag() -> str:
    """``3.11``: packages with compiled code only fit the interpreter minor version they were built for."""
    return f"{sys.version_info.major}.{sys.version_info.minor}"


def requirements_hash(files: list[RequirementsFile]) -> str | None:
    """A hash of every valid requirement, order, comments and folder names aside; None when there are none.

    Only what is required counts, so moving a line between files or renaming a tool folder
    keeps the same environment; the hash is also the lock file's identity across machines.
    """
    lines = sorted({str(r.requirement) for f in files for r in f.requirements})
    if not lines:
        return None
    import hashlib  # here, not at the top: workers import this module and OpenSSL costs them 3.6 MB of RSS

    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def env_key(req_hash: str) -> str:
    """The environment folder name: the requirements plus this interpreter and platform."""
    import hashlib  # see requirements_hash

    seed = "\0".join((KEY_VERSION, req_hash, python_tag(), sysconfig.get_platform()))
    return hashlib.sha256(seed.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class EnvLocation:
    """One environment folder and the files FlowDesk keeps in it."""

    root: Path

    @property
    def key(self) -> str:
        """The folder name: the hash of the requirements, interpreter and platform it answers."""
        return self.root.name

    @property
    def site_packages(self) -> Path:
        """The ``--target`` folder workers append to ``sys.path``."""
        return self.root / SITE_DIRNAME

    @property
    def lock_path(self) -> Path:
        """The pinned versions that were installed (``uv pip compile`` output)."""
        return self.root / LOCK_NAME

    @property
    def info_path(self) -> Path:
        """env.json: what was installed, when, by which installer, for which workspace."""
        return self.root / ENV_INFO

    def is_complete(self) -> bool:
        """True once an install finished here (the info file is the last thing written)."""
        return self.info_path.is_file()

    def info(self) -> dict[str, Any]:
        """The env.json contents, or {} when unreadable."""
        try:
            data = json.loads(self.info_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}


def _same_workspace(info: dict[str, Any], workspace: Workspace) -> bool:
    return (info.get("workspace") == str(workspace.root) and info.get("python") == python_tag()
            and info.get("platform") == sysconfig.get_platform())


def active_env(workspace: Workspace, root: Path, key: str | None) -> EnvLocation | None:
    """The environment workers use: the one for ``key`` once installed, else the newest this workspace had.

    Falling back keeps what was installed working after a requirement file changed: only the
    new requirements show as missing until the user installs again. ``root`` is the envs folder.
    """
    if key is not None:
        exact = EnvLocation(root / key)
        if exact.is_complete():
            return exact
    best: tuple[str, EnvLocation] | None = None
    try:
        with os.scandir(root) as it:
            candidates = [EnvLocation(Path(e.path)) for e in it if e.is_dir() and "." not in e.name]
    except OSError:
        return None
    for env in candidates:
        info = env.info()
        if info and _same_workspace(info, workspace):
            stamp = str(info.get("installed_at", ""))
            if best is None or stamp > best[0]:
                best = (stamp, env)
    return best[1] if best else None


def envs_stamp(root: Path) -> int | None:
    """mtime of the envs folder ``root``: it changes when an install renames a new environment into it."""
    try:
        return root.stat().st_mtime_ns
    except OSError:
        return None
