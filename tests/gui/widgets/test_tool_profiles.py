"""The profiles table of a tool: a Test result from the child process reads in the window's language."""

from __future__ import annotations

from flowdesk.gui.views.tools_view import ToolsView
from flowdesk.gui.widgets.tool_profiles import TEST_COL


def test_a_tool_test_result_reads_in_french(qtbot, bridge, french_window) -> None:
    view = ToolsView(bridge)
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: view.loaded, timeout=10000)
    view.select_tool("date")
    table = view.detail.profiles
    view.test_profile("date", "DEFAULT")  # a real child process builds the tool and runs authenticate()
    qtbot.waitUntil(lambda: view.results.get(("date", "DEFAULT")) is not None, timeout=30000)
    ok, message = view.results[("date", "DEFAULT")]
    assert ok and message == "date (profile DEFAULT): authenticate() succeeded"  # what the child said, in English
    item = table.item(table.rows["DEFAULT"], TEST_COL)
    assert item.text() == "OK" and item.toolTip() == "date (profil DEFAULT) : authenticate() a réussi"
    table.set_result("DEFAULT", (False, "date (profile DEFAULT): missing DATE_DEFAULT_ZONE"))
    item = table.item(table.rows["DEFAULT"], TEST_COL)
    assert item.text() == "manquant : DATE_DEFAULT_ZONE"
