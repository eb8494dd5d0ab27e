"""The frozen bundle carries the built-in interfaces' files where the registry looks for them (issue 12 #12)."""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "bundle"))

import bundle_contents  # noqa: E402

from flowdesk.core.registry.registry import BUILTIN_INTERFACES_DIR  # noqa: E402


def test_every_dashboard_file_ships_next_to_its_folder() -> None:
    datas = bundle_contents.interface_datas(REPO)
    shipped = {Path(dest) / Path(src).name for src, dest in datas}
    expected = {p.relative_to(REPO) for p in (BUILTIN_INTERFACES_DIR / "dashboard").rglob("*")
                if p.is_file() and "__pycache__" not in p.parts}
    assert expected and shipped == expected
    assert Path("flowdesk/interfaces/dashboard/src/index.html") in shipped
    assert "interface_datas(ROOT)" in (REPO / "flowdesk.spec").read_text(encoding="utf-8")
