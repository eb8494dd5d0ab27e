"""Settings dialog: values load from and save to settings.json; start at login writes the autostart entry."""

from __future__ import annotations

from pathlib import Path

import pytest

from flowdesk.core.app_settings import AppSettings, load_app_settings, save_app_settings
from flowdesk.gui.settings_dialog import SettingsDialog
from tests.gui.conftest import call_core


@pytest.fixture()
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    return tmp_path / "home"


def test_loads_and_saves_settings(qtbot, bridge, home: Path, tmp_path: Path) -> None:
    data_dir = bridge.runtime.data_dir
    save_app_settings(data_dir, AppSettings.from_dict({"port": 8123, "retention_days": 30, "future_key": 1}))
    dialog = SettingsDialog(bridge)
    qtbot.addWidget(dialog)
    assert dialog.port.value() == 8123 and dialog.retention_days.value() == 30
    assert dialog.retention_runs.value() == 0 and dialog.retention_runs.text() == "No limit"
    other = tmp_path / "other_ws"
    other.mkdir()
    dialog.workspace.setText(str(other))
    dialog.port.setValue(8200)
    dialog.start_minimised.setChecked(True)
    dialog.notifications.setChecked(False)
    dialog.retention_runs.setValue(500)
    dialog.retention_days.setValue(0)
    dialog.start_at_login.setChecked(True)
    assert dialog.save() is None
    saved = load_app_settings(data_dir)
    assert (saved.workspace, saved.port, saved.start_minimised, saved.notifications) == (str(other), 8200, True, False)
    assert (saved.retention_days, saved.retention_runs, saved.start_at_login) == (None, 500, True)
    assert saved.to_dict()["future_key"] == 1  # unknown keys survive
    desktop = home / ".config" / "autostart" / "flowdesk.desktop"
    assert desktop.is_file() and "Exec=" in desktop.read_text()
    assert call_core(qtbot, bridge, lambda rt: (rt.settings.retention_days, rt.settings.retention_runs)) == (None, 500)

    dialog = SettingsDialog(bridge)
    qtbot.addWidget(dialog)
    assert dialog.start_at_login.isChecked()
    dialog.start_at_login.setChecked(False)
    assert dialog.save() is None
    assert not desktop.exists()


def test_missing_workspace_folder_is_refused(qtbot, bridge, home: Path, tmp_path: Path) -> None:
    dialog = SettingsDialog(bridge)
    qtbot.addWidget(dialog)
    dialog.workspace.setText(str(tmp_path / "nope"))
    assert "does not exist" in (dialog.save() or "")
    assert not (bridge.runtime.data_dir / "settings.json").exists()
