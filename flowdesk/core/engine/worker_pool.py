"""The pool of worker processes: a few kept warm, more on demand, stale or worn ones retired."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

from flowdesk.core.engine.code_version import CodeVersion
from flowdesk.core.engine.stale_workers import WorkerPidFile
from flowdesk.core.engine.worker_handle import WorkerHandle, WorkerStartError

log = logging.getLogger(__name__)


class WorkerPool:
    """Hands out workers whose imports match the code on disk; never more than ``max_workers`` at once.

    The engine limits how many runs are in flight to ``max_workers``, so :meth:`acquire` always
    finds an idle worker or room for a new one (stale idle workers make room by retiring).
    """

    def __init__(self, workspace_root: Path, *, max_workers: int = 4, warm_workers: int = 2,
                 idle_timeout: float = 60.0, max_runs: int = 500, extra_env: dict[str, str] | None = None,
                 pid_file: WorkerPidFile | None = None) -> None:
        self.workspace_root = workspace_root
        self._pid_file = pid_file
        self.max_workers = max(1, max_workers)
        self.warm_workers = max(0, min(warm_workers, self.max_workers))
        self.idle_timeout = idle_timeout
        self.max_runs = max_runs
        self._extra_env = extra_env or {}
        self._workers: list[WorkerHandle] = []  # live ones: starting, idle or busy
        self._leaving: set[WorkerHandle] = set()  # retiring, probing or dying: not counted, still reaped
        self._tasks: set[asyncio.Task[Any]] = set()
        self._changed = asyncio.Event()
        self._reaper: asyncio.TimerHandle | None = None
        self._closed = False

    # -- life cycle ---------------------------------------------------------------------------
    async def start(self) -> None:
        """Spawn the warm workers and wait until they answer."""
        self._schedule_reaper()
        await asyncio.gather(*(self._start_handle(self._new_handle()) for _ in range(self.warm_workers)))

    async def close(self) -> None:
        """Kill and reap every worker, including those on their way out or still starting."""
        self._closed = True
        if self._reaper is not None:
            self._reaper.cancel()
        for _ in range(5):  # cancelled start-ups schedule their own clean-up: go round until quiet
            everyone = [*self._workers, *self._leaving]
            if not everyone and not self._tasks:
                break
            self._workers.clear()
            for w in everyone:
                w.kill()
            await asyncio.gather(*(w.close() for w in everyone), return_exceptions=True)
            self._leaving.difference_update(everyone)
            for task in list(self._tasks):
                task.cancel()
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
        self._notify()

    @property
    def workers(self) -> list[WorkerHandle]:
        """The live workers (a copy), for tests and diagnostics."""
        return list(self._workers)

    # -- handing out ------------------------------------------------------------------------------
    async def acquire(self, slug: str, version: CodeVersion) -> WorkerHandle:
        """An idle worker that may run ``slug`` at ``version``; marks it busy."""
        claimed: WorkerHandle | None = None
        try:
            while True:
                if self._closed:
                    raise WorkerStartError("the worker pool is closed")
                if claimed is not None:
                    if claimed.start_error is not None:
                        raise WorkerStartError(str(claimed.start_error))
                    if claimed in self._workers and claimed.state == "idle":
                        return self._take(claimed, slug, version)
                    if claimed.state == "starting" or claimed.died_while == "starting":
                        await self._changed_wait()  # _start_handle() will say how it went
                        continue
                    claimed = None  # somebody else got it first: look again
                w, stale = self._pick_idle(slug, version)
                if w is not None:
                    return self._take(w, slug, version)
                if stale is not None and len(self._workers) >= self.max_workers:
                    self._retire(stale)  # recycling instead of reloading: no stale helper survives
                claimed = next((w for w in self._workers if w.state == "starting" and not w.claimed), None)
                if claimed is None and len(self._workers) < self.max_workers:
                    claimed = self._new_handle()
                    self._background(self._start_handle(claimed))
                if claimed is not None:
                    claimed.claimed = True
                    continue
                await self._changed_wait()
        except BaseException:
            if claimed is not None:
                claimed.claimed = False
            raise

    def _pick_idle(self, slug: str, version: CodeVersion) -> tuple[WorkerHandle | None, WorkerHandle | None]:
        """(best idle worker for this code, an idle worker holding other code) - either may be None."""
        fallback: WorkerHandle | None = None
        stale: WorkerHandle | None = None
        for w in self._workers:
            if w.state != "idle" or not w.alive:
                continue
            if w.tools_version not in (None, version.tools) or w.loaded.get(slug, version.workflow) != version.workflow:
                stale = stale or w
            elif slug in w.loaded:
                return w, None  # its import is warm
            elif fallback is None:
                fallback = w
        return fallback, stale

    def _take(self, w: WorkerHandle, slug: str, version: CodeVersion) -> WorkerHandle:
        w.state = "busy"
        w.claimed = False
        w.loaded[slug] = version.workflow
        if w.tools_version is None:
            w.tools_version = version.tools
        return w

    def release(self, w: WorkerHandle, retire: bool = False) -> None:
        """Give a worker back after a request; worn, dirty or dead ones are replaced."""
        if retire or not w.alive or w.runs_done >= self.max_runs or self._closed:
            self._retire(w)
        else:
            w.state = "idle"
            w.idle_since = time.monotonic()
        self._notify()

    async def take_for_probe(self) -> WorkerHandle:
        """A worker that leaves the pool for good (a probe leaves its imports behind)."""
        idle = [w for w in self._workers if w.state == "idle" and w.alive]
        if idle:
            w = min(idle, key=lambda w: len(w.loaded))  # spare the warmest caches
            self._workers.remove(w)
            self._leaving.add(w)
        else:
            w = WorkerHandle(self.workspace_root, self._on_exit, self._extra_env, self._on_spawn)
            self._leaving.add(w)
            try:
                await w.start()
            except BaseException:
                self._leaving.discard(w)
                self._background(w.close())
                raise
        w.state = "busy"
        self._ensure_warm()
        return w

    def discard(self, w: WorkerHandle) -> None:
        """Retire a worker that was taken out with take_for_probe."""
        self._retire(w)

    # -- internals ----------------------------------------------------------------------------------
    def _new_handle(self) -> WorkerHandle:
        # Counted at once (before it is up) so concurrent callers never overshoot max_workers.
        w = WorkerHandle(self.workspace_root, self._on_exit, self._extra_env, self._on_spawn)
        w.state = "starting"
        self._workers.append(w)
        return w

    async def _start_handle(self, w: WorkerHandle) -> None:
        """Bring a counted handle up; a failure is recorded on it (for whoever claimed it), not raised."""
        try:
            await w.start()
        except BaseException as exc:  # noqa: BLE001 - cancellation during close() included
            w.start_error = exc if isinstance(exc, Exception) else WorkerStartError("start-up cancelled")
            if w in self._workers:
                self._workers.remove(w)
            self._leaving.add(w)
            self._background(w.close(), lambda: self._leaving.discard(w))
            if not w.claimed and not self._closed:
                log.warning("could not start a worker: %s", w.start_error)
        self._notify()

    def _retire(self, w: WorkerHandle) -> None:
        if w in self._workers:
            self._workers.remove(w)
        if w in self._leaving and w.state == "retiring":
            return
        self._leaving.add(w)
        self._background(w.retire(), lambda: self._leaving.discard(w))
        self._ensure_warm()

    def _on_spawn(self, w: WorkerHandle) -> None:
        if self._pid_file is not None and w.pid is not None:
            self._pid_file.add(w.pid)

    def _on_exit(self, w: WorkerHandle) -> None:
        if self._pid_file is not None and w.pid is not None:
            self._pid_file.remove(w.pid)
        # A worker died on its own while idle: it no longer counts, a new one is warmed. Busy ones
        # are handled by release(), starting ones by _start_handle() (which records the error).
        if w in self._workers and w.died_while == "idle":
            self._workers.remove(w)
            self._leaving.add(w)
            self._background(w.close(), lambda: self._leaving.discard(w))
            self._ensure_warm()
        self._notify()

    def _ensure_warm(self) -> None:
        if self._closed:
            return
        missing = self.warm_workers - len(self._workers)
        for _ in range(max(0, missing)):
            self._background(self._start_handle(self._new_handle()))

    def _background(self, coro: Coroutine[Any, Any, Any], done: Any = None) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)

        def finished(t: asyncio.Task[Any]) -> None:
            self._tasks.discard(t)
            if not t.cancelled() and t.exception() is not None and not self._closed:
                log.warning("worker housekeeping failed: %s", t.exception())
            if done is not None:
                done()

        task.add_done_callback(finished)

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def _changed_wait(self) -> None:
        await self._changed.wait()

    def _schedule_reaper(self) -> None:
        if not self._closed:
            interval = max(0.05, min(10.0, self.idle_timeout / 4))
            self._reaper = asyncio.get_running_loop().call_later(interval, self._reap_idle)

    def _reap_idle(self) -> None:
        """Retire workers beyond the warm count that sat idle longer than ``idle_timeout``."""
        now = time.monotonic()
        idle = sorted((w for w in self._workers if w.state == "idle"), key=lambda w: w.idle_since)
        for w in idle:
            if len(self._workers) <= self.warm_workers:
                break
            if now - w.idle_since >= self.idle_timeout:
                self._retire(w)
        self._schedule_reaper()
