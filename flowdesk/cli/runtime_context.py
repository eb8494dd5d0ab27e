"""Open the core for one CLI command and always close it, even on errors."""

from __future__ import annotations

import argparse
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from flowdesk.core.runtime import Runtime
from flowdesk.core.service_settings import RuntimeSettings
from flowdesk.core.workspace import Workspace, resolve_data_dir, resolve_workspace


def workspace_from(args: argparse.Namespace) -> Workspace:
    """The workspace chosen by ``--workspace`` / the environment / the current folder."""
    return resolve_workspace(getattr(args, "workspace", None))


@asynccontextmanager
async def open_runtime(args: argparse.Namespace, **settings: object) -> AsyncIterator[Runtime]:
    """A started Runtime for the duration of a command (small warm pool: one command, few runs)."""
    runtime = Runtime(workspace_from(args), resolve_data_dir(getattr(args, "data_dir", None)),
                      RuntimeSettings(**{"warm_workers": 1, "max_workers": 2, **settings}))
    # One-shot commands run their own runs only; the service takes over what a crash left queued.
    await runtime.start(recover=False)
    try:
        yield runtime
    finally:
        await runtime.stop(grace=5.0)
