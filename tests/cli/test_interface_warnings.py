"""An interface folder without ``src/index.html`` is a warning, listed with its reason; ``check`` exits 0 (issue 12 #14)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, CliResult, copy_workspace


@pytest.fixture()
def seed_ws(tmp_path: Path) -> Path:
    return copy_workspace(FIXTURES / "seed_routes_workspace", tmp_path / "ws")


def test_check_warns_and_exits_0(seed_ws: Path, flowdesk_cli: Callable[..., CliResult]) -> None:
    index = seed_ws / "private/interfaces/sans_page/src/index.html"
    result = flowdesk_cli("check", "--no-import", workspace=seed_ws)
    assert result.code == 0, result.out + result.err
    assert f"warning: {index}: src/index.html is missing, so /sans-page/ answers 404" in result.out
    assert "0 error(s)" in result.out

    as_json = flowdesk_cli("check", "--no-import", "--json", workspace=seed_ws).json()
    assert as_json["ok"] is True and as_json["errors"] == []
    assert [w for w in as_json["warnings"] if "sans_page" in w] == [
        f"{index}: src/index.html is missing, so /sans-page/ answers 404 (the interface's other files are served)"]


def test_list_shows_the_interface_usable_with_its_warning(seed_ws: Path, flowdesk_cli: Callable[..., CliResult]) -> None:
    data = flowdesk_cli("list", "--no-import", "--json", workspace=seed_ws).json()
    interfaces = {i["name"]: i for i in data["interfaces"]}
    assert interfaces["sans_page"]["error"] is None and "index.html is missing" in interfaces["sans_page"]["warnings"][0]
    assert interfaces["tableau_commercial"]["error"] is None and interfaces["tableau_commercial"]["warnings"] == []
    assert [(w["kind"], w["name"]) for w in data["warnings"]] == [("interface", "sans_page")]
    assert data["broken"] == []

    text = flowdesk_cli("list", "--no-import", workspace=seed_ws).out
    assert "Warnings\n  interface sans_page: " in text and "Broken" not in text
