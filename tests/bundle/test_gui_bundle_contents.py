"""The frozen bundle carries what the new window draws with: the icon font and the QtCharts module (issue 13)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "bundle"))

import bundle_contents  # noqa: E402
import qt_prune  # noqa: E402

from flowdesk.gui.theme import icons  # noqa: E402


def test_the_icon_font_ships_where_the_frozen_app_looks_for_it() -> None:
    datas = bundle_contents.icon_font_datas()
    assert {Path(src).name for src, _ in datas} == {icons.FONT_FILE, icons.CHARMAP_FILE}
    assert all(Path(src).is_file() and dest == "qtawesome/fonts" for src, dest in datas)


def test_qt_pruning_keeps_qtcharts() -> None:
    assert "PySide6.QtCharts" in qt_prune.scan_sources(REPO / "flowdesk")


def test_the_bundle_takes_the_icons_rendered_in_build_and_leaves_the_committed_ones_alone(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "resources").mkdir(parents=True)
    for ext in ("png", "ico", "icns"):
        (repo / "resources" / f"flowdesk.{ext}").write_bytes(b"committed")
    assert bundle_contents.icon_dir(repo) == repo / "resources"  # nothing rendered yet: the committed copies
    out = repo / "build" / "icons"
    result = subprocess.run([sys.executable, str(REPO / "bundle" / "make_icons.py"), str(out)], capture_output=True,
                            text=True, timeout=120, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 0, result.stderr
    assert bundle_contents.icon_dir(repo) == out
    datas = bundle_contents.icon_datas(repo)
    assert sorted(Path(src).name for src, _ in datas) == ["flowdesk.icns", "flowdesk.ico", "flowdesk.png"]
    assert {dest for _, dest in datas} == {"resources"} and all(Path(src).parent == out for src, _ in datas)
    assert (out / "flowdesk.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert all((repo / "resources" / f"flowdesk.{ext}").read_bytes() == b"committed" for ext in ("png", "ico", "icns"))
    assert 'make_icons.py", "build/icons"' in (REPO / "bundle" / "build.py").read_text()  # the build renders there
