"""Fixtures of the dependency tests: the seed_deps_workspace fixture copied, a folder of local wheels, offline installers."""

from __future__ import annotations

from pathlib import Path

import pytest

from flowdesk.core.workspace import Workspace
from tests.conftest import FIXTURES, copy_workspace
from tests.local_wheels import meteo_wheel, offline_index_env


@pytest.fixture()
def deps_ws(tmp_path: Path) -> Workspace:
    """The seed-style workspace whose meteo tool and bulletin_meteo workflow need ``meteo-locale``."""
    return Workspace(copy_workspace(FIXTURES / "seed_deps_workspace", tmp_path / "ws"))


@pytest.fixture()
def wheels(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A find-links folder holding meteo-locale 1.0.0; uv and pip are kept off the network."""
    folder = tmp_path / "wheels"
    meteo_wheel(folder, "1.0.0")
    for name, value in offline_index_env(folder, tmp_path / "uv-cache").items():
        monkeypatch.setenv(name, value)
    return folder
