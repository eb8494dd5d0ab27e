"""Start at login: the XDG autostart file on Linux and the LaunchAgent plist on macOS, under a fake HOME."""

from __future__ import annotations

import plistlib
import sys
from pathlib import Path

import pytest

from flowdesk.core import autostart


@pytest.fixture()
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    return tmp_path


def test_linux_desktop_file_round_trip(home: Path) -> None:
    path = home / ".config" / "autostart" / "flowdesk.desktop"
    assert not autostart.is_enabled("linux")
    autostart.set_enabled(True, "linux", ["/opt/Flow Desk/flowdesk", "--x=50%"])
    assert autostart.is_enabled("linux")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("[Desktop Entry]\n")
    assert "Type=Application\n" in text and "Name=FlowDesk\n" in text
    assert 'Exec="/opt/Flow Desk/flowdesk" --x=50%%\n' in text
    autostart.set_enabled(False, "linux")
    assert not path.exists() and not autostart.is_enabled("linux")
    autostart.set_enabled(False, "linux")  # disabling twice is fine


def test_linux_respects_xdg_config_home(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "cfg"))
    autostart.set_enabled(True, "linux", ["flowdesk"])
    assert (home / "cfg" / "autostart" / "flowdesk.desktop").is_file()


def test_macos_launch_agent(home: Path) -> None:
    autostart.set_enabled(True, "darwin", ["/Applications/FlowDesk.app/Contents/MacOS/FlowDesk"])
    path = home / "Library" / "LaunchAgents" / f"{autostart.LAUNCH_AGENT_ID}.plist"
    data = plistlib.loads(path.read_bytes())
    assert data["RunAtLoad"] is True
    assert data["ProgramArguments"] == ["/Applications/FlowDesk.app/Contents/MacOS/FlowDesk"]
    assert autostart.is_enabled("darwin")
    autostart.set_enabled(False, "darwin")
    assert not autostart.is_enabled("darwin")


def test_default_command_is_console_script_or_module() -> None:
    command = autostart.launch_command()
    as_module = command == [sys.executable, "-m", "flowdesk"]
    assert as_module or (len(command) == 1 and Path(command[0]).name.startswith("flowdesk"))


def test_unsupported_platform() -> None:
    with pytest.raises(autostart.AutostartError):
        autostart.is_enabled("sunos5")


@pytest.mark.skipif(sys.platform != "win32", reason="Windows registry")
def test_windows_run_key() -> None:  # pragma: no cover - runs on Windows CI only
    was = autostart.is_enabled()
    try:
        autostart.set_enabled(True, command=["C:\\Program Files\\FlowDesk\\FlowDesk.exe"])
        assert autostart.is_enabled()
        autostart.set_enabled(False)
        assert not autostart.is_enabled()
    finally:
        autostart.set_enabled(was)
