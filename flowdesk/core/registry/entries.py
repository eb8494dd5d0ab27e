"""What the registry knows about one workflow, tool or interface folder."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flowdesk.core.config import InterfaceConfig, ToolConfig, WorkflowConfig
    from flowdesk.core.config.tool_config import ToolAction

Fingerprint = tuple[tuple[str, int, int], ...]


def fingerprint(*paths: Path) -> Fingerprint:
    """(name, mtime_ns, size) of each path that exists: cheap change detection by stat only."""
    out = []
    for p in paths:
        try:
            st = p.stat()
        except OSError:
            continue
        out.append((p.name, st.st_mtime_ns, st.st_size))
    return tuple(out)


@dataclass
class Entry:
    """Common part of every registry entry: its folder, its error and its warnings."""

    kind: str
    slug: str
    path: Path
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    stamp: Fingerprint = ()

    @property
    def broken(self) -> bool:
        """True when the entry cannot be used; ``error`` says why."""
        return self.error is not None

    def problem(self) -> dict[str, str]:
        """The JSON shape used by ``flowdesk list`` and the API for a broken entry."""
        return {"kind": self.kind, "name": self.slug, "path": str(self.path), "error": self.error or ""}


@dataclass
class WorkflowEntry(Entry):
    """A folder of ``private/workflows``: its config and what main.py defines."""

    config: WorkflowConfig | None = None
    has_validate_data: bool = False
    seed_inputs: list[dict[str, Any]] | None = None  # from get_required_inputs() when config lacks inputs_schema
    seed_profiles: dict[str, str] | None = None  # from get_tools_profiles() when config lacks the key
    needs_probe: bool = False  # seed helpers exist but are not plain literals: ask a worker

    @property
    def display_name(self) -> str:
        """The human name (config ``name``) or the folder name."""
        return (self.config.name if self.config and self.config.name else None) or self.slug

    @property
    def main_path(self) -> Path:
        return self.path / "main.py"

    @property
    def config_path(self) -> Path:
        return self.path / "config.json"


@dataclass
class ToolEntry(Entry):
    """A tool folder, built-in (``flowdesk/tools``) or from the workspace (``private/tools``)."""

    config: ToolConfig | None = None
    builtin: bool = False
    overrides_builtin: bool = False
    class_name: str | None = None
    code_actions: list[str] = field(default_factory=list)  # from get_available_actions() in main.py
    base_files: tuple[Path, ...] = ()  # other workspace files read to find the tool class (stamped too)

    @property
    def actions(self) -> list[ToolAction]:
        """``config.json``'s actions, then those only ``get_available_actions()`` lists (seed tools)."""
        from flowdesk.core.config.tool_config import ToolAction  # late: entries stay cheap to import

        declared = list(self.config.actions) if self.config is not None else []
        known = {a.name for a in declared}
        extra = [ToolAction(name=n, description=f"listed by {self.class_name}.get_available_actions() in main.py")
                 for n in self.code_actions if n not in known]
        return declared + extra

    @property
    def env_aliases(self) -> list[str]:
        """Other prefixes of this tool's profile variables, after its folder name: config ``aliases``,
        its declared ``tool_name``, then (workspace tools) the seed's class-name prefix."""
        from flowdesk.core.profiles import class_name_prefixes  # late: entries stay cheap to import

        cfg = self.config
        names = [*(cfg.aliases if cfg else []), *([cfg.tool_name] if cfg and cfg.tool_name else [])]
        if not self.builtin and self.class_name:
            names += class_name_prefixes(self.class_name)
        return [n for n in dict.fromkeys(names) if n != self.slug]

    @property
    def class_prefixes(self) -> list[str]:
        """The seed's class-name prefixes of a workspace tool (``ExampleTool`` -> ``example``), if any."""
        from flowdesk.core.profiles import class_name_prefixes

        if self.builtin or not self.class_name:
            return []
        return [p for p in class_name_prefixes(self.class_name) if p != self.slug]

    @property
    def display_name(self) -> str:
        """The human name from config.json, else the folder name."""
        if self.config is not None:
            return self.config.display_name or self.config.tool_name or self.slug
        return self.slug

    @property
    def module(self) -> str:
        """The import name workers use (through the seed-compat ``tools`` package)."""
        return f"tools.{self.slug}.main"


@dataclass
class InterfaceEntry(Entry):
    """An HTML interface folder served from its ``src`` folder (``src/`` unless configured) at its route."""

    config: InterfaceConfig | None = None
    source: str = "default"  # config.json | main.py | default
    builtin: bool = False  # shipped in flowdesk/interfaces (the dashboard), served unless the workspace has its own

    @property
    def src_dir(self) -> Path:
        """The folder the listener serves; discovery marks the entry broken if it leads outside ``path``."""
        return self.path / (self.config.src_folder if self.config is not None else "src")

    @property
    def route(self) -> str:
        """The URL prefix, e.g. ``/crm``."""
        return self.config.route if self.config and self.config.route else f"/{self.slug}"

    @property
    def display_name(self) -> str:
        """The human name, else the folder name."""
        if self.config is not None:
            return self.config.display_name or self.config.name or self.slug
        return self.slug


@dataclass
class ReloadReport:
    """What a ``reload()`` changed, per kind: lists of slugs."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, list[str]]:
        """JSON shape for ``POST /api/reload``."""
        return {"added": self.added, "removed": self.removed, "changed": self.changed, "broken": self.broken}

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)
