"""``flowdesk db migrate-to URL``: copy this workstation's run history into a PostgreSQL server's database."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from flowdesk.core.instance_lock import InstanceLock
from flowdesk.core.store import DB_FILENAME, SCHEMA_VERSION, RunStore
from flowdesk.core.store.database_url import DatabaseUrlError, check_url, redact
from flowdesk.core.store.store_copy import BATCH_SIZE, copy_store
from flowdesk.core.workspace import resolve_data_dir
from flowdesk.i18n.cli_text import translate



def _what() -> dict[str, str]:
    """Each copied table as the summary names it."""
    return {"run": translate("cli", "runs"), "run_log": translate("cli", "logs"),
            "job_state": translate("cli", "job states"), "setting": translate("cli", "settings"),
            "idempotency_key": translate("cli", "webhook delivery ids")}


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the ``db`` command group."""
    p = sub.add_parser("db", help=translate("cli", "the run database: copy a workstation's history to a server"))
    actions = p.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    m = actions.add_parser("migrate-to",
                           help=translate("cli", "copy runs (with logs), job state and settings from the data dir's SQLite store "
                                "into a PostgreSQL database (created or upgraded); safe to run again"))
    m.add_argument("url", metavar="URL", help=translate("cli", "postgresql://user:password@host:5432/dbname"))
    m.add_argument("--data-dir", metavar="DIR", help=translate("cli", "the workstation's data dir (default: $FLOWDESK_DATA_DIR, "
                   "else the user data dir)"))
    m.add_argument("-v", "--verbose", action="store_true", help=translate("cli", "log debug details to stderr"))
    m.add_argument("--batch-size", type=int, default=BATCH_SIZE, help=translate("cli", "runs per transaction (default %1)").replace("%1", str(BATCH_SIZE)))
    m.set_defaults(handler=handle_migrate_to)


def handle_migrate_to(args: argparse.Namespace) -> int:
    """Copy, printing progress and what was copied; a second run copies only what is new."""
    url = check_url(args.url, "flowdesk db migrate-to URL")
    if args.batch_size < 1:
        raise DatabaseUrlError(translate("cli", "--batch-size must be at least 1"))
    data_dir = resolve_data_dir(args.data_dir)
    path = data_dir / DB_FILENAME
    if not path.is_file():
        raise DatabaseUrlError(translate("cli", "%1: no SQLite store to copy (choose the data dir with --data-dir)")
                               .replace("%1", str(path)))
    # Held while copying: a FlowDesk still writing runs here would leave the copy behind.
    lock = InstanceLock.for_data_dir(data_dir)
    lock.acquire({"command": "db migrate-to"})
    try:
        return _copy(path, url)
    finally:
        lock.release()


def _schema_line(label: str, before: int) -> str:
    if before == SCHEMA_VERSION:
        line = translate("cli", "%1: schema v%2")
    elif before:
        line = translate("cli", "%1: schema v%3 -> v%2")
    else:
        line = translate("cli", "%1: created at schema v%2")
    return line.replace("%1", label).replace("%2", str(SCHEMA_VERSION)).replace("%3", str(before))


def _copy(path: Path, url: str) -> int:
    started = time.monotonic()
    source = RunStore(path)
    try:
        target = RunStore(url, source="flowdesk db migrate-to URL")
        try:
            print(translate("cli", "Copying %1 into %2").replace("%1", str(path)).replace("%2", redact(url)), flush=True)
            source_line = _schema_line(translate("cli", "source"), source.schema_before)
            target_line = _schema_line(translate("cli", "target"), target.schema_before)
            print(f"  {source_line}; {target_line}", flush=True)
            last = [0.0]

            def progress(read: int, total: int, new: int) -> None:
                now = time.monotonic()
                if read == total or now - last[0] >= 1.0:  # a line a second at most, and the last one
                    last[0] = now
                    print("  " + translate("cli", "runs: %1/%2 read, %3 new").replace("%1", str(read))
                          .replace("%2", str(total)).replace("%3", str(new)), flush=True)

            report = copy_store(source, target, progress)
        finally:
            target.close()
    finally:
        source.close()
    for table, label in _what().items():
        read, copied = report.read.get(table, 0), report.copied.get(table, 0)
        print(translate("cli", "%1: %2 copied, %3 already there").replace("%1", label).replace("%2", str(copied))
              .replace("%3", str(read - copied)))
    print(translate("cli", "done in %1 s").replace("%1", f"{time.monotonic() - started:.1f}"))
    return 0
