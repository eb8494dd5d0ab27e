"""Workspace dependencies: tools' and workflows' ``requirements.txt``, installed with the user's consent into an
environment of the workspace's own (``<data dir>/envs/<key>/site-packages``) that workers append to ``sys.path``.

Public API (imported on first use: engine workers load parts of this package at start-up and must
not pay for the installer): :func:`dependency_report` / :class:`DepsReport` (what is missing),
:func:`install_dependencies` with :class:`InstallProgress` events and :class:`InstallResult`,
:class:`DepsInstallError`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flowdesk.core.workspace_deps.requirement_status import DepsReport, RequirementStatus, dependency_report
    from flowdesk.core.workspace_deps.install_commands import DepsInstallError
    from flowdesk.core.workspace_deps.installer import InstallProgress, InstallResult, install_dependencies

_EXPORTS = {
    "DepsReport": "flowdesk.core.workspace_deps.requirement_status",
    "RequirementStatus": "flowdesk.core.workspace_deps.requirement_status",
    "dependency_report": "flowdesk.core.workspace_deps.requirement_status",
    "DepsInstallError": "flowdesk.core.workspace_deps.install_commands",
    "InstallProgress": "flowdesk.core.workspace_deps.installer",
    "InstallResult": "flowdesk.core.workspace_deps.installer",
    "install_dependencies": "flowdesk.core.workspace_deps.installer",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    """Import a public name from its module the first time it is asked for."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
