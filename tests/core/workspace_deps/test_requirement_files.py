"""Parsing tools' and workflows' requirements.txt: pip's line syntax, bad lines named by file and line."""

from __future__ import annotations

from pathlib import Path

from flowdesk.core.workspace import Workspace
from flowdesk.core.workspace_deps.environments import requirements_hash
from flowdesk.core.workspace_deps.requirement_files import find_requirement_files, parse_requirements_file


def test_comments_continuations_and_markers(tmp_path: Path) -> None:
    path = tmp_path / "requirements.txt"
    path.write_text("# outils\nrequests>=2.0  # HTTP\n\ngoogle-api-python-client \\\n  >=2.0\n"
                    "pywin32; sys_platform == 'win32'\n", encoding="utf-8")
    parsed = parse_requirements_file(path, "tool", "agenda")
    assert parsed.errors == []
    assert [(r.line, r.text, r.name) for r in parsed.requirements] == [
        (2, "requests>=2.0", "requests"),
        (4, "google-api-python-client >=2.0", "google-api-python-client"),
        (6, "pywin32; sys_platform == 'win32'", "pywin32"),
    ]
    assert [r.applies() for r in parsed.requirements] == [True, True, False]


def test_bad_lines_are_errors_naming_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "requirements.txt"
    path.write_text("requests==\n-r autres.txt\n--index-url https://example.invalid/simple\nslack_sdk\n",
                    encoding="utf-8")
    parsed = parse_requirements_file(path, "workflow", "relance")
    assert [r.name for r in parsed.requirements] == ["slack-sdk"]
    assert parsed.errors[0].startswith(f"{path}: line 1: 'requests==' is not a valid requirement")
    assert parsed.errors[1].startswith(f"{path}: line 2: option -r is not supported here")
    assert parsed.errors[2].startswith(f"{path}: line 3: option --index-url is not supported here")


def test_discovery_and_hash_ignore_order_comments_and_folders(deps_ws: Workspace) -> None:
    files = find_requirement_files(deps_ws)
    assert [(f.kind, f.owner) for f in files] == [("tool", "meteo"), ("workflow", "bulletin_meteo")]
    before = requirements_hash(files)
    meteo = deps_ws.tools_dir / "meteo" / "requirements.txt"
    meteo.write_text("\n\n# réécrit\nmeteo-locale >= 1.0\n", encoding="utf-8")
    assert requirements_hash(find_requirement_files(deps_ws)) == before
    meteo.write_text("meteo-locale>=1.1\n", encoding="utf-8")
    assert requirements_hash(find_requirement_files(deps_ws)) != before
