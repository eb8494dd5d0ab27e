"""``flowdesk runs [NAME]``: run history, newest first; ``--id`` shows one run with its log."""

from __future__ import annotations

import argparse

from flowdesk.cli.runtime_context import open_store_from
from flowdesk.cli.table_output import print_json, print_table, short_time
from flowdesk.core.errors import NotFound
from flowdesk.core.store import STATUSES, TRIGGERS
from flowdesk.i18n.cli_text import run_line, status_word, translate


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the ``runs`` sub-command."""
    p = sub.add_parser("runs", parents=[common], help=translate("cli", "run history (newest first)"))
    p.add_argument("name", nargs="?", help=translate("cli", "only this workflow"))
    p.add_argument("--status", choices=STATUSES, help=translate("cli", "only runs with this status"))
    p.add_argument("--trigger", choices=TRIGGERS, help=translate("cli", "only runs started this way"))
    p.add_argument("--limit", type=int, default=20, help=translate("cli", "how many (default 20)"))
    p.add_argument("--id", dest="run_id", help=translate("cli", "show one run in full, with its log"))
    p.add_argument("--json", action="store_true", help=translate("cli", "machine-readable output"))
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Print runs as a table or JSON."""
    store = open_store_from(args)
    try:
        if args.run_id:
            record = store.get(args.run_id, include_log=True)
            if record is None:
                raise NotFound(translate("cli", "run %1 not found").replace("%1", repr(args.run_id)))
            print_json(record.to_dict(include_log=True))
            return 0
        runs = store.list_runs(workflow=args.name, status=args.status, trigger=args.trigger, limit=args.limit)
        if args.json:
            print_json([r.to_dict() for r in runs])
            return 0
        if not runs:
            print(translate("cli", "No runs yet. Start one with: flowdesk run %1").replace("%1", args.name or "NAME"))
            return 0
        print_table([translate("cli", "id"), translate("cli", "workflow"), translate("cli", "trigger"),
                     translate("cli", "status"), translate("cli", "started"), translate("cli", "duration"),
                     translate("cli", "message")], [
            [r.id[:12], r.workflow, r.trigger, status_word(r.status), short_time(r.started_at or r.queued_at),
             f"{r.duration:.2f}s" if r.duration is not None else "",
             run_line(r.message or r.error or "")[:60].replace("\n", " ")]
            for r in runs])
        return 0
    finally:
        store.close()
