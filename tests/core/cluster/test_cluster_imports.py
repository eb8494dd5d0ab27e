"""The desktop app and ``flowdesk serve`` without ``--broker`` never load Celery, redis or psycopg."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from tests.conftest import FIXTURES, REPO, copy_workspace

CLUSTER_LIBRARIES = ("celery", "kombu", "billiard", "redis", "valkey", "psycopg", "psycopg_binary", "psycopg_pool")

SCRIPT = textwrap.dedent(
    """
    import asyncio, importlib, pkgutil, sys
    from pathlib import Path

    workspace, data_dir = Path(sys.argv[1]), Path(sys.argv[2])
    from flowdesk.cli.main import build_parser
    build_parser()  # every command module, worker and cluster commands included
    import flowdesk.core, flowdesk.gui
    for package in (flowdesk.core, flowdesk.gui):
        for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if ".cluster" not in module.name:
                importlib.import_module(module.name)

    from flowdesk.core.run_service import RunRequest
    from flowdesk.core.service import FlowDeskService
    from flowdesk.core.service_settings import ServiceOptions
    from flowdesk.core.workspace import Workspace

    async def main():
        service = FlowDeskService(Workspace(workspace), data_dir, ServiceOptions(port=0, watch=False))
        await service.start()
        try:
            record = await service.runtime.runs.run(RunRequest("quick", {"n": 1}))
            assert record.status == "success", record
        finally:
            await service.stop()

    asyncio.run(main())
    loaded = sorted({name.split(".")[0] for name in sys.modules} & set(sys.argv[3:]))
    print("LOADED", " ".join(loaded))
    """
)


def test_the_desktop_modules_and_a_serve_without_broker_load_no_cluster_library(tmp_path: Path) -> None:
    ws = copy_workspace(FIXTURES / "queue_workspace", tmp_path / "ws")
    env = {"PATH": "/usr/bin:/bin", "QT_QPA_PLATFORM": "offscreen", "FLOWDESK_API_TOKEN": "import-test-token-0123456789"}
    result = subprocess.run([sys.executable, "-c", SCRIPT, str(ws), str(tmp_path / "data"), *CLUSTER_LIBRARIES],
                            cwd=REPO, capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "LOADED", result.stdout
