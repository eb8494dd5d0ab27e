"""Inside an engine worker: the workspace environment's site-packages at the END of ``sys.path``, kept current."""

from __future__ import annotations

import importlib
import os
import sys
import time
from pathlib import Path

from flowdesk.core.workspace import Workspace
from flowdesk.core.workspace_deps.environments import DEPS_DIR_ENV, active_env, env_key, envs_stamp, requirements_hash
from flowdesk.core.workspace_deps.requirement_files import find_requirement_files, requirements_stamp


RECHECK_INTERVAL = 1.0  # seconds between two looks at the requirement files and the envs folder


class WorkspaceEnvPath:
    """Appends the environment workers should import from, and swaps it when an install or an edit changes it.

    Appended, never inserted: FlowDesk's own packages (and the workspace's ``private/``) keep
    priority, so a workspace requirement can never replace a library FlowDesk relies on. Checked
    before a run (at most once a second) with ``stat`` only, so an install made by another process
    (``flowdesk deps install`` while the app runs) reaches warm workers too; files are parsed only when they change.
    """

    def __init__(self, workspace_root: Path, envs_root: Path | None) -> None:
        self.workspace = Workspace(Path(workspace_root))
        self.envs_root = envs_root
        self.current: str | None = None
        self._stamp: object = None
        self._checked_at: float | None = None
        self.recheck_interval = RECHECK_INTERVAL

    @classmethod
    def from_environment(cls, workspace_root: Path) -> WorkspaceEnvPath:
        """Built from ``FLOWDESK_DEPS_DIR`` (set by the engine when it starts the worker)."""
        value = os.environ.get(DEPS_DIR_ENV)
        return cls(workspace_root, Path(value) if value else None)

    def refresh(self) -> str | None:
        """Bring ``sys.path`` in line with the environment in force; returns its site-packages or None."""
        if self.envs_root is None:
            return None
        # Looking costs a stat per tool and workflow folder: at most once a second, not before every
        # run (a worker may do thousands a second; an install is seen within a second either way).
        now = time.monotonic()
        if self._checked_at is not None and now - self._checked_at < self.recheck_interval:
            return self.current
        self._checked_at = now
        files_stamp = requirements_stamp(self.workspace)
        stamp = (files_stamp, envs_stamp(self.envs_root))
        if stamp == self._stamp:
            return self.current
        self._stamp = stamp
        target = None
        if files_stamp:
            req_hash = requirements_hash(find_requirement_files(self.workspace))
            env = active_env(self.workspace, self.envs_root, env_key(req_hash)) if req_hash else None
            target = str(env.site_packages) if env is not None else None
        if target != self.current:
            if self.current in sys.path:
                sys.path.remove(self.current)
            if target is not None:
                sys.path.append(target)
                importlib.invalidate_caches()  # the folder may be new since the last import attempt
            self.current = target
        return target
