"""Open the core for one CLI command and always close it, even on errors."""

from __future__ import annotations

import argparse
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from flowdesk.core.runtime import Runtime
from flowdesk.core.service_settings import RuntimeSettings
from flowdesk.core.store import DatabaseChoice, RunStore, open_store, resolve_database_url
from flowdesk.core.workspace import Workspace, resolve_data_dir, resolve_workspace


def workspace_from(args: argparse.Namespace) -> Workspace:
    """The workspace chosen by ``--workspace`` / the environment / the current folder."""
    return resolve_workspace(getattr(args, "workspace", None))


def database_from(args: argparse.Namespace) -> DatabaseChoice:
    """The run database chosen by ``--database`` / ``$FLOWDESK_DATABASE_URL`` (url None: the data dir's SQLite)."""
    return resolve_database_url(getattr(args, "database", None), os.environ)


def open_store_from(args: argparse.Namespace) -> RunStore:
    """The run store a command reads and writes (``--database``, the environment, else the data dir's SQLite)."""
    return open_store(database_from(args), resolve_data_dir(getattr(args, "data_dir", None)))


@asynccontextmanager
async def open_runtime(args: argparse.Namespace, **settings: object) -> AsyncIterator[Runtime]:
    """A started Runtime for the duration of a command (small warm pool: one command, few runs)."""
    runtime = Runtime(workspace_from(args), resolve_data_dir(getattr(args, "data_dir", None)),
                      RuntimeSettings(**{"warm_workers": 1, "max_workers": 2, **settings}),
                      database=database_from(args))
    # One-shot commands run their own runs only; the service takes over what a crash left queued.
    await runtime.start(recover=False)
    try:
        yield runtime
    finally:
        await runtime.stop(grace=5.0)
