"""``flowdesk cluster status`` (workers, queue depth, runs by status) and ``flowdesk cluster demo``."""

from __future__ import annotations

import argparse
import json
import os
import sys

from flowdesk.cli.runtime_context import database_from, workspace_from
from flowdesk.cli.table_output import print_table, short_time
from flowdesk.cli.worker_command import add_cluster_options, missing_cluster_libraries
from flowdesk.core.workspace import resolve_data_dir
from flowdesk.i18n.cli_text import shown, status_word, translate


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add ``cluster status`` and ``cluster demo``."""
    p = sub.add_parser("cluster", help=translate("cli", "a FlowDesk cluster: status, or a demo on this machine"))
    actions = p.add_subparsers(dest="cluster_action", metavar="ACTION", required=True)
    status = actions.add_parser("status", parents=[common], help=translate("cli", "workers, queue depth and runs by status"))
    add_cluster_options(status, broker_required=False)
    status.add_argument("--json", action="store_true", help=translate("cli", "machine-readable output"))
    status.set_defaults(handler=handle_status)
    demo = actions.add_parser("demo", parents=[common], help=translate("cli", "embedded Valkey + PostgreSQL, serve and N workers "
                              "on this machine, until Ctrl+C"))
    demo.add_argument("--workers", type=int, default=3, help=translate("cli", "worker processes (default 3)"))
    demo.add_argument("--concurrency", type=int, default=2, help=translate("cli", "runs at once per worker (default 2)"))
    demo.add_argument("--port", type=int, default=int(os.environ.get("FLOWDESK_PORT", 8000)),
                      help=translate("cli", "serve's port (default 8000)"))
    demo.set_defaults(handler=handle_demo)


def handle_status(args: argparse.Namespace) -> int:
    """Print the cluster's state; exit 1 when no worker is alive."""
    if (why := missing_cluster_libraries()) is not None:
        print(f"flowdesk: {why}", file=sys.stderr)
        return 1
    from flowdesk.core.cluster.cluster_status import cluster_status
    from flowdesk.core.cluster.settings import ClusterSettings
    from flowdesk.core.store import open_store

    store = open_store(database_from(args), resolve_data_dir(args.data_dir))
    try:
        status = cluster_status(store, args.broker, ClusterSettings(broker_url=args.broker or "").worker_dead_after)
    finally:
        store.close()
    if args.json:
        print(json.dumps(status.to_dict(), indent=2))
        return 0 if status.alive_workers else 1
    print(translate("cli", "Workers (%1 alive of %2):").replace("%1", str(len(status.alive_workers)))
          .replace("%2", str(len(status.workers))))
    alive, silent = translate("cli", "alive"), translate("cli", "silent")
    print_table([translate("cli", "name"), translate("cli", "host"), translate("cli", "concurrency"),
                 translate("cli", "running"), translate("cli", "last heartbeat"), translate("cli", "state")],
                [[w.name, w.host, w.concurrency, w.running, short_time(w.last_heartbeat), alive if w.alive else silent]
                 for w in status.workers])
    print("\n" + translate("cli", "Queue: %1 queued run(s) in the store, %2 waiting for max_instances")
          .replace("%1", str(status.queued)).replace("%2", str(status.parked)))
    if status.broker_queues is not None:
        print(translate("cli", "Broker: %1").replace(
            "%1", ", ".join(f"{name} {length}" for name, length in status.broker_queues.items())))
    elif status.broker_error:
        print(translate("cli", "Broker: unreachable (%1)").replace("%1", status.broker_error))
    by_status = ", ".join(f"{status_word(k)} {v}" for k, v in status.runs_by_status.items())
    print("\n" + translate("cli", "Runs by status: %1").replace("%1", by_status or translate("cli", "none")))
    return 0 if status.alive_workers else 1


def handle_demo(args: argparse.Namespace) -> int:
    """Run the demo until Ctrl+C."""
    if (why := missing_cluster_libraries()) is not None:
        print(f"flowdesk: {why}", file=sys.stderr)
        return 1
    from flowdesk.core.cluster.demo import ClusterDemo, DemoOptions

    if args.workers < 1 or args.concurrency < 1:
        print("flowdesk: " + translate("cli", "--workers and --concurrency must be at least 1"), file=sys.stderr)
        return 2
    folder = resolve_data_dir(args.data_dir) / "cluster-demo"
    options = DemoOptions(workspace=workspace_from(args).root, folder=folder, workers=args.workers,
                          concurrency=args.concurrency, port=args.port)
    return ClusterDemo(options, localize=shown).run()
