"""The frozen bundle carries what the new window draws with: the icon font and the QtCharts module (issue 13)."""

from __future__ import annotations

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
