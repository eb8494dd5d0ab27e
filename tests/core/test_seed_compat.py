"""Seed import shims: real imports of a seed-format workspace, each in a fresh subprocess."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from flowdesk.core.seed_compat import SeedFinder

REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "tests" / "fixtures" / "seed_workspace"
MARK = "@@RESULT@@"

PRELUDE = """\
import json, logging, sys
from pathlib import Path
sys.path.insert(0, {ws!r})  # as with `python -m` from the workspace root: its config/ folder is importable
from flowdesk.core import seed_compat
if {install!r}:
    seed_compat.install(Path({ws!r}))
out = {{}}
"""


def run_seed(ws: Path, body: str, install: bool = True) -> dict[str, Any]:
    """Run ``body`` in a fresh interpreter with the shims installed; return its ``out`` dict."""
    code = (PRELUDE.format(ws=str(ws), install=install) + textwrap.dedent(body)
            + f"\nprint({MARK!r} + json.dumps(out, default=str))\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MON_OUTIL_", "DATE_"))}
    env.update(PYTHONPATH=str(REPO), PYTHONDONTWRITEBYTECODE="1", FLOWDESK_WORKSPACE=str(ws))
    proc = subprocess.run([sys.executable, "-c", code], cwd=ws, env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    line = [ln for ln in proc.stdout.splitlines() if ln.startswith(MARK)][-1]
    return json.loads(line[len(MARK):])


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    """A private copy of the seed fixture workspace (tests add files to it)."""
    target = tmp_path / "ws"
    shutil.copytree(FIXTURE, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")


def test_seed_workflow_runs_unchanged_and_logs_through_standard_logging(ws: Path) -> None:
    out = run_seed(ws, """
        records = []
        class Capture(logging.Handler):
            def emit(self, record):
                records.append([record.name, record.getMessage()])
        logging.getLogger().addHandler(Capture())
        logging.getLogger().setLevel(logging.INFO)
        import app.private.workflows.mon_workflow.main as wf
        result = wf.execute({"user_email": "a@b.c"})
        out["result"] = result
        out["records"] = records
    """)
    result = out["result"]
    assert result["status"] == "success", result
    assert result["data"]["search"] == {"query": "user:a@b.c", "results": []}
    assert result["data"]["relance"]["description"] == "tomorrow"
    assert ["flowdesk.workflow", "Traitement de a@b.c"] in out["records"]
    assert ["flowdesk.workflow", "Recherche: user:a@b.c"] in out["records"]


def test_one_module_object_per_tool_whatever_the_import_name(ws: Path) -> None:
    out = run_seed(ws, """
        import tools.mon_outil.main as a
        import app.private.tools.mon_outil.main as b
        import app.tools.mon_outil.main as c
        import app.common.tools.mon_outil.main as d
        from app.private.tools.mon_outil.main import MonOutilTool
        import flowdesk.tools, flowdesk.tools.base as fb, tools.base as tb, tools, app.private.tools
        from tools.base import BaseTool
        out["same_module"] = a is b is c is d
        out["names"] = [a.__name__, a.__spec__.name]
        out["same_class"] = MonOutilTool is a.MonOutilTool
        out["base_same"] = tb is fb and BaseTool is flowdesk.tools.BaseTool
        out["base_spec"] = fb.__spec__.name
        out["tools_alias"] = tools is app.private.tools
        out["tools_path"] = list(tools.__path__)
        tool = MonOutilTool(profile="TEST")
        out["isinstance"] = isinstance(tool, flowdesk.tools.BaseTool)
        out["api_key"] = tool.config["api_key"]
        out["tool_name"] = tool.tool_name
    """)
    assert out["same_module"] and out["same_class"] and out["base_same"] and out["tools_alias"]
    assert out["names"] == ["tools.mon_outil.main", "tools.mon_outil.main"]
    assert out["base_spec"] == "flowdesk.tools.base"  # the alias did not rename the real module
    assert out["tools_path"] == [str(ws.resolve() / "private" / "tools"), str(REPO / "flowdesk" / "tools")]
    assert out["isinstance"] and out["api_key"] == "test_api_key_123" and out["tool_name"] == "mon_outil"


def test_alias_first_then_canonical_gives_the_same_module(ws: Path) -> None:
    out = run_seed(ws, """
        import app.private.tools.mon_outil.main as b
        import tools.mon_outil.main as a
        out["same"] = a is b
        out["keys"] = sorted(k for k in sys.modules if k.endswith("mon_outil.main"))
    """)
    assert out["same"]
    assert out["keys"] == ["app.private.tools.mon_outil.main", "tools.mon_outil.main"]


def test_builtin_tools_are_the_flowdesk_modules(ws: Path) -> None:
    out = run_seed(ws, """
        from tools.date.main import DateTool
        import tools.date.main as td, flowdesk.tools.date.main as fd, app.private.tools.date.main as ad
        out["same"] = td is fd is ad and DateTool is fd.DateTool
        out["spec"] = td.__spec__.name
        out["result"] = DateTool().execute("calculate_date", {})["status"]
    """)
    assert out == {"same": True, "spec": "flowdesk.tools.date.main", "result": "success"}


def test_workspace_tool_overrides_builtin_as_a_whole(ws: Path) -> None:
    write(ws / "private" / "tools" / "date" / "config.json", '{"tool_name": "date", "required_params": []}')
    write(ws / "private" / "tools" / "date" / "main.py", """
        from ..base import BaseTool

        class DateTool(BaseTool):
            def execute(self, action, params=None):
                return {"status": "success", "data": "overridden"}
    """)
    out = run_seed(ws, """
        from tools.date.main import DateTool
        import flowdesk.tools.date.main as builtin
        out["result"] = DateTool().execute("calculate_date")
        out["file"] = sys.modules["tools.date.main"].__file__
        out["builtin_intact"] = builtin.DateTool is not DateTool
        try:
            import tools.date.wording
            out["mixed"] = True
        except ModuleNotFoundError:
            out["mixed"] = False
        out["loaded"] = seed_compat.load_tool_class("tools.date.main") is DateTool
    """)
    assert out["result"] == {"status": "success", "data": "overridden"}
    assert out["file"] == str(ws.resolve() / "private" / "tools" / "date" / "main.py")
    assert out["builtin_intact"] and out["loaded"]
    assert out["mixed"] is False  # no fall-through to the built-in's other files


def test_single_file_and_init_package_tools(ws: Path) -> None:
    write(ws / "private" / "tools" / "simple.py", """
        from .base import BaseTool

        class SimpleTool(BaseTool):
            def authenticate(self):
                return True
    """)
    write(ws / "private" / "tools" / "packaged" / "__init__.py", "FLAG = 'init ran'\n")
    write(ws / "private" / "tools" / "packaged" / "main.py", """
        from tools.base import BaseTool
        from . import FLAG

        class PackagedTool(BaseTool):
            flag = FLAG
    """)
    out = run_seed(ws, """
        from app.private.tools.simple import SimpleTool
        from tools.packaged.main import PackagedTool
        out["simple"] = SimpleTool().authenticate()
        out["flag"] = PackagedTool.flag
    """)
    assert out == {"simple": True, "flag": "init ran"}


def test_workspace_config_folder_does_not_shadow_config_logger(ws: Path) -> None:
    write(ws / "config" / "__init__.py", "raise RuntimeError('workspace config package imported')\n")
    write(ws / "config" / "logger.py", "raise RuntimeError('workspace logger imported')\n")
    write(ws / "config" / "settings.py", "VALUE = 1\n")
    body = """
        try:
            import config.settings
            out["settings"] = "imported"
        except ModuleNotFoundError:
            out["settings"] = "missing"
        except RuntimeError as exc:
            out["settings"] = str(exc)
    """
    # Control: without the shims the workspace folder *is* importable, so the test means something.
    assert run_seed(ws, body, install=False)["settings"] == "workspace config package imported"
    out = run_seed(ws, body + """
        from config.logger import logger
        import config.logger as mod
        out["logger"] = [logger.name, logger is logging.getLogger("flowdesk.workflow")]
        out["child"] = mod.get_logger("x").name
    """)
    assert out == {"settings": "missing", "logger": ["flowdesk.workflow", True], "child": "flowdesk.workflow.x"}


def test_load_tool_class(ws: Path) -> None:
    write(ws / "private" / "tools" / "empty_tool" / "main.py", "X = 1\n")
    out = run_seed(ws, """
        import flowdesk.tools.date.main as fd
        load = seed_compat.load_tool_class
        out["first"] = load("tools.mon_outil.main").__qualname__
        out["same"] = load("app.private.tools.mon_outil.main") is load("tools.mon_outil.main", "MonOutilTool")
        out["builtin"] = load("tools.date.main") is fd.DateTool
        errors = []
        for args in (("tools.mon_outil.main", "Nope"), ("tools.empty_tool.main",), ("tools.missing.main",)):
            try:
                load(*args)
            except ImportError as exc:
                errors.append([type(exc).__name__, exc.name])
        out["errors"] = errors
    """)
    assert out["first"] == "MonOutilTool" and out["same"] and out["builtin"]
    assert out["errors"] == [["ImportError", "tools.mon_outil.main"], ["ImportError", "tools.empty_tool.main"],
                             ["ModuleNotFoundError", "tools.missing"]]


def test_unknown_names_fail_with_the_name_written(ws: Path) -> None:
    out = run_seed(ws, """
        missing = []
        for name in ("tools.nope", "app.private.tools.nope.main", "app.common.database", "app.main", "config.other"):
            try:
                __import__(name)
            except ModuleNotFoundError as exc:
                missing.append(exc.name)
        out["missing"] = missing
    """)
    assert out["missing"] == ["tools.nope", "app.private.tools.nope", "app.common.database", "app.main",
                              "config.other"]


def test_seed_temp_script_pattern(ws: Path) -> None:
    out = run_seed(ws, """
        import contextlib, io, runpy
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            runpy.run_module("app.private.temp.essai_mon_outil", run_name="__main__")
        out["printed"] = buf.getvalue()
    """)
    assert "Test réussi" in out["printed"] and "'status': 'success'" in out["printed"]


def test_install_is_idempotent_and_reinstall_switches_root(ws: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    write(other / "private" / "tools" / "mon_outil" / "main.py", """
        from ..base import BaseTool
        class MonOutilTool(BaseTool):
            ORIGIN = "other"
    """)
    out = run_seed(ws, f"""
        def finders():
            return sum(isinstance(f, seed_compat.SeedFinder) for f in sys.meta_path)
        seed_compat.install(Path({str(ws)!r}))
        import tools.mon_outil.main as first
        out["count_same"] = finders()
        out["first_is_first"] = isinstance(sys.meta_path[0], seed_compat.SeedFinder)
        seed_compat.install(Path({str(other)!r}))
        import tools.mon_outil.main as second
        out["count_other"] = finders()
        out["switched"] = getattr(second.MonOutilTool, "ORIGIN", None)
        out["root"] = str(seed_compat.installed_root())
        seed_compat.uninstall()
        out["count_after"] = finders()
        try:
            import tools.mon_outil.main
            out["after"] = "imported"
        except ModuleNotFoundError:
            out["after"] = "missing"
    """)
    assert out["count_same"] == 1 and out["first_is_first"]
    assert out["count_other"] == 1 and out["switched"] == "other"
    assert out["root"] == str(other.resolve())
    assert out["count_after"] == 0 and out["after"] == "missing"


def test_finder_resolution_without_importing(ws: Path) -> None:
    finder = SeedFinder(ws.resolve())
    spec = finder.find_spec("tools")
    assert spec is not None and spec.submodule_search_locations == [
        str(ws.resolve() / "private" / "tools"), str(REPO / "flowdesk" / "tools")]
    assert finder.find_spec("app.private").submodule_search_locations == [str(ws.resolve() / "private")]
    workflows = finder.find_spec("app.private.workflows")
    assert workflows.submodule_search_locations == [str(ws.resolve() / "private" / "workflows")]
    mon_outil = finder.find_spec("tools.mon_outil")
    assert mon_outil.submodule_search_locations == [str(ws.resolve() / "private" / "tools" / "mon_outil")]
    assert finder.find_spec("tools.mon_outil.main") is None  # left to the standard path finder
    for name in ("json", "config.settings", "tools._private", "tools.nope", "application"):
        assert finder.find_spec(name) is None


def test_test_process_stays_clean() -> None:
    assert not any(isinstance(f, SeedFinder) for f in sys.meta_path)
    assert "tools.base" not in sys.modules
