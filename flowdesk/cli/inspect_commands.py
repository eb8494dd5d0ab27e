"""``flowdesk list`` and ``flowdesk check``: what the workspace holds and what is wrong with it."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from flowdesk.cli.runtime_context import open_runtime, workspace_from
from flowdesk.cli.table_output import print_json, print_table
from flowdesk.core.profiles import ProfileResolver
from flowdesk.core.registry import Registry
from flowdesk.core.workspace_check import check_workspace
from flowdesk.core.workspace import resolve_data_dir
from flowdesk.core.workspace_deps import dependency_report
from flowdesk.core.workspace_inspection import apply_dependency_problems, inspect_entries
from flowdesk.i18n.cli_text import shown, translate


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the ``list`` and ``check`` sub-commands."""
    p = sub.add_parser("list", parents=[common], help=translate("cli", "workflows, tools and interfaces, broken ones with why"))
    p.add_argument("--json", action="store_true", help=translate("cli", "machine-readable output"))
    p.add_argument("--no-import", action="store_true", help=translate("cli", "skip importing each workflow and tool in a worker"))
    p.set_defaults(handler=handle_list)
    c = sub.add_parser("check", parents=[common], help=translate("cli", "validate the workspace: exit 1 and one line per broken file"))
    c.add_argument("--json", action="store_true", help=translate("cli", "machine-readable output"))
    c.add_argument("--no-import", action="store_true", help=translate("cli", "skip importing each workflow and tool in a worker"))
    c.set_defaults(handler=handle_check)


def listing(registry: Registry) -> dict[str, Any]:
    """The JSON shape of ``flowdesk list --json``."""
    workflows = []
    for slug, e in sorted(registry.workflows.items()):
        c = e.config
        workflows.append({
            "name": slug, "display_name": e.display_name, "path": str(e.path), "error": e.error,
            "description": c.description if c else None, "category": c.category if c else None,
            "triggers": list(c.triggers) if c else [], "schedule": c.schedule if c else None,
            "active": c.active if c else False, "tools_required": list(c.tools_required) if c else [],
        })
    tools = [{
        "name": slug, "display_name": e.display_name, "builtin": e.builtin, "overrides_builtin": e.overrides_builtin,
        "path": str(e.path), "error": e.error,
        "actions": [a.name for a in e.actions] if e.config else [],
    } for slug, e in sorted(registry.tools.items())]
    interfaces = [{
        "name": slug, "display_name": e.display_name, "route": e.route, "path": str(e.path), "error": e.error,
        "icon": e.config.icon if e.config else None, "description": e.config.description if e.config else None,
        "warnings": list(e.warnings), "builtin": e.builtin,
    } for slug, e in sorted(registry.interfaces.items())]
    warned = [{"kind": e.kind, "name": e.slug, "path": str(e.path), "warning": w}
              for e in registry.interfaces.values() if not e.broken for w in e.warnings]
    return {"workflows": workflows, "tools": tools, "interfaces": interfaces,
            "broken": [e.problem() for e in registry.broken_entries()], "warnings": warned}


async def _inspected_registry(args: argparse.Namespace) -> Registry:
    """The registry with dependency problems and (unless --no-import) import errors folded in."""
    if args.no_import:
        ws = workspace_from(args)
        registry = Registry(ws)
        registry.reload()
        apply_dependency_problems(registry, dependency_report(ws, resolve_data_dir(args.data_dir)))
        return registry
    async with open_runtime(args, max_workers=2) as runtime:
        await inspect_entries(runtime)
        return runtime.registry


def kind_word(kind: str) -> str:
    """workflow / tool / interface in the CLI's language."""
    words = {"workflow": translate("cli", "workflow"), "tool": translate("cli", "tool"),
             "interface": translate("cli", "interface")}
    return words.get(kind, kind)


def handle_list(args: argparse.Namespace) -> int:
    """Print the listing as tables or JSON."""
    registry = asyncio.run(_inspected_registry(args))
    data = listing(registry)
    if args.json:
        print_json(data)
        return 0
    mark = lambda item: "✗" if item["error"] else "✓"  # noqa: E731
    print(translate("cli", "Workspace %1").replace("%1", str(registry.workspace.root)) + "\n\n" + translate("cli", "Workflows"))
    yes, no = translate("cli", "yes"), translate("cli", "no")
    print_table(["", translate("cli", "name"), translate("cli", "category"), translate("cli", "triggers"),
                 translate("cli", "schedule"), translate("cli", "active")],
                [[mark(w), w["name"], w["category"] or "", ",".join(w["triggers"]), w["schedule"] or "",
                  yes if w["active"] else no] for w in data["workflows"]])
    print("\n" + translate("cli", "Tools"))
    builtin, workspace = translate("cli", "built-in"), translate("cli", "workspace")
    print_table(["", translate("cli", "name"), translate("cli", "source"), translate("cli", "actions")],
                [[mark(t), t["name"], builtin if t["builtin"] else workspace, ", ".join(t["actions"])]
                 for t in data["tools"]])
    print("\n" + translate("cli", "Interfaces"))
    print_table(["", translate("cli", "name"), translate("cli", "route")], [["!" if i["warnings"] and not i["error"] else mark(i), i["name"], i["route"]]
                                        for i in data["interfaces"]])
    if data["broken"]:
        print("\n" + translate("cli", "Broken"))
        for b in data["broken"]:
            print(f"  {kind_word(b['kind'])} {b['name']}: {shown(b['error'])}")
    if data["warnings"]:
        print("\n" + translate("cli", "Warnings"))
        for w in data["warnings"]:
            print(f"  {kind_word(w['kind'])} {w['name']}: {shown(w['warning'])}")
    return 0


async def _check(args: argparse.Namespace) -> tuple[list[str], list[str]]:
    if args.no_import:
        registry = await _inspected_registry(args)
        return check_workspace(registry, ProfileResolver(registry.workspace.env_file), probe=None)
    async with open_runtime(args, max_workers=2) as runtime:
        probes = await inspect_entries(runtime)  # requirements, then tools and workflows imported in workers
        return check_workspace(runtime.registry, runtime.resolver, probe=probes)


def handle_check(args: argparse.Namespace) -> int:
    """Print one line per broken file (exit 1) and one per warning (exit 0 if only warnings)."""
    errors, warnings = asyncio.run(_check(args))
    if args.json:
        print_json({"ok": not errors, "errors": errors, "warnings": warnings})
    else:
        for line in errors:
            print(shown(line))
        for line in warnings:
            print(translate("cli", "warning: %1").replace("%1", shown(line)))
        print(translate("cli", "%1 error(s), %2 warning(s)").replace("%1", str(len(errors))).replace("%2", str(len(warnings))))
    return 1 if errors else 0
