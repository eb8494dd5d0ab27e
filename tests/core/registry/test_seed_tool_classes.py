"""Tool classes that subclass BaseTool indirectly (issue 12 #4) and actions listed only in code (#9).

The registry finds them statically on the seed-style fixture ``seed_oauth_workspace`` (bases
through ``..base_oauth``, a workspace module, ``app.private.tools.base_oauth``), and the worker's
run-time pick names the same class.
"""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from flowdesk.core.registry import Registry
from flowdesk.core.workspace import Workspace
from tests.core.test_seed_compat import run_seed

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "seed_oauth_workspace"


@pytest.fixture()
def ws(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURE, tmp_path / "ws", ignore=shutil.ignore_patterns("__pycache__")))


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")


def tool(ws: Path, slug: str, main: str, config: str = '{"tool_name": "x"}') -> None:
    write(ws / "private" / "tools" / slug / "config.json", config)
    write(ws / "private" / "tools" / slug / "main.py", main)


def registry(ws: Path) -> Registry:
    reg = Registry(Workspace(ws))
    reg.reload()
    return reg


def test_indirect_bases_found_without_class_name(ws: Path) -> None:
    reg = registry(ws)
    # AgendaTool(AgendaDeBase) / AgendaDeBase(GoogleOAuthTool) from ..base_oauth: the leaf, not its base.
    assert (reg.tools["agenda"].error, reg.tools["agenda"].class_name) == (None, "AgendaTool")
    # RappelsTool(OutilGoogleCommun) from tools.commun_google, itself on app.private.tools.base_oauth.
    assert (reg.tools["rappels"].error, reg.tools["rappels"].class_name) == (None, "RappelsTool")
    assert reg.tools["meteo"].class_name == "PrevisionTool"


@pytest.mark.parametrize("main", [
    # the workspace's own base module, imported relatively as a module and used dotted
    """
    from .. import socle
    class MonTool(socle.SocleOutil):
        pass
    """,
    # a workspace module on sys.path (private/), a base of a base, and an alias
    """
    from lib_maison.bases import OutilMaison as Base
    class Aide:
        pass
    class MonTool(Base):
        pass
    """,
    # seed base names from a module FlowDesk cannot see: the names alone count
    """
    from app.common.services.oauth import BaseOAuthTool
    class MonTool(BaseOAuthTool):
        pass
    """,
])
def test_bases_through_other_modules(ws: Path, main: str) -> None:
    write(ws / "private" / "tools" / "socle.py", "from tools.base import BaseTool\nclass SocleOutil(BaseTool):\n    pass\n")
    write(ws / "private" / "lib_maison" / "bases.py", """
    from app.private.tools.base_oauth import GoogleOAuthTool
    class Intermediaire(GoogleOAuthTool):
        pass
    class OutilMaison(Intermediaire):
        pass
    """)
    tool(ws, "mon_outil", main)
    entry = registry(ws).tools["mon_outil"]
    assert (entry.error, entry.class_name) == (None, "MonTool")


def test_workspace_base_oauth_module_overrides_flowdesk_s(ws: Path) -> None:
    # The workspace's own base_oauth.py is what ..base_oauth means then: its classes must reach BaseTool.
    write(ws / "private" / "tools" / "base_oauth.py", "class GoogleOAuthTool:\n    pass\n")
    reg = registry(ws)
    assert reg.tools["agenda"].error and "defines no subclass of BaseTool" in reg.tools["agenda"].error
    assert reg.tools["meteo"].error is None  # a broken tool never hides others


def test_non_tools_and_import_cycles(ws: Path) -> None:
    write(ws / "private" / "tools" / "boucle_a.py", "from tools.boucle_b import B\nclass A(B):\n    pass\n")
    write(ws / "private" / "tools" / "boucle_b.py", "from tools.boucle_a import A\nclass B(A):\n    pass\n")
    tool(ws, "cyclique", "from tools.boucle_a import A\nclass CycleTool(A):\n    pass\n")
    tool(ws, "pas_un_outil", "class Rien(dict):\n    def execute(self):\n        pass\n")
    reg = registry(ws)
    for slug in ("cyclique", "pas_un_outil"):
        assert reg.tools[slug].error == f"{ws / 'private' / 'tools' / slug / 'main.py'}: main.py defines no subclass of BaseTool"


def test_reexported_tool_class(ws: Path) -> None:
    tool(ws, "reexport", "from tools.agenda.main import AgendaTool\n")
    assert registry(ws).tools["reexport"].class_name == "AgendaTool"


def test_worker_picks_the_class_the_registry_found(ws: Path) -> None:
    write(ws / "private" / "tools" / "socle.py", "from tools.base import BaseTool\nclass SocleOutil(BaseTool):\n    pass\n")
    tool(ws, "dans_le_desordre", """
    from ..socle import SocleOutil
    class OutilFinal(SocleOutil):
        pass
    class Milieu(SocleOutil):
        pass
    class VraiTool(Milieu):
        pass
    """)
    reg = registry(ws)
    static = {slug: e.class_name for slug, e in reg.tools.items() if not e.builtin}
    assert static["dans_le_desordre"] == "OutilFinal"  # first leaf in source order
    out = run_seed(ws, f"""
        from flowdesk.core.engine.workflow_runner import WorkflowRunner
        import importlib
        for slug in {sorted(static)!r}:
            module = importlib.import_module(f"tools.{{slug}}.main")
            out[slug] = WorkflowRunner._tool_class(module, None).__name__
    """)
    assert out == static


def test_actions_listed_only_in_code(ws: Path) -> None:
    reg = registry(ws)
    assert reg.tools["agenda"].code_actions == ["lister_rendez_vous", "creer_rendez_vous"]
    assert [a.name for a in reg.tools["rappels"].actions] == ["prochain_rappel", "tester_connexion"]  # dict keys
    meteo = reg.tools["meteo"]
    assert [a.name for a in meteo.actions] == ["previsions", "alertes"]  # config.json first, then code only
    assert meteo.actions[1].description == "listed by PrevisionTool.get_available_actions() in main.py"
    assert reg.tools["date"].code_actions == []  # built-ins declare theirs in config.json


@pytest.mark.parametrize(("body", "expected"), [
    ("ACTIONS = ['a', 'b']\n    def get_available_actions(self):\n        return list(self.ACTIONS)", ["a", "b"]),
    ("def get_available_actions(self):\n        return sorted(NOMS)", ["x", "y"]),
    ("def get_available_actions(self):\n        \"\"\"Doc.\"\"\"\n        return [{'name': 'un'}, {'name': 'deux'}]",
     ["un", "deux"]),
    ("def get_available_actions(self):\n        return {'go': self.go, 'stop': lambda: None}", ["go", "stop"]),
])
def test_literal_forms_of_get_available_actions(ws: Path, body: str, expected: list[str]) -> None:
    tool(ws, "formes", f"from ..base import BaseTool\nNOMS = ('y', 'x')\nclass FormesTool(BaseTool):\n    {body}\n")
    entry = registry(ws).tools["formes"]
    assert entry.code_actions == expected and entry.warnings == []


def test_inherited_and_unreadable_get_available_actions(ws: Path) -> None:
    tool(ws, "herite", "from tools.agenda.main import AgendaTool\nclass RendezVousTool(AgendaTool):\n    pass\n")
    tool(ws, "dynamique", """
    from ..base import BaseTool
    class DynTool(BaseTool):
        def get_available_actions(self):
            return [n for n in dir(self) if n.startswith("faire_")]
    """)
    reg = registry(ws)
    assert reg.tools["herite"].code_actions == ["lister_rendez_vous", "creer_rendez_vous"]
    dyn = reg.tools["dynamique"]
    assert dyn.error is None and dyn.code_actions == []
    assert dyn.warnings == ["main.py: DynTool.get_available_actions() does not return a literal list of action "
                            "names, so its actions are only known when it runs"]


def test_editing_a_workspace_base_module_reloads_the_tool(ws: Path) -> None:
    reg = registry(ws)
    assert reg.tools["rappels"].error is None
    assert reg.tools["rappels"].base_files == (ws / "private" / "tools" / "commun_google.py",)
    assert reg.reload().changed == []
    write(ws / "private" / "tools" / "commun_google.py", "class OutilGoogleCommun:\n    pass\n")
    report = reg.reload()
    assert report.changed == ["tool:rappels"]
    assert "defines no subclass of BaseTool" in (reg.tools["rappels"].error or "")
