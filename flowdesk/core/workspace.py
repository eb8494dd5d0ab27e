"""Where the workspace and the data dir are, and creating a workspace from the examples."""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from flowdesk.core.errors import WorkspaceError
from flowdesk.core.translatable import translatable

APP_NAME = "FlowDesk"


@dataclass(frozen=True)
class Workspace:
    """A workspace folder: ``private/{workflows,tools,interfaces,temp}`` and ``config/.env``."""

    root: Path

    @property
    def private_dir(self) -> Path:
        return self.root / "private"

    @property
    def workflows_dir(self) -> Path:
        return self.private_dir / "workflows"

    @property
    def tools_dir(self) -> Path:
        return self.private_dir / "tools"

    @property
    def interfaces_dir(self) -> Path:
        return self.private_dir / "interfaces"

    @property
    def temp_dir(self) -> Path:
        return self.private_dir / "temp"

    @property
    def config_dir(self) -> Path:
        return self.root / "config"

    @property
    def env_file(self) -> Path:
        return self.config_dir / ".env"

    def is_valid(self) -> bool:
        """True when the folder looks like a workspace (it has ``private/``)."""
        return self.private_dir.is_dir()

    def ensure_layout(self) -> None:
        """Create the standard sub-folders that are missing."""
        for d in (self.workflows_dir, self.tools_dir, self.interfaces_dir, self.temp_dir, self.config_dir):
            d.mkdir(parents=True, exist_ok=True)


def bundled_examples_dir() -> Path:
    """The example workspace shipped with FlowDesk (the repo root, or the frozen bundle)."""
    if getattr(sys, "frozen", False):
        return Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent)) / "examples"
    return Path(__file__).resolve().parents[2]


def default_workspace_dir() -> Path:
    """The user's default workspace folder (``~/FlowDesk`` unless overridden)."""
    return Path.home() / APP_NAME


def create_workspace_from_examples(target: Path) -> Workspace:
    """Copy the bundled example ``private/`` and ``config/.env.example`` into ``target``."""
    src = bundled_examples_dir()
    target.mkdir(parents=True, exist_ok=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "temp")
    if (src / "private").is_dir() and not (target / "private").exists():
        shutil.copytree(src / "private", target / "private", ignore=ignore)
    example_env = src / "config" / ".env.example"
    if example_env.is_file():
        (target / "config").mkdir(exist_ok=True)
        if not (target / "config" / ".env.example").exists():
            shutil.copy2(example_env, target / "config" / ".env.example")
    ws = Workspace(target)
    ws.ensure_layout()
    return ws


def resolve_workspace(cli_value: str | os.PathLike[str] | None = None, *, create_default: bool = True) -> Workspace:
    """Pick the workspace: ``--workspace``, ``FLOWDESK_WORKSPACE``, the cwd if it has ``private/``, else the default."""
    explicit = cli_value or os.environ.get("FLOWDESK_WORKSPACE")
    if explicit:
        ws = Workspace(Path(explicit).expanduser().resolve())
        if not ws.root.is_dir():
            raise WorkspaceError(translatable("Workspace", "{path}: workspace folder does not exist", path=str(ws.root)))
        if not ws.is_valid():
            raise WorkspaceError(translatable("Workspace", "{path}: not a FlowDesk workspace (no private/ folder)", path=str(ws.root)))
        return ws
    cwd = Workspace(Path.cwd().resolve())
    if cwd.is_valid():
        return cwd
    default = Workspace(default_workspace_dir())
    if default.is_valid():
        return default
    if not create_default:
        raise WorkspaceError(translatable("Workspace", "{path}: no workspace yet (run FlowDesk once to create it from the examples)",
                                          path=str(default.root)))
    return create_workspace_from_examples(default.root)


def resolve_data_dir(cli_value: str | os.PathLike[str] | None = None) -> Path:
    """Pick the data dir: ``--data-dir``, ``FLOWDESK_DATA_DIR``, else the platform's user data dir."""
    explicit = cli_value or os.environ.get("FLOWDESK_DATA_DIR")
    if explicit:
        path = Path(explicit).expanduser().resolve()
    else:
        from platformdirs import user_data_dir

        path = Path(user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(mode=0o700, parents=True, exist_ok=True)  # run history, logs and tokens: owner only
    return path
