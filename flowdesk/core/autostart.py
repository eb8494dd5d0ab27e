"""Start FlowDesk at login: XDG autostart (Linux), the HKCU Run key (Windows), a LaunchAgent (macOS)."""

from __future__ import annotations

import contextlib
import os
import plistlib
import shutil
import subprocess
import sys
from pathlib import Path

APP_NAME = "FlowDesk"
DESKTOP_FILE = "flowdesk.desktop"
LAUNCH_AGENT_ID = "app.flowdesk.FlowDesk"
RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"


class AutostartError(Exception):
    """Autostart could not be changed (the message says where and why)."""


def launch_command() -> list[str]:
    """How the login session starts the app: the frozen binary, else the ``flowdesk`` console script."""
    if getattr(sys, "frozen", False):
        return [sys.executable]
    # Next to the interpreter first: the venv the app runs from, even when it is not on PATH at login.
    script_dir = Path(sys.executable).parent
    for name in ("flowdesk.exe", "flowdesk") if os.name == "nt" else ("flowdesk",):
        if (script_dir / name).is_file():
            return [str(script_dir / name)]
    found = shutil.which("flowdesk")
    return [found] if found else [sys.executable, "-m", "flowdesk"]


def _platform(platform: str | None) -> str:
    name = platform or sys.platform
    if name.startswith("linux") or name.startswith("freebsd"):
        return "linux"
    if name == "darwin":
        return "darwin"
    if name in ("win32", "cygwin"):
        return "win32"
    raise AutostartError(f"starting at login is not supported on {name}")


# -- Linux: XDG autostart -------------------------------------------------------------


def desktop_file_path() -> Path:
    """``$XDG_CONFIG_HOME/autostart/flowdesk.desktop`` (``~/.config`` when unset)."""
    base = os.environ.get("XDG_CONFIG_HOME", "").strip()
    config = Path(base) if base and Path(base).is_absolute() else Path.home() / ".config"
    return config / "autostart" / DESKTOP_FILE


def _desktop_quote(arg: str) -> str:
    """One Exec argument as the Desktop Entry spec wants it (quoted when needed, ``%`` doubled)."""
    arg = arg.replace("%", "%%")
    if not any(c in arg for c in ' \t\n"\'\\><~|&;$*?#()`'):
        return arg
    escaped = "".join("\\" + c if c in '"`$\\' else c for c in arg)
    return f'"{escaped}"'


def desktop_entry(command: list[str]) -> str:
    """The ``.desktop`` text that starts ``command`` at login."""
    exec_line = " ".join(_desktop_quote(a) for a in command)
    return (
        "[Desktop Entry]\n"
        "Type=Application\n"
        f"Name={APP_NAME}\n"
        "Comment=Local-first workflow automation\n"
        f"Exec={exec_line}\n"
        "Icon=flowdesk\n"
        "Terminal=false\n"
        "X-GNOME-Autostart-enabled=true\n"
    )


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


# -- macOS: LaunchAgent ---------------------------------------------------------------


def launch_agent_path() -> Path:
    """``~/Library/LaunchAgents/app.flowdesk.FlowDesk.plist``."""
    return Path.home() / "Library" / "LaunchAgents" / f"{LAUNCH_AGENT_ID}.plist"


def launch_agent(command: list[str]) -> bytes:
    """The LaunchAgent plist that runs ``command`` once at login."""
    return plistlib.dumps({
        "Label": LAUNCH_AGENT_ID,
        "ProgramArguments": command,
        "RunAtLoad": True,
        # Interactive: launchd must not throttle a GUI app like a background daemon.
        "ProcessType": "Interactive",
    })


# -- Windows: HKCU Run key ------------------------------------------------------------


def _winreg():  # noqa: ANN202 - the module only exists on Windows
    try:
        import winreg
    except ImportError as exc:
        raise AutostartError("the Windows registry is not available on this system") from exc
    return winreg


def _windows_enabled() -> bool:
    winreg = _winreg()
    try:
        with winreg.OpenKey(winreg.HKEY_CURRENT_USER, RUN_KEY) as key:
            winreg.QueryValueEx(key, APP_NAME)
    except FileNotFoundError:
        return False
    return True


def _windows_set(enabled: bool, command: list[str]) -> None:
    winreg = _winreg()
    with winreg.CreateKeyEx(winreg.HKEY_CURRENT_USER, RUN_KEY, 0, winreg.KEY_SET_VALUE) as key:
        if enabled:
            winreg.SetValueEx(key, APP_NAME, 0, winreg.REG_SZ, subprocess.list2cmdline(command))
        else:
            with contextlib.suppress(FileNotFoundError):
                winreg.DeleteValue(key, APP_NAME)


# -- public API -----------------------------------------------------------------------


def is_enabled(platform: str | None = None) -> bool:
    """True when FlowDesk is registered to start at login on this platform."""
    kind = _platform(platform)
    if kind == "linux":
        return desktop_file_path().is_file()
    if kind == "darwin":
        return launch_agent_path().is_file()
    return _windows_enabled()


def set_enabled(enabled: bool, platform: str | None = None, command: list[str] | None = None) -> None:
    """Register or unregister the start at login; AutostartError says what failed."""
    kind = _platform(platform)
    command = command or launch_command()
    try:
        if kind == "linux":
            path = desktop_file_path()
            if enabled:
                _write_atomic(path, desktop_entry(command).encode("utf-8"))
            else:
                path.unlink(missing_ok=True)
        elif kind == "darwin":
            path = launch_agent_path()
            if enabled:
                _write_atomic(path, launch_agent(command))
            else:
                path.unlink(missing_ok=True)
        else:
            _windows_set(enabled, command)
    except OSError as exc:
        raise AutostartError(f"cannot change the start at login: {exc}") from exc
