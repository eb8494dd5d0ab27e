"""An interface's ``src`` folder must stay inside the interface folder, whatever the config or a link says."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from flowdesk.core.registry import Registry
from flowdesk.core.workspace import Workspace
from tests.conftest import FIXTURES, copy_workspace


@pytest.fixture()
def ws(tmp_path: Path) -> Workspace:
    return Workspace(copy_workspace(FIXTURES / "interface_src_workspace", tmp_path / "ws"))


def loaded(ws: Workspace) -> Registry:
    registry = Registry(ws)
    registry.reload()
    return registry


@pytest.mark.parametrize("slug, value", [("up_and_out", "../../../config"), ("absolute", "/etc")])
def test_src_leading_out_is_refused_naming_the_config_file_and_field(ws: Workspace, slug: str, value: str) -> None:
    entry = loaded(ws).interface(slug)
    config_path = ws.interfaces_dir / slug / "config.json"
    assert entry.broken
    assert entry.error.startswith(f"{config_path}: src: '{value}'"), entry.error
    assert entry.src_dir == entry.path / "src"  # never the configured path out


def test_the_other_interfaces_keep_working(ws: Workspace) -> None:
    registry = loaded(ws)
    assert not registry.interface("plain").broken
    custom = registry.interface("custom_src")
    assert not custom.broken, custom.error
    assert custom.src_dir == ws.interfaces_dir / "custom_src" / "public"
    assert {e.slug for e in registry.broken_entries()} == {"up_and_out", "absolute"}


def test_default_src_symlinked_out_is_refused(ws: Workspace) -> None:
    folder = ws.interfaces_dir / "linked"
    folder.mkdir()
    os.symlink(ws.root / "config", folder / "src")  # config/index.html exists: it would look like a page
    entry = loaded(ws).interface("linked")
    assert entry.broken
    assert entry.error.startswith(f"{folder}: src: 'src' resolves to {(ws.root / 'config').resolve()}"), entry.error
    assert "outside the interface folder" in entry.error


def test_named_src_symlinked_out_is_refused(ws: Workspace) -> None:
    folder = ws.interfaces_dir / "linked_named"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps({"src": "public"}), encoding="utf-8")
    os.symlink(ws.root / "config", folder / "public")
    entry = loaded(ws).interface("linked_named")
    assert entry.broken
    assert entry.error.startswith(f"{folder / 'config.json'}: src: 'public' resolves to "), entry.error


def test_src_symlinked_inside_the_folder_is_fine(ws: Workspace) -> None:
    folder = ws.interfaces_dir / "custom_src"
    os.symlink("public", folder / "src")
    (folder / "config.json").write_text(json.dumps({"route": "/custom"}), encoding="utf-8")
    entry = loaded(ws).interface("custom_src")
    assert not entry.broken, entry.error


def test_a_src_edited_to_lead_out_breaks_on_reload(ws: Workspace) -> None:
    registry = loaded(ws)
    config = ws.interfaces_dir / "custom_src" / "config.json"
    config.write_text(json.dumps({"route": "/custom", "src": "../../../config"}), encoding="utf-8")
    report = registry.reload()
    assert "interface:custom_src" in report.changed and "interface:custom_src" in report.broken
    assert registry.interface("custom_src").error.startswith(f"{config}: src: ")


def test_missing_index_names_the_configured_folder(ws: Workspace) -> None:
    (ws.interfaces_dir / "custom_src" / "public" / "index.html").unlink()
    entry = loaded(ws).interface("custom_src")
    assert not entry.broken
    assert entry.warnings[0].startswith(f"{ws.interfaces_dir / 'custom_src' / 'public' / 'index.html'}: "
                                        "public/index.html is missing")
