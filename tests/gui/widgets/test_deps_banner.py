"""The "missing dependency … — Install" banner: shown on the tool and the workflow, installs with a progress bar, goes away."""

from __future__ import annotations

from pathlib import Path

import pytest

from flowdesk.gui.views.tools_view import ToolsView
from flowdesk.gui.views.workflows_view import WorkflowsView
from tests.conftest import FIXTURES, copy_workspace
from tests.local_wheels import meteo_wheel, offline_index_env

BANNER = "missing dependency meteo_locale (meteo-locale)"


@pytest.fixture()
def gui_ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The seed-style dependencies workspace (overrides the example one), with meteo-locale installable offline."""
    meteo_wheel(tmp_path / "wheels", "1.0.0")
    for name, value in offline_index_env(tmp_path / "wheels", tmp_path / "uv-cache").items():
        monkeypatch.setenv(name, value)
    return copy_workspace(FIXTURES / "seed_deps_workspace", tmp_path / "ws")


def test_install_button_installs_and_the_banner_goes_away(qtbot, bridge) -> None:
    tools = ToolsView(bridge)
    workflows = WorkflowsView(bridge)
    qtbot.addWidget(tools)
    qtbot.addWidget(workflows)
    qtbot.waitUntil(lambda: tools.loaded, timeout=10000)
    tools.select_tool("meteo")
    banner = tools.detail.deps
    qtbot.waitUntil(lambda: not banner.isHidden() and BANNER in banner.text.text(), timeout=10000)
    assert banner.install_button.text() == "Install" and banner.install_button.isEnabled()
    workflows.refresh()
    workflows.select("bulletin_meteo")
    qtbot.waitUntil(lambda: BANNER in workflows.detail.deps.text.text(), timeout=10000)

    seen: list[int] = []
    banner.progress.valueChanged.connect(seen.append)
    with qtbot.waitSignal(banner.installed, timeout=60000) as done:
        qtbot.mouseClick(banner.install_button, qtbot_button())
        assert banner.installing and not banner.progress.isHidden() and not banner.install_button.isEnabled()
    assert done.args[0].installed == ["meteo-locale==1.0.0"]
    assert seen and seen[-1] >= 95  # the bar moved with the installer's progress
    qtbot.waitUntil(lambda: banner.isHidden(), timeout=10000)
    # The reload that follows the install reaches the workflows view too.
    workflows.select("bulletin_meteo")
    qtbot.waitUntil(lambda: workflows.detail.deps.isHidden() and workflows.detail.deps.slug == "bulletin_meteo",
                    timeout=10000)
    qtbot.waitUntil(lambda: not bridge.runtime.registry.tools["meteo"].broken, timeout=10000)


def test_tool_with_an_import_error_shows_as_broken(qtbot, bridge) -> None:
    registry = bridge.runtime.registry
    qtbot.waitUntil(lambda: registry.tools["annonces_slack"].broken, timeout=20000)  # the service's own check
    tools = ToolsView(bridge)
    qtbot.addWidget(tools)
    qtbot.waitUntil(lambda: tools.loaded, timeout=10000)
    tools.select_tool("annonces_slack")
    assert not tools.detail.error.isHidden()
    assert "No module named 'tools.annonces_slack.config'" in tools.detail.error.text()


def qtbot_button():  # noqa: ANN201 - Qt enum, loaded after QT_QPA_PLATFORM is set
    from flowdesk.gui.qt import Qt

    return Qt.MouseButton.LeftButton


def test_the_installer_steps_read_in_french(qtbot, bridge, french_window) -> None:
    tools = ToolsView(bridge)
    qtbot.addWidget(tools)
    qtbot.waitUntil(lambda: tools.loaded, timeout=10000)
    tools.select_tool("meteo")
    banner = tools.detail.deps
    qtbot.waitUntil(lambda: not banner.isHidden() and "dépendance" in banner.text.text(), timeout=10000)
    steps: list[str] = []
    banner._relay.progress.connect(lambda _fraction, message: steps.append(message))
    with qtbot.waitSignal(banner.installed, timeout=60000):
        qtbot.mouseClick(banner.install_button, qtbot_button())
    assert steps[0] == "Lecture des fichiers de dépendances"
    assert any(step.startswith("Résolution avec ") for step in steps)
    assert steps[-1].startswith("1 paquet(s) installé(s) dans ")
