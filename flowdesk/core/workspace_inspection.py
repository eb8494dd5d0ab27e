"""Import checks and dependency problems of workspace entries, folded into the registry (check, list, the service)."""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING

from flowdesk.core.engine.tool_probe import probe_tool
from flowdesk.core.registry import Entry, Registry, ToolEntry
from flowdesk.core.workspace_check import apply_probe
from flowdesk.core.workspace_deps.requirement_status import DepsReport, dependency_report
from flowdesk.core.workspace_deps.installer import InstallProgress, InstallResult, install_dependencies

if TYPE_CHECKING:
    from flowdesk.core.engine import ProbeResult
    from flowdesk.core.runtime import Runtime

log = logging.getLogger(__name__)

# Per runtime: each tool entry's import check, one task shared by the service's background check
# and ``check``/``list`` (which both run in a CLI command). A reload replaces changed entries,
# which are then checked again. Kept out of the entries so the registry stays a plain description.
_tool_checks: weakref.WeakKeyDictionary[Runtime, dict[str, tuple[ToolEntry, asyncio.Future[ProbeResult]]]] = (
    weakref.WeakKeyDictionary())


def _tool_check(runtime: Runtime, entry: ToolEntry) -> asyncio.Future[ProbeResult]:
    """The import check of this very entry: started once, awaited by whoever asks."""
    checks = _tool_checks.setdefault(runtime, {})
    known = checks.get(entry.slug)
    if known is None or known[0] is not entry:
        known = (entry, asyncio.ensure_future(probe_tool(runtime.engine, entry)))
        checks[entry.slug] = known
    # Shielded: cancelling one waiter (the service stopping its background check) leaves the others theirs.
    return asyncio.shield(known[1])


def apply_dependency_problems(registry: Registry, report: DepsReport) -> list[Entry]:
    """Mark tools and workflows whose requirements are missing or unusable as broken; returns those entries.

    Their import check is skipped: it would only fail on the same missing module. Entries already
    broken keep their own error (the config at fault comes first).
    """
    broken: list[Entry] = []
    for key, lines in report.problems().items():
        kind, slug = key.split(":", 1)
        entry = (registry.tools if kind == "tool" else registry.workflows).get(slug)
        if entry is None or entry.broken or (kind == "tool" and entry.builtin):
            continue
        entry.error = "; ".join(lines)
        broken.append(entry)
    return broken


def apply_tool_probe(entry: ToolEntry, result: ProbeResult) -> None:
    """An import error breaks the tool; the first line of the error names it."""
    if not result.ok:
        first_line = (result.error or "cannot be imported").strip().splitlines()[0]
        entry.error = f"{entry.path / 'main.py'}: {first_line}"


def workspace_tools(registry: Registry) -> list[ToolEntry]:
    """The workspace's own tools that are not broken yet (built-in tools ship tested with FlowDesk)."""
    return [e for _slug, e in sorted(registry.tools.items()) if not e.builtin and not e.broken]


async def inspect_entries(runtime: Runtime) -> dict[str, ProbeResult]:
    """Dependency problems, then an import check of every workflow and workspace tool, folded into the registry.

    Returns the workflow probes (``check_workspace`` takes them). Used by ``check`` and ``list``.
    """
    report = await asyncio.to_thread(dependency_report, runtime.workspace, runtime.data_dir)
    apply_dependency_problems(runtime.registry, report)
    for entry in workspace_tools(runtime.registry):
        apply_tool_probe(entry, await _tool_check(runtime, entry))
    probes: dict[str, ProbeResult] = {}
    for slug, entry in sorted(runtime.registry.workflows.items()):
        if not entry.broken:
            probes[slug] = await runtime.engine.probe(entry.path)
            apply_probe(entry, probes[slug])
    return probes


async def inspect_in_background(runtime: Runtime) -> None:
    """The service's share: dependency problems, and import checks of tools changed since their last check."""
    try:
        report = await asyncio.to_thread(dependency_report, runtime.workspace, runtime.data_dir)
    except Exception:  # a bug here must not stop the workflow probes that follow
        log.exception("cannot read the workspace's requirement files")
    else:
        for entry in apply_dependency_problems(runtime.registry, report):
            log.warning("%s", entry.error)
    for entry in workspace_tools(runtime.registry):
        if not runtime.started:
            return
        result = await _tool_check(runtime, entry)
        if runtime.registry.tools.get(entry.slug) is entry and not entry.broken:  # not replaced meanwhile
            apply_tool_probe(entry, result)
            if entry.broken:
                log.warning("%s", entry.error)


async def install_and_reload(runtime: Runtime, on_progress: Callable[[InstallProgress], None] | None = None,
                             ) -> InstallResult:
    """Install the workspace's missing requirements, then re-read the entries they (or an import error) broke."""
    result = await install_dependencies(runtime.workspace, runtime.data_dir, on_progress)
    registry = runtime.registry
    for entry in [*registry.workflows.values(), *registry.tools.values()]:
        if entry.broken or (entry.path / "requirements.txt").is_file():
            entry.stamp = ()  # differs from the files' stamp: the next reload reads the entry afresh
    _tool_checks.pop(runtime, None)  # the install may have brought what an import lacked
    runtime.reload()
    return result
