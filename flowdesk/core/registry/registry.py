"""The registry: every workflow, tool and interface of a workspace, broken ones included."""

from __future__ import annotations

import gc
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from flowdesk.core.errors import NotFound
from flowdesk.core.registry.discovery import is_entry_folder, load_interface, load_tool, load_workflow
from flowdesk.core.registry.entries import (
    Entry,
    InterfaceEntry,
    ReloadReport,
    ToolEntry,
    WorkflowEntry,
    fingerprint,
)
from flowdesk.core.workspace import Workspace
from flowdesk.core.translatable import message_template, translatable

BUILTIN_TOOLS_DIR = Path(__file__).resolve().parents[2] / "tools"
BUILTIN_INTERFACES_DIR = Path(__file__).resolve().parents[2] / "interfaces"

E = TypeVar("E", bound=Entry)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Discovery allocates many short-lived objects and no cycles: the collector only costs time (~10 %)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _scan(folder: Path) -> list[Path]:
    """Sub-folders that may be entries, sorted by name; a missing folder is empty."""
    try:
        with os.scandir(folder) as it:
            return sorted(Path(d.path) for d in it if is_entry_folder(Path(d.path)))
    except FileNotFoundError:
        return []


WORKFLOW_NOT_FOUND = message_template("Registry", "workflow {name} not found in {folder}")


class Registry:
    """Discovers and holds the entries of one workspace; ``reload()`` says what changed."""

    def __init__(self, workspace: Workspace, builtin_tools_dir: Path = BUILTIN_TOOLS_DIR,
                 builtin_interfaces_dir: Path = BUILTIN_INTERFACES_DIR) -> None:
        self.workspace = workspace
        self.builtin_tools_dir = builtin_tools_dir
        self.builtin_interfaces_dir = builtin_interfaces_dir
        self.workflows: dict[str, WorkflowEntry] = {}
        self.tools: dict[str, ToolEntry] = {}
        self.interfaces: dict[str, InterfaceEntry] = {}
        self._lock = threading.RLock()

    # -- discovery -----------------------------------------------------------------

    def reload(self) -> ReloadReport:
        """Re-read the workspace; unchanged folders (same stat fingerprint) are reused as they were."""
        with self._lock, _gc_paused():
            report = ReloadReport()
            self.workflows = self._refresh("workflow", self.workflows, _scan(self.workspace.workflows_dir), load_workflow, report)
            self.tools = self._refresh_tools(report)
            self.interfaces = self._refresh_interfaces(report)
            self._check_routes()
            report.broken = [f"{e.kind}:{e.slug}" for e in self.all_entries() if e.broken]
            return report

    def _refresh(
        self,
        kind: str,
        old: dict[str, E],
        folders: Iterable[Path],
        loader: Callable[[Path], E],
        report: ReloadReport,
    ) -> dict[str, E]:
        new: dict[str, E] = {}
        for folder in folders:
            previous = old.get(folder.name)
            if previous is not None and previous.path == folder and previous.stamp == self._stamp_of(previous):
                new[folder.name] = previous
                continue
            entry = loader(folder)
            new[folder.name] = entry
            if previous is None:
                report.added.append(f"{kind}:{folder.name}")
            else:
                report.changed.append(f"{kind}:{folder.name}")
        report.removed.extend(f"{kind}:{slug}" for slug in old if slug not in new)
        return new

    @staticmethod
    def _stamp_of(entry: Entry) -> tuple:
        if isinstance(entry, WorkflowEntry):
            return fingerprint(entry.config_path, entry.main_path)
        if isinstance(entry, InterfaceEntry):
            return fingerprint(entry.path / "config.json", entry.path / "main.py", entry.src_dir / "index.html")
        if isinstance(entry, ToolEntry):  # the workspace modules its class's bases were read from count too
            return fingerprint(entry.path / "config.json", entry.path / "main.py", *entry.base_files)
        return fingerprint(entry.path / "config.json", entry.path / "main.py")

    def _refresh_tools(self, report: ReloadReport) -> dict[str, ToolEntry]:
        """Built-in tools first, then workspace tools, which override a built-in of the same name."""
        builtin = self._refresh("tool", {k: v for k, v in self.tools.items() if v.builtin},
                                _scan(self.builtin_tools_dir), lambda f: load_tool(f, builtin=True), ReloadReport())
        local_report = ReloadReport()
        local = self._refresh("tool", {k: v for k, v in self.tools.items() if not v.builtin},
                              _scan(self.workspace.tools_dir), lambda f: load_tool(f, builtin=False), local_report)
        merged = dict(builtin)
        for slug, entry in local.items():
            entry.overrides_builtin = slug in builtin
            merged[slug] = entry
        old_keys, new_keys = set(self.tools), set(merged)
        report.added.extend(f"tool:{s}" for s in sorted(new_keys - old_keys))
        report.removed.extend(f"tool:{s}" for s in sorted(old_keys - new_keys))
        report.changed.extend(
            f"tool:{s}" for s in sorted(new_keys & old_keys) if merged[s] is not self.tools[s]
        )
        return merged

    def _refresh_interfaces(self, report: ReloadReport) -> dict[str, InterfaceEntry]:
        """Workspace interfaces, then the built-in ones (the dashboard) at any name and route the workspace left free."""
        builtin = self._refresh("interface", {k: v for k, v in self.interfaces.items() if v.builtin},
                                _scan(self.builtin_interfaces_dir), lambda f: load_interface(f, builtin=True),
                                ReloadReport())
        local = self._refresh("interface", {k: v for k, v in self.interfaces.items() if not v.builtin},
                              _scan(self.workspace.interfaces_dir), load_interface, ReloadReport())
        merged = dict(local)
        taken = {e.route.rstrip("/") for e in local.values() if not e.broken}
        for slug, entry in builtin.items():
            if slug not in merged and entry.route.rstrip("/") not in taken:
                merged[slug] = entry
        old_keys, new_keys = set(self.interfaces), set(merged)
        report.added.extend(f"interface:{s}" for s in sorted(new_keys - old_keys))
        report.removed.extend(f"interface:{s}" for s in sorted(old_keys - new_keys))
        report.changed.extend(f"interface:{s}" for s in sorted(new_keys & old_keys)
                              if merged[s] is not self.interfaces[s])
        return merged

    def _check_routes(self) -> None:
        """Two interfaces on one route: the second (by name) is reported broken."""
        seen: dict[str, str] = {}
        for slug, entry in sorted(self.interfaces.items()):
            if entry.broken:
                continue
            route = entry.route.rstrip("/") or "/"
            if route in seen:
                entry.error = translatable("Registry", "{path}: route: {route} is already used by interface {other}",
                                           path=str(entry.path), route=entry.route, other=seen[route])
            else:
                seen[route] = slug

    def refresh_workflow(self, slug: str) -> WorkflowEntry:
        """Re-read one workflow if its files changed since discovery (used before every run)."""
        with self._lock:
            entry = self.workflows.get(slug)
            folder = entry.path if entry else self.workspace.workflows_dir / slug
            if entry is not None and entry.stamp == self._stamp_of(entry):
                return entry
            if not is_entry_folder(folder):
                self.workflows.pop(slug, None)
                raise NotFound(WORKFLOW_NOT_FOUND(name=repr(slug), folder=str(self.workspace.workflows_dir)))
            entry = load_workflow(folder)
            self.workflows[slug] = entry
            return entry

    # -- lookup --------------------------------------------------------------------

    def all_entries(self) -> list[Entry]:
        """Every entry of every kind, broken ones included."""
        return [*self.workflows.values(), *self.tools.values(), *self.interfaces.values()]

    def broken_entries(self) -> list[Entry]:
        """The entries that cannot be used, each with its error."""
        return [e for e in self.all_entries() if e.broken]

    def workflow(self, name: str) -> WorkflowEntry:
        """A workflow by folder name (or, failing that, by its display name)."""
        with self._lock:
            if name in self.workflows:
                return self.workflows[name]
            for entry in self.workflows.values():
                if entry.display_name == name:
                    return entry
            folder = self.workspace.workflows_dir / name
        if "/" not in name and is_entry_folder(folder):
            return self.refresh_workflow(name)
        raise NotFound(WORKFLOW_NOT_FOUND(name=repr(name), folder=str(self.workspace.workflows_dir)))

    def tool(self, name: str) -> ToolEntry:
        """A tool by name or alias (the seed's ``calendar`` is ``google_calendar``)."""
        if name in self.tools:
            return self.tools[name]
        for entry in self.tools.values():
            if entry.config is not None and name in entry.config.aliases:
                return entry
        raise NotFound(translatable("Registry", "tool {name} is not installed (built-in tools: {builtin})", name=repr(name),
                                    builtin=", ".join(sorted(self.builtin_tool_names()))))

    def builtin_tool_names(self) -> list[str]:
        """Slugs of the tools shipped inside the package."""
        return [s for s, e in self.tools.items() if e.builtin]

    def interface(self, name: str) -> InterfaceEntry:
        """An interface by folder name."""
        if name in self.interfaces:
            return self.interfaces[name]
        raise NotFound(translatable("Registry", "interface {name} not found in {folder}", name=repr(name),
                                    folder=str(self.workspace.interfaces_dir)))
