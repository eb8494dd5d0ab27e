"""``flowdesk tools`` / ``list`` on the seed-style fixture: class-name variable prefixes (issue 12 #7) and
actions only ``get_available_actions()`` lists (#9), in real processes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "tests" / "fixtures" / "seed_oauth_workspace"


def run_cli(tmp_path: Path, *args: str, workspace: Path) -> subprocess.CompletedProcess[str]:
    """``python -m flowdesk ARGS`` on ``workspace`` with a private data dir."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("METEO_", "PREVISION_", "FLOWDESK_"))}
    return subprocess.run([sys.executable, "-m", "flowdesk", *args, "--workspace", str(workspace),
                           "--data-dir", str(tmp_path / "data")], capture_output=True, text=True, timeout=120,
                          env=env, cwd=str(REPO))


@pytest.fixture()
def ws(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURE, tmp_path / "ws", ignore=shutil.ignore_patterns("__pycache__")))


def tools_json(tmp_path: Path, ws: Path) -> dict[str, dict]:
    r = run_cli(tmp_path, "tools", "--json", workspace=ws)
    assert r.returncode == 0, r.stderr
    return {t["name"]: t for t in json.loads(r.stdout)}


def test_class_name_prefix_accepted_and_named(tmp_path: Path, ws: Path) -> None:
    meteo = tools_json(tmp_path, ws)["meteo"]
    (default,) = meteo["profiles"]
    assert default["configured"] and default["missing"] == []
    assert default["variables"] == {
        "api_key": {"variable": "PREVISION_DEFAULT_API_KEY", "source": "config/.env", "prefix": "class-name"},
        "ville": {"variable": "METEO_DEFAULT_VILLE", "source": "config/.env", "prefix": "folder"},
    }
    text = run_cli(tmp_path, "tools", workspace=ws).stdout
    assert ("from api_key = PREVISION_DEFAULT_API_KEY (class-name prefix, config/.env); "
            "ville = METEO_DEFAULT_VILLE (config/.env)") in text


def test_folder_prefix_first(tmp_path: Path, ws: Path) -> None:
    with (ws / "config" / ".env").open("a", encoding="utf-8") as fh:
        fh.write("METEO_DEFAULT_API_KEY=cle-du-dossier\n")
    (default,) = tools_json(tmp_path, ws)["meteo"]["profiles"]
    assert default["variables"]["api_key"]["variable"] == "METEO_DEFAULT_API_KEY"
    assert default["variables"]["api_key"]["prefix"] == "folder"


def test_class_name_prefix_in_runs_and_check(tmp_path: Path, ws: Path) -> None:
    # Without the class-name prefix, meteo (profile DEFAULT) would lack api_key and the check would warn.
    r = run_cli(tmp_path, "check", "--no-import", workspace=ws)
    assert r.returncode == 0 and "rappel_rendez_vous" in r.stdout + r.stderr, r.stdout + r.stderr
    assert "meteo" not in r.stdout + r.stderr
    (ws / "config" / ".env").write_text("", encoding="utf-8")  # control: the check does see a missing key
    r = run_cli(tmp_path, "check", "--no-import", workspace=ws)
    assert "METEO_DEFAULT_API_KEY" in r.stdout + r.stderr


def test_code_only_actions_in_tools_and_list(tmp_path: Path, ws: Path) -> None:
    tools = tools_json(tmp_path, ws)
    assert tools["agenda"]["actions"] == ["lister_rendez_vous", "creer_rendez_vous"]
    assert tools["agenda"]["code_actions"] == ["lister_rendez_vous", "creer_rendez_vous"]
    assert (tools["meteo"]["actions"], tools["meteo"]["code_actions"]) == (["previsions", "alertes"], ["alertes"])
    text = run_cli(tmp_path, "tools", workspace=ws).stdout
    assert "actions: previsions, alertes (in code)" in text
    listed = run_cli(tmp_path, "list", "--json", workspace=ws)
    assert listed.returncode == 0, listed.stderr
    by_name = {t["name"]: t for t in json.loads(listed.stdout)["tools"]}
    assert by_name["rappels"]["actions"] == ["prochain_rappel", "tester_connexion"]
    assert "lister_rendez_vous, creer_rendez_vous" in run_cli(tmp_path, "list", workspace=ws).stdout
