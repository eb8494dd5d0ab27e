"""What is missing: requirements compared with FlowDesk's own packages and the workspace env, import names for messages."""

from __future__ import annotations

from importlib.metadata import distribution
from pathlib import Path

from flowdesk.core.workspace import Workspace
from flowdesk.core.workspace_deps.import_names import import_name
from flowdesk.core.workspace_deps.requirement_status import dependency_report


def test_missing_package_is_named_by_file_import_and_distribution(deps_ws: Workspace, tmp_path: Path) -> None:
    report = dependency_report(deps_ws, tmp_path / "data")
    problems = report.problems()
    meteo_file = deps_ws.tools_dir / "meteo" / "requirements.txt"
    assert problems["tool:meteo"] == [
        f"{meteo_file}: meteo-locale>=1.0: missing dependency meteo_locale (meteo-locale); "
        "install it with `flowdesk deps install` or the Install button"]
    assert list(problems) == ["tool:meteo", "workflow:bulletin_meteo"]
    assert report.env is None and report.key is not None


def test_flowdesk_own_packages_satisfy_or_conflict(deps_ws: Workspace, tmp_path: Path) -> None:
    requests_version = distribution("requests").version
    (deps_ws.workflows_dir / "bulletin_meteo" / "requirements.txt").write_text(
        "requests>=2\nslack_sdk>=999\nPyMuPDF>=1.20\n", encoding="utf-8")
    report = dependency_report(deps_ws, tmp_path / "data")
    states = {s.package: (s.state, s.source, s.installed, s.import_name) for s in report.statuses}
    assert states["requests"] == ("ok", "flowdesk", requests_version, "requests")
    assert states["slack_sdk"][:2] == ("conflict", "flowdesk")
    assert states["PyMuPDF"] == ("missing", None, None, "fitz")  # named by the known table
    conflict = next(s for s in report.statuses if s.state == "conflict")
    assert "FlowDesk's own slack_sdk" in conflict.message() and "does not satisfy it" in conflict.message()


def test_import_name_from_installed_metadata() -> None:
    assert import_name("google-auth", distribution("google-auth")) == "google.auth"  # top_level.txt: google
    assert import_name("PyYAML-ish", distribution("google-auth")) == "google"
    assert import_name("python-dateutil") == "dateutil"
    assert import_name("Some.Thing") == "some_thing"
