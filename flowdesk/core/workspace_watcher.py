"""Hot reload: watch ``private/`` and ``config/.env`` and reload the runtime after edits settle."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path

from watchfiles import DefaultFilter, awatch

log = logging.getLogger(__name__)


class WorkspaceFilter(DefaultFilter):
    """watchfiles' defaults (no __pycache__, .git, editor swap files) minus throw-away scripts and reports."""

    def __init__(self, workspace_root: Path) -> None:
        super().__init__()
        self._temp = str(workspace_root / "private" / "temp")

    def __call__(self, change: object, path: str) -> bool:
        return super().__call__(change, path) and not path.startswith(self._temp)


class WorkspaceWatcher:
    """Calls ``on_change`` once per burst of edits (debounced), on the running loop."""

    def __init__(self, workspace_root: Path, on_change: Callable[[set[str]], None], debounce_ms: int = 300) -> None:
        self.root = workspace_root
        self.on_change = on_change
        self.debounce_ms = debounce_ms
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def _paths(self) -> list[Path]:
        return [p for p in (self.root / "private", self.root / "config") if p.is_dir()]

    async def start(self) -> None:
        """Begin watching (no-op when the workspace has nothing to watch); returns once watches are set."""
        paths = self._paths()
        if paths and self._task is None:
            self._stop.clear()
            self._task = asyncio.get_running_loop().create_task(self._run(paths), name="flowdesk-watcher")
            # awatch creates its inotify/FSEvents watches synchronously on its first step; one turn of the
            # loop runs that step, so edits made right after start() returns are never missed.
            await asyncio.sleep(0)

    async def _run(self, paths: list[Path]) -> None:
        try:
            async for changes in awatch(*paths, watch_filter=WorkspaceFilter(self.root), debounce=self.debounce_ms,
                                        stop_event=self._stop, recursive=True):
                changed = {p for _, p in changes}
                log.info("workspace changed (%d file(s)); reloading", len(changed))
                try:
                    self.on_change(changed)
                except Exception:  # a reload error must not stop the watching
                    log.exception("reload after a workspace change failed")
        except Exception:
            log.exception("workspace watcher stopped; use POST /api/reload after edits")

    async def stop(self) -> None:
        """Stop watching."""
        self._stop.set()
        if self._task is not None:
            try:
                await asyncio.wait_for(self._task, timeout=5)
            except (asyncio.TimeoutError, asyncio.CancelledError):
                self._task.cancel()
            self._task = None
