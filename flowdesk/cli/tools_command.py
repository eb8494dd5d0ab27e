"""``flowdesk tools [--json]`` and ``flowdesk tools test TOOL --profile P``: what each tool needs, and a live check."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from flowdesk.cli.oauth_command import nested_common, open_registry
from flowdesk.cli.table_output import print_json
from flowdesk.core.errors import FlowDeskError
from flowdesk.core.profiles import DEFAULT_PROFILE
from flowdesk.core.tool_testing import origin_text, test_tool, tool_summary
from flowdesk.core.workspace import resolve_data_dir
from flowdesk.i18n.cli_text import error_line, shown, translate


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add ``tools`` (listing) and ``tools test``."""
    p = sub.add_parser("tools", parents=[common], help=translate("cli", "every tool: source, actions, each profile's status"),
                       description=translate("cli", "List tools; `flowdesk tools test TOOL --profile P` checks one profile for real."))
    p.add_argument("--json", action="store_true", help=translate("cli", "machine-readable output"))
    p.set_defaults(handler=handle_list)
    actions = p.add_subparsers(dest="tools_command", metavar="ACTION")
    t = actions.add_parser("test", parents=[nested_common(common)],
                           help=translate("cli", "build the tool with a profile and run authenticate()"))
    t.add_argument("tool", help=translate("cli", "tool name or alias"))
    t.add_argument("--profile", default=DEFAULT_PROFILE, help=translate("cli", "profile name (default DEFAULT)"))
    t.set_defaults(handler=handle_test)


def disabled_tools(args: argparse.Namespace) -> set[str]:
    """Tools switched off in the app (kept in the data dir's database); none when there is no database yet."""
    from flowdesk.cli.runtime_context import database_from, open_store_from
    from flowdesk.core.store import DB_FILENAME

    path = resolve_data_dir(getattr(args, "data_dir", None)) / DB_FILENAME
    if database_from(args).url is None and not path.is_file():
        return set()
    store = open_store_from(args)
    try:
        return set(store.get_setting("disabled_tools", []) or [])
    finally:
        store.close()


def _profile_line(p: dict[str, Any]) -> str:
    oauth = p.get("oauth")
    if not p["configured"]:
        return translate("cli", "missing %1").replace("%1", ", ".join(p["missing"]))
    if oauth is None:
        return translate("cli", "configured")
    if oauth["authenticated"]:
        if oauth["valid"] and oauth["expires_at"]:
            return translate("cli", "connected, token valid until %1").replace("%1", str(oauth["expires_at"]))
        return translate("cli", "connected")
    return (translate("cli", "reconnect needed: %1 (%2)").replace("%1", shown(oauth["reason"]))
            .replace("%2", oauth["connect_command"]))


def handle_list(args: argparse.Namespace) -> int:
    """Print every tool with its actions and profile statuses."""
    registry, resolver = open_registry(args)
    disabled = disabled_tools(args)
    tools = [tool_summary(e, registry, resolver, disabled) for _, e in sorted(registry.tools.items())]
    if args.json:
        print_json(tools)
        return 0
    for t in tools:
        mark = "✗" if t["error"] else "✓"
        state = translate("cli", "enabled") if t["enabled"] else translate("cli", "disabled")
        oauth = f"  OAuth {t['oauth']['provider']}" if t["oauth"] else ""
        source = {"built-in": translate("cli", "built-in"), "workspace": translate("cli", "workspace")}.get(
            t["source"], t["source"])
        print(f"{mark} {t['name']}  ({source}, {state}){oauth}")
        if t["error"]:
            print("    " + translate("cli", "error: %1").replace("%1", str(shown(t["error"]))))
            continue
        names = [translate("cli", "%1 (in code)").replace("%1", a) if a in t["code_actions"] else a for a in t["actions"]]
        print("    " + translate("cli", "actions: %1").replace("%1", ", ".join(names) or translate("cli", "none")))
        for warning in t["warnings"]:
            print("    " + translate("cli", "note: %1").replace("%1", shown(warning)))
        for p in t["profiles"]:
            print(f"    {p['profile']:<12} {_profile_line(p)}")
            origins = [f"{param} = {origin_text(o)}" for param, o in sorted(p["variables"].items())]
            if origins:
                print(f"    {'':<12} " + translate("cli", "from %1").replace("%1", "; ".join(origins)))
    return 0


def handle_test(args: argparse.Namespace) -> int:
    """Print OK or the reason; exit 0 or 1."""
    registry, resolver = open_registry(args)
    try:
        ok, message = test_tool(registry, resolver, args.tool, args.profile)
    except FlowDeskError as exc:
        ok, message = False, error_line(exc)
    print((translate("cli", "OK ") if ok else translate("cli", "FAIL ")) + shown(message), file=sys.stdout if ok else sys.stderr)
    return 0 if ok else 1
