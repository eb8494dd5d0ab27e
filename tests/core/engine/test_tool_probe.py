"""Import checks of workspace tools in throw-away workers: errors, hangs and crashes at import time are reported."""

from __future__ import annotations

import json
from pathlib import Path

from flowdesk.core.engine import Engine
from flowdesk.core.engine.tool_probe import probe_tool
from flowdesk.core.registry import Registry
from flowdesk.core.workspace import Workspace
from tests.core.engine.conftest import run_with_engine

TOOL_CONFIG = {"tool_name": "x", "description": "outil de test", "required_params": [], "actions": {}}
TOOL_CLASS = "\n\nclass {name}Tool(BaseTool):\n    def authenticate(self):\n        return True\n\n" \
             "    def execute(self, action, params=None):\n        return {{}}\n"


def _tool(ws: Path, slug: str, prelude: str) -> None:
    folder = ws / "private" / "tools" / slug
    folder.mkdir(parents=True)
    (folder / "config.json").write_text(json.dumps({**TOOL_CONFIG, "tool_name": slug}), encoding="utf-8")
    (folder / "main.py").write_text("from ..base import BaseTool\n" + prelude + TOOL_CLASS.format(name=slug.title()),
                                    encoding="utf-8")


def test_tool_probe_reports_import_errors_hangs_and_crashes(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    (ws / "private" / "workflows").mkdir(parents=True)
    _tool(ws, "sain", "")
    _tool(ws, "sansconfig", "from .config import REGLAGES\n")
    _tool(ws, "bloque", "import time\ntime.sleep(60)\n")
    _tool(ws, "plante", "import os\nos._exit(3)\n")
    registry = Registry(Workspace(ws))
    registry.reload()

    async def body(engine: Engine) -> dict[str, tuple[bool, str | None]]:
        results = {}
        for slug in ("sain", "sansconfig", "bloque", "plante"):
            result = await probe_tool(engine, registry.tools[slug])
            results[slug] = (result.ok, (result.error or "").splitlines()[0] if result.error else None)
        return results

    results = run_with_engine(body, ws=ws, probe_timeout=1.5)
    assert results["sain"] == (True, None)
    assert results["sansconfig"] == (False, "ModuleNotFoundError: No module named 'tools.sansconfig.config'")
    assert results["bloque"] == (False, "importing main.py timed out after 1.5 s")
    assert results["plante"][0] is False and "exited with code 3" in results["plante"][1]
