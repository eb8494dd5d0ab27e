"""The long-running FlowDesk service (``flowdesk serve`` and the desktop app): core + scheduler + listener."""

from __future__ import annotations

import asyncio
import logging
import os
from pathlib import Path
from typing import Any

from flowdesk.core.api_token import load_or_create_token, token_path
from flowdesk.core.instance_lock import InstanceLock
from flowdesk.core.store import DatabaseChoice
from flowdesk.core.listener.server import ListenerServer, build_app
from flowdesk.core.private_files import tighten_data_dir
from flowdesk.core.runtime import Runtime
from flowdesk.core.service_settings import RuntimeSettings, ServiceOptions
from flowdesk.core.workspace import Workspace
from flowdesk.core.workspace_watcher import WorkspaceWatcher

log = logging.getLogger(__name__)
HOUSEKEEPING_INTERVAL = 6 * 3600.0


class FlowDeskService:
    """Holds the data-dir lock, the runtime with its scheduler, the listener and the file watcher."""

    def __init__(self, workspace: Workspace, data_dir: Path, options: ServiceOptions | None = None,
                 settings: RuntimeSettings | None = None, *, database: DatabaseChoice | str | None = None) -> None:
        self.options = options or ServiceOptions()
        self.data_dir = data_dir
        self.lock = InstanceLock.for_data_dir(data_dir)
        self.cluster = _cluster_for(self.options)  # scale-out mode (--broker): runs go to cluster workers
        self.runtime = Runtime(workspace, data_dir, settings,
                               dispatcher=self.cluster.dispatcher() if self.cluster is not None else None,
                               database=database)  # None: FLOWDESK_DATABASE_URL, else the data dir's SQLite
        self.runtime.cluster = self.cluster
        self.api_token = ""
        self.listener: ListenerServer | None = None
        self.watcher: WorkspaceWatcher | None = None
        self._housekeeping: asyncio.Task[None] | None = None

    @property
    def token_file(self) -> Path:
        """Where the generated API token lives (unless FLOWDESK_API_TOKEN is set)."""
        return token_path(self.data_dir)

    @property
    def url(self) -> str | None:
        """The listener's base URL once started."""
        return self.listener.url if self.listener else None

    async def start(self) -> None:
        """Lock the data dir (AlreadyRunning if taken), start the core, then listen."""
        tighten_data_dir(self.data_dir)
        self.lock.acquire({"workspace": str(self.runtime.workspace.root)})
        try:
            self.api_token = load_or_create_token(self.data_dir, self.runtime.workspace.env_file)
            if self.options.port:
                # Workers inherit it: a tool's "connect" link then points at this listener's real port.
                os.environ["FLOWDESK_LISTENER_URL"] = f"http://127.0.0.1:{self.options.port}"
            await self.runtime.start(with_scheduler=self.options.scheduler and self.cluster is None)
            if self.cluster is not None:  # its scheduler fires only while this serve leads the cluster
                await self.cluster.start(self.runtime, scheduler=self.options.scheduler)
            app = build_app(self.runtime, self.api_token, host=self.options.host, limits=self.options.listener_limits)
            self.listener = ListenerServer(app, self.options.host, self.options.port)
            await self.listener.start()
            self.lock.update({"workspace": str(self.runtime.workspace.root), "url": self.listener.url})
            self._housekeeping = asyncio.get_running_loop().create_task(self._housekeep(), name="flowdesk-housekeeping")
            if self.options.watch:
                self.watcher = WorkspaceWatcher(self.runtime.workspace.root, lambda _: self.runtime.reload())
                await self.watcher.start()
        except BaseException:
            await self._teardown()
            raise

    async def stop(self) -> list[str]:
        """Stop accepting requests, let runs finish up to the grace period, release the lock."""
        return await self._teardown()

    async def _housekeep(self) -> None:
        """Retention runs at start (in Runtime.start) and then every HOUSEKEEPING_INTERVAL."""
        while True:
            await asyncio.sleep(HOUSEKEEPING_INTERVAL)
            try:
                self.runtime.apply_retention()
            except Exception:  # housekeeping must never stop the service
                log.exception("retention failed")

    async def _teardown(self) -> list[str]:
        left: list[str] = []
        if self._housekeeping is not None:
            self._housekeeping.cancel()
            self._housekeeping = None
        if self.watcher is not None:
            await self.watcher.stop()
            self.watcher = None
        if self.listener is not None:
            await self.listener.stop()
            self.listener = None
        if self.cluster is not None and self.runtime.started:
            await self.cluster.stop()
        if self.runtime.started:
            left = await self.runtime.stop(self.options.grace)
        self.lock.release()
        return left


def _cluster_for(options: ServiceOptions) -> Any:
    """The cluster side of serve when a broker is given (Celery, redis and psycopg load only then)."""
    if not options.broker_url:
        return None
    from flowdesk.core.cluster.serve_host import ClusterServe
    from flowdesk.core.cluster.settings import ClusterSettings

    return ClusterServe(ClusterSettings(broker_url=options.broker_url))
