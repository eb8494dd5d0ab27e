"""``flowdesk serve``: scheduler + HTTP listener without a window; SIGINT/SIGTERM stop it cleanly."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys

from flowdesk.cli.runtime_context import database_from, workspace_from
from flowdesk.cli.worker_command import add_cluster_options, missing_cluster_libraries
from flowdesk.core.instance_lock import AlreadyRunning
from flowdesk.core.api_token import chosen_token
from flowdesk.core.private_files import restrict_umask
from flowdesk.core.service import FlowDeskService
from flowdesk.core.service_log import setup_service_logging
from flowdesk.core.service_settings import DEFAULT_HOST, DEFAULT_PORT, RuntimeSettings, ServiceOptions
from flowdesk.core.workspace import resolve_data_dir
from flowdesk.i18n.cli_text import error_line, shown, translate

log = logging.getLogger("flowdesk.serve")


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the ``serve`` sub-command."""
    p = sub.add_parser("serve", parents=[common], help=translate("cli", "run the scheduler and the HTTP listener without a window"))
    p.add_argument("--host", default=os.environ.get("FLOWDESK_HOST", DEFAULT_HOST),
                   help=translate("cli", "default %1").replace("%1", DEFAULT_HOST))
    p.add_argument("--port", type=int, default=int(os.environ.get("FLOWDESK_PORT", DEFAULT_PORT)),
                   help=translate("cli", "default %1; 0 picks a free port").replace("%1", str(DEFAULT_PORT)))
    p.add_argument("--grace", type=float, default=10.0, help=translate("cli", "seconds running runs get to finish on stop"))
    p.add_argument("--no-watch", action="store_true", help=translate("cli", "do not reload when files under private/ change"))
    add_cluster_options(p, broker_required=False)
    p.set_defaults(handler=handle)


async def serve(service: FlowDeskService) -> int:
    """Start, print where we listen, wait for SIGINT/SIGTERM, stop."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):  # Windows: KeyboardInterrupt ends asyncio.run instead
            pass
    try:
        await service.start()
    except AlreadyRunning as exc:
        print(f"flowdesk: {error_line(exc)}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"flowdesk: {shown(exc.strerror) or exc}", file=sys.stderr)
        return 1
    env_file = service.runtime.workspace.env_file
    if os.environ.get("FLOWDESK_API_TOKEN"):
        token_hint = "FLOWDESK_API_TOKEN"
    elif chosen_token(env_file):
        token_hint = translate("cli", "FLOWDESK_API_TOKEN in %1").replace("%1", str(env_file))
    else:
        token_hint = str(service.token_file)
    reg = service.runtime.registry
    print(translate("cli", "FlowDesk listening on %1  (workspace %2)").replace("%1", str(service.url))
          .replace("%2", str(service.runtime.workspace.root)), flush=True)
    schedules = service.runtime.scheduler.job_count if service.runtime.scheduler else 0
    print(translate("cli", "API token: %1  |  %2 workflows, %3 schedules, %4 broken  |  Ctrl+C to stop")
          .replace("%1", token_hint).replace("%2", str(len(reg.workflows))).replace("%3", str(schedules))
          .replace("%4", str(len(reg.broken_entries()))), flush=True)
    if service.cluster is not None:
        print(translate("cli", "Cluster mode: runs go to the workers of %1").replace("%1", service.cluster.describe()),
              flush=True)
    await stop.wait()
    log.info("stopping: letting running runs finish (up to %.0f s)", service.options.grace)
    left = await service.stop()
    if left:
        log.warning("%d run(s) did not finish in time and were marked interrupted", len(left))
    log.info("stopped")
    return 0


def handle(args: argparse.Namespace) -> int:
    """Run the service until a signal arrives."""
    restrict_umask()  # before the data dir, database and logs exist: they hold run data and tokens
    if args.broker and (why := missing_cluster_libraries()) is not None:
        print(f"flowdesk: {why}", file=sys.stderr)
        return 1
    data_dir = resolve_data_dir(args.data_dir)
    setup_service_logging(data_dir, args.verbose)
    options = ServiceOptions(host=args.host, port=args.port, watch=not args.no_watch, grace=args.grace,
                             broker_url=args.broker or None)
    # With a broker, cluster workers run the runs: no warm engine workers here (imports are still probed).
    settings = RuntimeSettings(warm_workers=0, max_workers=2) if options.broker_url else None
    return asyncio.run(serve(FlowDeskService(workspace_from(args), data_dir, options, settings,
                                             database=database_from(args))))
