"""Tools view on seed-style tools: actions only in code (issue 12 #9) and class-name variables named (#7)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from flowdesk.gui.views.tools_view import ToolsView
from flowdesk.gui.widgets.tool_profiles import STATUS_COL

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "seed_oauth_workspace"


@pytest.fixture()
def gui_ws(gui_ws: Path) -> Path:
    """The example workspace plus the seed fixture's meteo tool and its class-name variable."""
    shutil.copytree(FIXTURE / "private" / "tools" / "meteo", gui_ws / "private" / "tools" / "meteo")
    env = gui_ws / "config" / ".env"
    env.parent.mkdir(parents=True, exist_ok=True)
    env.write_text("PREVISION_DEFAULT_API_KEY=cle-prevision-123\nMETEO_DEFAULT_VILLE=Lyon\n", encoding="utf-8")
    return gui_ws


def test_seed_tool_actions_and_variable_origins(qtbot, bridge) -> None:
    view = ToolsView(bridge)
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: view.loaded, timeout=10000)
    view.select_tool("meteo")
    assert view.detail.action_names() == ["previsions", "alertes"]
    assert "get_available_actions()" in view.detail.actions.topLevelItem(1).text(1)
    table = view.detail.profiles
    assert table.status_text("DEFAULT") == "Ready"
    tip = table.item(table.rows["DEFAULT"], STATUS_COL).toolTip()
    assert "api_key: PREVISION_DEFAULT_API_KEY (class-name prefix, config/.env)" in tip
    assert "ville: METEO_DEFAULT_VILLE (config/.env)" in tip
