"""The command lines that resolve and install workspace requirements: uv first (frozen too), pip from source as the fallback."""

from __future__ import annotations

import os
import platform
import shutil
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from flowdesk.core.errors import FlowDeskError
from flowdesk.core.workspace_deps.environments import python_tag

INSTALLER_ENV = "FLOWDESK_DEPS_INSTALLER"  # "uv" or "pip": force one (tests, or a machine where uv misbehaves)


class DepsInstallError(FlowDeskError):
    """Installing the workspace's requirements failed; the message says which step and why."""


@dataclass(frozen=True)
class Installer:
    """The program that resolves and installs: ``uv`` (its binary) or ``pip`` (this interpreter's module)."""

    kind: Literal["uv", "pip"]
    program: tuple[str, ...]

    def describe(self) -> str:
        """``uv (/path/to/uv)`` / ``pip (python -m pip)`` for logs and the lock header."""
        return f"uv ({self.program[0]})" if self.kind == "uv" else "pip"


def is_frozen() -> bool:
    """True inside the PyInstaller bundle (no ``python -m pip`` there)."""
    return bool(getattr(sys, "frozen", False))


def find_uv() -> str | None:
    """The uv binary: the ``uv`` wheel's own, the bundle's ``_internal/bin/uv``, else one on PATH."""
    try:
        from uv import find_uv_bin

        return find_uv_bin()
    except (ImportError, FileNotFoundError):
        pass
    exe = "uv" + (sysconfig.get_config_var("EXE") or "")
    if is_frozen():
        # flowdesk.spec puts the binary where find_uv_bin() looks beside the package (<_MEIPASS>/bin).
        bundled = Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent)) / "bin" / exe
        if bundled.is_file():
            return str(bundled)
    return shutil.which(exe)


def _pip_available() -> bool:
    if is_frozen():
        return False
    try:
        import importlib.util

        return importlib.util.find_spec("pip") is not None
    except (ImportError, ValueError):
        return False


def choose_installer() -> Installer:
    """uv when it can be found, else pip when running from source; raises DepsInstallError otherwise."""
    forced = os.environ.get(INSTALLER_ENV, "").strip().lower()
    uv = find_uv() if forced in ("", "uv") else None
    if uv:
        return Installer("uv", (uv,))
    if forced in ("", "pip") and _pip_available():
        return Installer("pip", (sys.executable, "-m", "pip"))
    if forced not in ("", "uv", "pip"):
        raise DepsInstallError(f"{INSTALLER_ENV}={forced!r}: expected 'uv' or 'pip'")
    raise DepsInstallError("cannot install workspace dependencies: the uv program was not found "
                           "(reinstall FlowDesk, or put uv on PATH)"
                           + ("" if is_frozen() else " and pip is not installed in this Python"))


def uv_platform() -> str | None:
    """uv's ``--python-platform`` for this machine (used when frozen: the bundle has no interpreter for uv to ask)."""
    machine = platform.machine().lower()
    arch = {"amd64": "x86_64", "x86_64": "x86_64", "arm64": "aarch64", "aarch64": "aarch64"}.get(machine)
    if arch is None:
        return None
    if sys.platform.startswith("linux"):
        return f"{arch}-unknown-linux-gnu"
    if sys.platform == "darwin":
        return f"{arch}-apple-darwin"
    if sys.platform == "win32":
        return f"{arch}-pc-windows-msvc"
    return None


def target_python_args() -> list[str]:
    """Which interpreter uv resolves and installs for: this one, or (frozen) its version and platform.

    uv always needs some interpreter to run; frozen, the bundle's is not one it can query, so any
    Python uv finds serves as host and the flags make it choose wheels for FlowDesk's own 3.x.
    """
    if not is_frozen():
        return ["--python", sys.executable]
    args = ["--python-version", python_tag()]
    plat = uv_platform()
    return args + (["--python-platform", plat] if plat else [])


def resolve_argv(installer: Installer, requirements_in: Path, constraints: list[Path], output: Path) -> list[str]:
    """Pin everything ``requirements_in`` needs: ``uv pip compile``, or pip's dry run writing a JSON report."""
    cons = [arg for c in constraints for arg in ("-c", str(c))]
    if installer.kind == "uv":
        return [*installer.program, "pip", "compile", str(requirements_in), *cons, "-o", str(output),
                "--no-header", "--no-annotate", *target_python_args()]
    return [*installer.program, "install", "--dry-run", "--ignore-installed", "--quiet", "--report", str(output),
            "-r", str(requirements_in), *cons, "--disable-pip-version-check", "--no-input"]


def install_argv(installer: Installer, pinned: Path, target: Path) -> list[str]:
    """Install exactly the pinned list into ``target`` (``--no-deps``: the resolve step chose every package)."""
    if installer.kind == "uv":
        return [*installer.program, "pip", "install", "--target", str(target), "--no-deps", "-r", str(pinned),
                *target_python_args()]
    return [*installer.program, "install", "--target", str(target), "--no-deps", "-r", str(pinned),
            "--disable-pip-version-check", "--no-input", "--progress-bar", "off"]


def installer_env() -> dict[str, str]:
    """The environment of the installer process: the user's own, minus colours in its output."""
    env = dict(os.environ)
    env.setdefault("NO_COLOR", "1")
    env.pop("PYTHONPATH", None)  # FlowDesk's own path must not leak into what pip sees as installed
    return env
