"""Workflows write files with the user's umask, not the owner-only umask FlowDesk keeps for its own data."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.conftest import REPO

SCRIPT = textwrap.dedent("""
    import asyncio, os, sys
    from pathlib import Path
    os.umask(0o022)  # the user's
    from flowdesk.core.private_files import restrict_umask
    restrict_umask()  # what serve and the app do first
    from flowdesk.core.run_service import RunRequest
    from flowdesk.core.runtime import Runtime
    from flowdesk.core.service_settings import RuntimeSettings
    from flowdesk.core.workspace import Workspace

    async def main():
        rt = Runtime(Workspace(Path(sys.argv[1])), Path(sys.argv[2]), RuntimeSettings(max_workers=1, warm_workers=1))
        await rt.start()
        try:
            record = await rt.runs.run(RunRequest("writer", {}))
            assert record.status == "success", record.error
        finally:
            await rt.stop()

    asyncio.run(main())
""")


def test_files_a_workflow_writes_follow_the_users_umask(tmp_path: Path) -> None:
    folder = tmp_path / "ws/private/workflows/writer"
    folder.mkdir(parents=True)
    (folder / "config.json").write_text(json.dumps({"name": "Writer"}))
    report = tmp_path / "ws/report.md"
    (folder / "main.py").write_text(
        f"def execute(data, tools):\n    open({str(report)!r}, 'w').write('hi')\n    return {{'status': 'success'}}\n")
    data = tmp_path / "data"
    subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path / "ws"), str(data)], check=True, cwd=REPO,
                   timeout=60)
    assert stat.S_IMODE(report.stat().st_mode) == 0o644  # the user's 022, not FlowDesk's 077
    assert stat.S_IMODE((data / "flowdesk.sqlite3").stat().st_mode) == 0o600
