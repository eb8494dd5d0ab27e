"""What the workspace's requirement files ask for, and what is missing from FlowDesk's own packages plus the workspace env."""

from __future__ import annotations

import functools
import importlib.util
import os
import sys
from dataclasses import dataclass, field
from importlib.metadata import Distribution, distributions
from pathlib import Path
from typing import Any, Literal

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from flowdesk.core.workspace import Workspace
from flowdesk.core.workspace_deps.environments import EnvLocation, active_env, env_key, envs_dir, requirements_hash
from flowdesk.core.workspace_deps.import_names import fallback_import_name, import_name
from flowdesk.core.translatable import translatable
from flowdesk.core.workspace_deps.requirement_files import (
    DeclaredRequirement,
    RequirementsFile,
    find_requirement_files,
)

State = Literal["ok", "missing", "conflict"]
INSTALL_HINT = translatable("Dependencies", "install it with `flowdesk deps install` or the Install button")


def own_paths(data_dir: Path | None = None) -> list[str]:
    """This process's import path minus the current folder and any workspace environment."""
    skip = str(envs_dir(data_dir)) + os.sep if data_dir is not None else None
    out = []
    for entry in sys.path:
        if not entry or entry == os.curdir or (skip and (entry + os.sep).startswith(skip)):
            continue
        out.append(entry)
    return out


def distributions_on(paths: list[str] | tuple[str, ...]) -> dict[str, Distribution]:
    """canonical name -> distribution, the first on ``paths`` winning as it does at import time."""
    found: dict[str, Distribution] = {}
    for dist in distributions(path=list(paths)):
        name = dist.metadata["Name"] if dist.metadata else None
        if name:
            found.setdefault(canonicalize_name(name), dist)
    return found


@functools.lru_cache(maxsize=4)
def _own_distributions(paths: tuple[str, ...]) -> dict[str, Distribution]:
    # FlowDesk's own packages do not change while it runs: read their metadata once per process.
    return distributions_on(paths)


def own_distributions(data_dir: Path | None = None) -> dict[str, Distribution]:
    """The distributions FlowDesk itself imports (its venv, or the frozen bundle's copied metadata)."""
    return _own_distributions(tuple(own_paths(data_dir)))


def _satisfies(declared: DeclaredRequirement, version: str | None) -> bool:
    if version is None or not str(declared.requirement.specifier):
        return True
    try:
        return declared.requirement.specifier.contains(Version(version), prereleases=True)
    except InvalidVersion:
        return True  # a legacy version string cannot be compared: trust what is installed


def _frozen_importable(name: str) -> bool:
    """Frozen bundles keep most modules without their metadata: importable counts as installed."""
    if not getattr(sys, "frozen", False):
        return False
    try:
        return importlib.util.find_spec(fallback_import_name(name).split(".")[0]) is not None
    except (ImportError, ValueError):
        return False


@dataclass
class RequirementStatus:
    """One requirement of one file and whether the worker environment meets it."""

    kind: str
    owner: str
    declared: DeclaredRequirement
    state: State
    import_name: str
    installed: str | None = None  # the version found, if any
    source: str | None = None  # "flowdesk" or "workspace env"

    @property
    def package(self) -> str:
        """The distribution name as written (``google-api-python-client``)."""
        return self.declared.requirement.name

    def message(self) -> str:
        """The error line: names the requirement file, the package and what to do."""
        where = self.declared.where()
        if self.state == "conflict":
            return translatable("Dependencies", "{where}: FlowDesk's own {package} {installed} is imported first and "
                                "does not satisfy it; relax the requirement", where=where, package=self.package,
                                installed=str(self.installed))
        if self.installed:
            return translatable("Dependencies", "{where}: missing dependency {module} ({package}) ({installed} is "
                                "installed); {hint}", where=where, module=self.import_name, package=self.package,
                                installed=self.installed, hint=INSTALL_HINT)
        return translatable("Dependencies", "{where}: missing dependency {module} ({package}); {hint}", where=where,
                            module=self.import_name, package=self.package, hint=INSTALL_HINT)

    def to_json(self) -> dict[str, Any]:
        """The shape of ``flowdesk deps --json``."""
        return {"kind": self.kind, "name": self.owner, "file": str(self.declared.file), "line": self.declared.line,
                "requirement": self.declared.text, "package": self.package, "import_name": self.import_name,
                "state": self.state, "installed": self.installed, "source": self.source}


@dataclass
class DepsReport:
    """Every requirement file of a workspace and the state of each requirement."""

    workspace: Workspace
    data_dir: Path
    files: list[RequirementsFile] = field(default_factory=list)
    statuses: list[RequirementStatus] = field(default_factory=list)
    requirements_hash: str | None = None
    key: str | None = None  # the environment these requirements call for
    env: EnvLocation | None = None  # the environment workers use now (maybe an older one)

    @property
    def missing(self) -> list[RequirementStatus]:
        """Requirements an install would bring."""
        return [s for s in self.statuses if s.state == "missing"]

    @property
    def conflicts(self) -> list[RequirementStatus]:
        """Requirements FlowDesk's own packages shadow with a version that does not fit."""
        return [s for s in self.statuses if s.state == "conflict"]

    def problems(self) -> dict[str, list[str]]:
        """``tool:meteo`` -> error lines (bad lines, missing packages, conflicts), for entries with any."""
        out: dict[str, list[str]] = {}
        for f in self.files:
            if f.errors:
                out.setdefault(f.key, []).extend(f.errors)
        for s in self.statuses:
            if s.state != "ok":
                out.setdefault(f"{s.kind}:{s.owner}", []).append(s.message())
        return out

    def to_json(self) -> dict[str, Any]:
        """The shape of ``flowdesk deps --json``."""
        return {
            "env": str(self.env.root) if self.env else None,
            "env_key": self.key, "env_current": bool(self.env and self.env.key == self.key),
            "files": [{"kind": f.kind, "name": f.owner, "path": str(f.path), "errors": f.errors} for f in self.files],
            "requirements": [s.to_json() for s in self.statuses],
            "missing": [s.to_json() for s in self.missing],
            "ok": not self.problems(),
        }


def _status(f: RequirementsFile, declared: DeclaredRequirement, own: dict[str, Distribution],
            env_dists: dict[str, Distribution]) -> RequirementStatus:
    name = declared.name
    dist = own.get(name)
    if dist is not None:
        version = dist.version
        state: State = "ok" if _satisfies(declared, version) else "conflict"
        return RequirementStatus(f.kind, f.owner, declared, state, import_name(name, dist), version, "flowdesk")
    dist = env_dists.get(name)
    if dist is not None:
        version = dist.version
        state = "ok" if _satisfies(declared, version) else "missing"
        return RequirementStatus(f.kind, f.owner, declared, state, import_name(name, dist), version, "workspace env")
    if _frozen_importable(name):
        return RequirementStatus(f.kind, f.owner, declared, "ok", fallback_import_name(name), None, "flowdesk")
    return RequirementStatus(f.kind, f.owner, declared, "missing", import_name(name))


def dependency_report(workspace: Workspace, data_dir: Path) -> DepsReport:
    """Read every requirement file and compare it with what workers can import (reads files: not on a UI thread)."""
    files = find_requirement_files(workspace)
    req_hash = requirements_hash(files)
    key = env_key(req_hash) if req_hash else None
    report = DepsReport(workspace, Path(data_dir), files, requirements_hash=req_hash, key=key)
    if req_hash is None:
        return report
    report.env = active_env(workspace, envs_dir(data_dir), key)
    own = own_distributions(data_dir)
    env_dists = distributions_on([str(report.env.site_packages)]) if report.env else {}
    for f in files:
        for declared in f.requirements:
            if declared.applies():
                report.statuses.append(_status(f, declared, own, env_dists))
    return report
