"""``flowdesk run NAME``: one run, printed as its JSON record; exit 0 only on success."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from flowdesk.cli.runtime_context import open_runtime
from flowdesk.cli.table_output import print_json
from flowdesk.core.errors import FlowDeskError, InputValidationError
from flowdesk.core.run_service import RunRequest
from flowdesk.core.runtime import Runtime
from flowdesk.i18n.cli_text import shown, translate


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the ``run`` sub-command."""
    p = sub.add_parser("run", parents=[common], help=translate("cli", "run a workflow once and print the run record as JSON"),
                       description=translate("cli", "Run a workflow once. Input comes from --data (a JSON object, or @file.json) "
                       "and -p key=value pairs (repeat a key for a list); -p wins over --data."))
    p.add_argument("name", help=translate("cli", "workflow folder name (or its display name)"))
    p.add_argument("--data", metavar="JSON", help=translate("cli", 'input as a JSON object, e.g. \'{"name": "Ada"}\', or @path.json'))
    p.add_argument("-p", "--param", action="append", default=[], metavar="KEY=VALUE", help=translate("cli", "one input value"))
    p.add_argument("--no-log", action="store_true", help=translate("cli", "leave the captured log out of the printed record"))
    p.add_argument("--force", action="store_true", help=translate("cli", 'run it even if its config.json says "active": false'))
    p.set_defaults(handler=handle)


def parse_data(value: str | None) -> dict[str, Any]:
    """``--data``: a JSON object given inline or as ``@file``."""
    if not value:
        return {}
    text = Path(value[1:]).read_text(encoding="utf-8") if value.startswith("@") else value
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FlowDeskError(translate("cli", "--data: invalid JSON at line %1 column %2: %3").replace("%1", str(exc.lineno))
                            .replace("%2", str(exc.colno)).replace("%3", exc.msg)) from None
    if not isinstance(data, dict):
        raise FlowDeskError(translate("cli", "--data: must be a JSON object"))
    return data


def parse_params(pairs: list[str]) -> dict[str, Any]:
    """``-p key=value`` pairs; a repeated key becomes a list."""
    out: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise FlowDeskError(translate("cli", "-p %1: expected KEY=VALUE").replace("%1", repr(pair)))
        key = key.strip()
        if key in out:
            out[key] = [*out[key], value] if isinstance(out[key], list) else [out[key], value]
        else:
            out[key] = value
    return out


def inactive_refusal(runtime: Runtime, name: str) -> str | None:
    """Why ``flowdesk run NAME`` without ``--force`` refuses: the workflow is switched off; None when it may run."""
    entry = runtime.registry.workflow(name)  # NotFound: reported as any other FlowDesk error
    if entry.config is None or entry.config.active:
        return None  # a broken workflow gets its own, more precise error from the run service
    return (translate("cli", 'workflow %1 is inactive ("active": false in %2); run it anyway with: flowdesk run %3 --force')
            .replace("%1", repr(entry.slug)).replace("%2", str(entry.config_path)).replace("%3", entry.slug))


async def _run(args: argparse.Namespace, data: dict[str, Any], source: str) -> int:
    async with open_runtime(args, max_workers=1) as runtime:
        refusal = None if args.force else inactive_refusal(runtime, args.name)
        if refusal:
            print(f"flowdesk: {refusal}", file=sys.stderr)
            return 1
        try:
            record = await runtime.runs.run(RunRequest(args.name, data, trigger="manual", source=source))
        except InputValidationError as exc:
            print("flowdesk: " + translate("cli", "invalid input for workflow %1:").replace("%1", repr(args.name)), file=sys.stderr)
            for field, message in exc.errors.items():
                print("  " + translate("cli", "%1: %2").replace("%2", shown(message)).replace("%1", field), file=sys.stderr)
            return 2
    print_json(record.to_dict(include_log=not args.no_log))
    return 0 if record.status == "success" else 1


def handle(args: argparse.Namespace) -> int:
    """Run the workflow and print its record."""
    data = parse_data(args.data)
    params = parse_params(args.param)
    data.update(params)
    return asyncio.run(_run(args, data, "cli" if params else "json"))
