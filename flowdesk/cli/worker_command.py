"""``flowdesk worker``: run queued runs of a FlowDesk cluster on this machine (Celery over Redis/Valkey)."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from typing import Any

from flowdesk.cli.runtime_context import database_from, workspace_from
from flowdesk.core.private_files import restrict_umask
from flowdesk.core.workspace import resolve_data_dir
from flowdesk.i18n.cli_text import translate

log = logging.getLogger("flowdesk.worker")


def add_cluster_options(parser: argparse.ArgumentParser, *, broker_required: bool) -> None:
    """``--broker URL`` (``--database`` is a common option of every command)."""
    parser.add_argument("--broker", metavar="URL", default=os.environ.get("FLOWDESK_BROKER_URL"),
                        required=broker_required and not os.environ.get("FLOWDESK_BROKER_URL"),
                        help=translate("cli", "Redis/Valkey URL of the cluster's broker, e.g. redis://host:6379/0 "
                             "(default: $FLOWDESK_BROKER_URL)"))


def missing_cluster_libraries() -> str | None:
    """Why the cluster mode cannot run here (its libraries are an extra, not in the desktop bundle), or None."""
    import importlib.util

    missing = [name for name in ("flowdesk.core.cluster", "celery", "redis", "psycopg")
               if importlib.util.find_spec(name) is None]
    if not missing:
        return None
    return translate("cli", "the cluster mode needs %1: pip install 'flowdesk[cluster]' "
                     "(the desktop bundle does not carry them)").replace("%1", ", ".join(missing))


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the ``worker`` sub-command."""
    p = sub.add_parser("worker", parents=[common], help=translate("cli", "run queued runs of a FlowDesk cluster on this machine"))
    add_cluster_options(p, broker_required=True)
    p.add_argument("--concurrency", type=int, default=int(os.environ.get("FLOWDESK_WORKER_CONCURRENCY", 4)),
                   help=translate("cli", "runs at once on this worker (default 4)"))
    p.add_argument("--name", default=os.environ.get("FLOWDESK_WORKER_NAME", ""),
                   help=translate("cli", "worker name shown by `flowdesk cluster status` (default <host>-<pid>)"))
    p.add_argument("--grace", type=float, default=10.0,
                   help=translate("cli", "seconds running runs get to finish on SIGTERM before they end interrupted (and retry)"))
    p.add_argument("--events", action="store_true", help=translate("cli", "send Celery task events from the start (Flower "
                   "turns them on by itself when it connects)"))
    p.set_defaults(handler=handle)


def _ready(process: Any) -> None:
    o = process.options
    from flowdesk.core.store.database_url import redact

    database = redact(o.database_url) if o.database_url else translate("cli", "SQLite in %1").replace("%1", str(o.data_dir))
    print(translate("cli", "FlowDesk worker %1 ready: concurrency %2, broker %3, database %4, workspace %5  |  Ctrl+C to stop")
          .replace("%1", str(process.name)).replace("%2", str(o.concurrency)).replace("%3", redact(o.settings.broker_url))
          .replace("%4", database).replace("%5", str(o.workspace.root)), flush=True)


def handle(args: argparse.Namespace) -> int:
    """Run a worker until SIGINT/SIGTERM."""
    restrict_umask()
    if (why := missing_cluster_libraries()) is not None:
        print(f"flowdesk: {why}", file=sys.stderr)
        return 1
    if args.concurrency < 1:
        print("flowdesk: " + translate("cli", "--concurrency must be at least 1"), file=sys.stderr)
        return 2
    from flowdesk.core.cluster.settings import ClusterSettings
    from flowdesk.core.cluster.worker_process import WorkerOptions, WorkerProcess

    logging.getLogger("flowdesk").setLevel(logging.DEBUG if args.verbose else logging.INFO)
    settings = ClusterSettings(broker_url=args.broker)
    options = WorkerOptions(workspace=workspace_from(args), data_dir=resolve_data_dir(args.data_dir),
                            settings=settings, database_url=database_from(args).url,
                            concurrency=args.concurrency, name=args.name, grace=args.grace,
                            loglevel="DEBUG" if args.verbose else "WARNING")
    process = WorkerProcess(options)
    if args.events:
        process.app.conf.worker_send_task_events = True
    return process.run(on_ready=_ready)
