"""``flowdesk new workflow|tool|interface NAME``: scaffold a working folder."""

from __future__ import annotations

import argparse

from flowdesk.cli.runtime_context import workspace_from
from flowdesk.core.scaffold import CREATORS
from flowdesk.i18n.cli_text import translate


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the ``new`` sub-command."""
    p = sub.add_parser("new", parents=[common], help=translate("cli", "create a working workflow, tool or interface folder"))
    p.add_argument("kind", choices=sorted(CREATORS), help=translate("cli", "what to create"))
    p.add_argument("name", help=translate("cli", "folder name: letters, digits and underscores"))
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Create the folder and say how to use it."""
    ws = workspace_from(args)
    folder = CREATORS[args.kind](ws, args.name)
    print(translate("cli", "created %1").replace("%1", str(folder)))
    hints = {
        "workflow": translate("cli", "run it: flowdesk run %1").replace("%1", folder.name),
        "tool": translate("cli", "test it: flowdesk tools test %1 --profile DEFAULT").replace("%1", folder.name),
        "interface": translate("cli", "open it from the app, or at its route once `flowdesk serve` runs"),
    }
    print(hints[args.kind])
    return 0
