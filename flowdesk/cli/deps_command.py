"""``flowdesk deps``: what the workspace's requirement files need and lack; ``deps install`` installs it."""

from __future__ import annotations

import argparse
import asyncio
import sys

from flowdesk.cli.inspect_commands import kind_word
from flowdesk.cli.runtime_context import workspace_from
from flowdesk.cli.table_output import print_json
from flowdesk.core.terminal_text import terminal_safe
from flowdesk.core.workspace import resolve_data_dir
from flowdesk.core.workspace_deps import DepsReport, InstallProgress, dependency_report, install_dependencies
from flowdesk.i18n.cli_text import shown, translate

MARKS = {"ok": "✓", "missing": "✗", "conflict": "!"}


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the ``deps`` sub-command (``deps`` lists, ``deps install`` installs)."""
    p = sub.add_parser("deps", parents=[common], help=translate("cli", "workspace requirements: what is missing; `deps install` "
                       "installs it into the workspace's own environment"))
    p.add_argument("action", nargs="?", choices=["install"], help=translate("cli", "install what is missing"))
    p.add_argument("--json", action="store_true", help=translate("cli", "machine-readable output (the listing)"))
    p.set_defaults(handler=handle)


def _env_line(report: DepsReport) -> str:
    if report.key is None:
        return translate("cli", "no requirement files")
    if report.env is None:
        return translate("cli", "environment: none installed yet")
    state = translate("cli", "current") if report.env.key == report.key else \
        translate("cli", "the previous one: the requirements changed since")
    return translate("cli", "environment: %1 (%2)").replace("%1", str(report.env.root)).replace("%2", state)


def print_report(report: DepsReport) -> None:
    """Per tool and workflow: its requirement file and each requirement's state."""
    print(translate("cli", "Workspace %1: %2").replace("%1", str(report.workspace.root)).replace("%2", _env_line(report)))
    by_file = {}
    for status in report.statuses:
        by_file.setdefault(status.declared.file, []).append(status)
    bundled = translate("cli", "bundled")
    for f in report.files:
        print(f"\n{kind_word(f.kind)} {f.owner}  {f.path}")
        for error in f.errors:
            print(f"  ✗ {shown(error)}")
        for s in by_file.get(f.path, []):
            if s.state == "ok":
                where = "FlowDesk" if s.source == "flowdesk" else translate("cli", "workspace env")
                detail = f"{s.installed or bundled} ({where})"
            elif s.state == "missing":
                detail = translate("cli", "missing dependency %1 (%2)").replace("%1", s.import_name).replace(
                    "%2", s.package) + (translate("cli", ", %1 installed").replace("%1", s.installed) if s.installed else "")
            else:
                detail = (translate("cli", "FlowDesk's own %1 %2 is imported first and does not satisfy it")
                          .replace("%1", s.package).replace("%2", str(s.installed)))
            print(f"  {MARKS[s.state]} {s.declared.text:<32} {detail}")
    missing = len(report.missing)
    if missing:
        print("\n" + translate("cli", "%1 missing: run `flowdesk deps install`").replace("%1", str(missing)))
    elif report.key is not None and not report.problems():
        print("\n" + translate("cli", "Everything is installed."))


def _progress_line(event: InstallProgress) -> None:
    print(f"[{event.fraction:4.0%}] {terminal_safe(shown(event.message))}", flush=True)


def handle(args: argparse.Namespace) -> int:
    """List (exit 1 when something is missing or unusable), or install then list what is still wrong."""
    workspace = workspace_from(args)
    data_dir = resolve_data_dir(getattr(args, "data_dir", None))
    if args.action == "install":
        result = asyncio.run(install_dependencies(workspace, data_dir, _progress_line))
        if result.installed:
            print(translate("cli", "Installed %1").replace("%1", ", ".join(result.installed)))
        if result.env is not None and not result.nothing_to_do:
            print(translate("cli", "Lock: %1").replace("%1", str(result.env.lock_path)))
        for line in result.left_out:
            print(translate("cli", "not installed: %1").replace("%1", shown(line)), file=sys.stderr)
    report = dependency_report(workspace, data_dir)
    if args.json:
        print_json(report.to_json())
    elif args.action != "install":
        print_report(report)
    else:
        for lines in report.problems().values():
            for line in lines:
                print(shown(line), file=sys.stderr)
    return 1 if report.problems() else 0
