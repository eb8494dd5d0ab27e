"""Installing with real uv (and pip) from local wheels: the environment, its lock, the workspace lock on another machine."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest

from flowdesk.core.workspace import Workspace
from flowdesk.core.workspace_deps.install_commands import INSTALLER_ENV, target_python_args, uv_platform
from flowdesk.core.workspace_deps.installer import InstallProgress, install_dependencies
from flowdesk.core.workspace_deps.lock_file import parse_pins, read_lock_hash, workspace_lock_path
from flowdesk.core.workspace_deps.requirement_status import dependency_report
from tests.local_wheels import meteo_wheel


def _install(ws: Workspace, data_dir: Path) -> tuple[object, list[InstallProgress]]:
    events: list[InstallProgress] = []
    result = asyncio.run(install_dependencies(ws, data_dir, events.append))
    return result, events


def test_uv_installs_into_the_workspace_env_and_locks_it(deps_ws: Workspace, wheels: Path, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    result, events = _install(deps_ws, data_dir)
    assert result.installed == ["meteo-locale==1.0.0"]
    env = result.env
    assert env.root.parent == data_dir / "envs" and (env.site_packages / "meteo_locale" / "__init__.py").is_file()
    assert not [p for p in env.root.parent.iterdir() if ".partial-" in p.name]  # staging renamed into place
    fractions = [e.fraction for e in events]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert any("meteo-locale==1.0.0" in e.message for e in events)  # uv's own line, passed on
    # Point 3: the lock next to the environment names the installed version; the workspace keeps a copy.
    lock = env.lock_path.read_text(encoding="utf-8")
    assert parse_pins(lock) == [("meteo-locale", "1.0.0")]
    assert "# from: private/tools/meteo/requirements.txt" in lock
    report = dependency_report(deps_ws, data_dir)
    assert read_lock_hash(workspace_lock_path(deps_ws)) == report.requirements_hash
    assert report.problems() == {} and report.env == env
    assert [(s.source, s.installed) for s in report.statuses] == [("workspace env", "1.0.0")] * 2
    again, _ = _install(deps_ws, data_dir)
    assert again.nothing_to_do


def test_workspace_lock_gives_another_machine_the_same_versions(deps_ws: Workspace, wheels: Path,
                                                                tmp_path: Path) -> None:
    first, _ = _install(deps_ws, tmp_path / "machine-a")
    meteo_wheel(wheels, "1.1.0", sky="Pluie")  # a newer release appears before the second machine installs
    second, _ = _install(deps_ws, tmp_path / "machine-b")
    assert second.installed == ["meteo-locale==1.0.0"]
    workspace_lock_path(deps_ws).unlink()  # without the lock, the newest release is chosen
    third, _ = _install(deps_ws, tmp_path / "machine-c")
    assert third.installed == ["meteo-locale==1.1.0"]
    assert first.env.key == second.env.key == third.env.key  # same requirements, same interpreter


def test_an_edited_requirement_keeps_the_older_env_until_installed(deps_ws: Workspace, wheels: Path,
                                                                  tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    first, _ = _install(deps_ws, data_dir)
    (deps_ws.workflows_dir / "bulletin_meteo" / "requirements.txt").write_text("meteo-locale\nmeteo-extra\n")
    report = dependency_report(deps_ws, data_dir)
    assert report.env == first.env and report.key != first.env.key  # older env still in force
    assert [s.package for s in report.missing] == ["meteo-extra"]  # only the new line is missing
    with pytest.raises(Exception) as failed:
        _install(deps_ws, data_dir)
    assert "resolving the requirements failed" in str(failed.value) and "meteo-extra" in str(failed.value)
    assert dependency_report(deps_ws, data_dir).env == first.env  # a failed install changes nothing


def test_pip_is_the_fallback_from_source(deps_ws: Workspace, wheels: Path, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(INSTALLER_ENV, "pip")
    result, events = _install(deps_ws, tmp_path / "data")
    assert result.installed == ["meteo-locale==1.0.0"] and "pip" in events[1].message
    assert "resolved by: pip" in result.env.lock_path.read_text(encoding="utf-8")


def test_frozen_uv_is_told_the_bundle_interpreter_version_and_platform(monkeypatch: pytest.MonkeyPatch) -> None:
    assert target_python_args() == ["--python", sys.executable]
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    args = target_python_args()
    assert args[:2] == ["--python-version", f"{sys.version_info.major}.{sys.version_info.minor}"]
    assert args[2:] == (["--python-platform", uv_platform()] if uv_platform() else [])
