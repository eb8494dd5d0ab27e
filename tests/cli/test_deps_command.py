"""``flowdesk deps`` end to end with real uv and a local wheel: check fails, deps install, check passes, the run imports it."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import FIXTURES, copy_workspace
from tests.local_wheels import meteo_wheel, offline_index_env


def test_check_install_check_run(flowdesk_cli, tmp_path: Path, data_dir: Path) -> None:
    ws = copy_workspace(FIXTURES / "seed_deps_workspace", tmp_path / "ws")
    env = offline_index_env(tmp_path / "wheels", tmp_path / "uv-cache")
    meteo_wheel(tmp_path / "wheels", "1.0.0")
    tool_reqs = ws / "private" / "tools" / "meteo" / "requirements.txt"
    flow_reqs = ws / "private" / "workflows" / "bulletin_meteo" / "requirements.txt"

    check = flowdesk_cli("check", workspace=ws, env=env)
    assert check.code == 1, check.out + check.err
    lines = check.out.splitlines()
    assert f"{tool_reqs}: meteo-locale>=1.0: missing dependency meteo_locale (meteo-locale); " \
           "install it with `flowdesk deps install` or the Install button" in lines
    assert any(line.startswith(f"{flow_reqs}: meteo-locale: missing dependency meteo_locale") for line in lines)

    listed = flowdesk_cli("deps", "--json", workspace=ws, env=env)
    assert listed.code == 1
    assert [(m["kind"], m["name"], m["import_name"]) for m in listed.json()["missing"]] == [
        ("tool", "meteo", "meteo_locale"), ("workflow", "bulletin_meteo", "meteo_locale")]

    installed = flowdesk_cli("deps", "install", workspace=ws, env=env)
    assert installed.code == 0, installed.out + installed.err
    progress = [line for line in installed.out.splitlines() if line.startswith("[")]
    assert progress[0].endswith("Reading the requirement files") and progress[-1].startswith("[100%] Installed 1")
    assert "Installed meteo-locale==1.0.0" in installed.out
    lock = Path(installed.out.split("Lock: ", 1)[1].splitlines()[0])
    assert lock.parent.parent == data_dir / "envs" and "meteo-locale==1.0.0" in lock.read_text(encoding="utf-8")

    check = flowdesk_cli("check", workspace=ws, env=env)
    assert "meteo" not in check.out.replace("annonces_slack", "")  # only the tool without config.py is left
    (ws / "private" / "tools" / "annonces_slack" / "config.py").write_text('CANAUX_AUTORISES = ["#general"]\n')
    check = flowdesk_cli("check", workspace=ws, env=env)
    assert check.code == 0, check.out + check.err

    run = flowdesk_cli("run", "bulletin_meteo", "-p", "ville=Paris", workspace=ws, env=env)
    assert run.code == 0, run.out + run.err
    output = run.json()["output"]
    assert output["data"] == {"bulletin": "Soleil sur Paris", "meteo_locale": "1.0.0"}


def test_tool_import_error_is_found_by_check_and_list(flowdesk_cli, tmp_path: Path) -> None:
    ws = copy_workspace(FIXTURES / "seed_deps_workspace", tmp_path / "ws")
    main = ws / "private" / "tools" / "annonces_slack" / "main.py"
    error = f"{main}: ModuleNotFoundError: No module named 'tools.annonces_slack.config'"
    check = flowdesk_cli("check", workspace=ws)
    assert error in check.out.splitlines() and check.code == 1
    listed = flowdesk_cli("list", "--json", workspace=ws)
    assert listed.code == 0, listed.err
    tools = {t["name"]: t["error"] for t in listed.json()["tools"]}
    assert tools["annonces_slack"] == error
    assert tools["meteo"].endswith("missing dependency meteo_locale (meteo-locale); "
                                   "install it with `flowdesk deps install` or the Install button")
    assert tools["slack"] is None  # a broken workspace tool hides no other
    fast = flowdesk_cli("list", "--json", "--no-import", workspace=ws)
    assert {t["name"]: t["error"] for t in fast.json()["tools"]}["annonces_slack"] is None
