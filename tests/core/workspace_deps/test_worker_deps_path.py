"""Inside a worker: the installed environment is appended to sys.path (after FlowDesk's own), and follows installs."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest

from flowdesk.core.workspace import Workspace
from flowdesk.core.workspace_deps.environments import envs_dir
from flowdesk.core.workspace_deps.installer import install_dependencies
from flowdesk.core.workspace_deps.worker_path import WorkspaceEnvPath


@pytest.fixture()
def saved_sys_path() -> list[str]:
    saved = list(sys.path)
    yield saved
    sys.path[:] = saved


def test_env_is_appended_after_an_install_made_elsewhere(deps_ws: Workspace, wheels: Path, tmp_path: Path,
                                                          saved_sys_path: list[str]) -> None:
    data_dir = tmp_path / "data"
    path = WorkspaceEnvPath(deps_ws.root, envs_dir(data_dir))
    assert path.refresh() is None and sys.path == saved_sys_path  # nothing installed yet
    result = asyncio.run(install_dependencies(deps_ws, data_dir))  # as `flowdesk deps install` would
    site = str(result.env.site_packages)
    assert path.refresh() is None  # looked less than a second ago: runs do not pay for a look each
    path.recheck_interval = 0  # the next look (a second later in a real worker)
    assert path.refresh() == site
    assert sys.path == [*saved_sys_path, site]  # last: FlowDesk's own packages keep priority
    assert path.refresh() == site and sys.path.count(site) == 1  # unchanged files: nothing re-read
    for f in (deps_ws.tools_dir / "meteo", deps_ws.workflows_dir / "bulletin_meteo"):
        (f / "requirements.txt").unlink()
    assert path.refresh() is None and sys.path == saved_sys_path  # no requirement left: env taken off


def test_no_deps_dir_means_nothing_to_do(deps_ws: Workspace, saved_sys_path: list[str],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FLOWDESK_DEPS_DIR", raising=False)
    assert WorkspaceEnvPath.from_environment(deps_ws.root).refresh() is None
    assert sys.path == saved_sys_path
