"""The core on its own thread and asyncio loop; everything it reports reaches the GUI thread as signals."""

from __future__ import annotations

import asyncio
import inspect
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from flowdesk.core.engine import RunEvent
from flowdesk.core.runtime import Runtime, RuntimeSettings
from flowdesk.core.service import FlowDeskService, ServiceOptions
from flowdesk.core.workspace import Workspace
from flowdesk.gui.qt import QObject, Signal, Slot

log = logging.getLogger(__name__)

Callback = Callable[[Any], None]


class CoreBridge(QObject):
    """Runs FlowDeskService (runtime, scheduler, listener) on a core thread.

    Qt objects are only touched on the GUI thread: the core thread emits signals, which Qt
    queues to this object's (GUI) thread; ``submit`` hands work to the core loop and calls
    back on the GUI thread with the result.
    """

    started = Signal(str)  # listener URL
    start_failed = Signal(str)
    stopped = Signal()
    run_event = Signal(object)  # flowdesk.core.engine.RunEvent
    reloaded = Signal(object)  # ReloadReport
    _deliver = Signal(object, object)  # (callback, value), to call on the GUI thread

    def __init__(self, workspace: Workspace, data_dir: Path, options: ServiceOptions | None = None,
                 settings: RuntimeSettings | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.service = FlowDeskService(workspace, data_dir, options, settings)
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._thread_main, name="flowdesk-core", daemon=True)
        self._deliver.connect(self._on_deliver)
        self.running = False

    @property
    def runtime(self) -> Runtime:
        """The runtime; read-only use from the GUI thread (store reads, registry snapshots)."""
        return self.service.runtime

    @property
    def url(self) -> str | None:
        """The listener's base URL once started."""
        return self.service.url

    @property
    def api_token(self) -> str:
        """The token interfaces are opened with."""
        return self.service.api_token

    def start(self) -> None:
        """Start the core thread; ``started`` or ``start_failed`` follows."""
        self._thread.start()

    def _thread_main(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_until_complete(self.service.start())
        except BaseException as exc:  # noqa: BLE001 - reported to the GUI, never raised into Qt
            log.exception("core failed to start")
            self.start_failed.emit(str(exc))
            self.loop.close()
            return
        self.running = True
        self.runtime.subscribe(self.run_event.emit)
        self.runtime.subscribe_reload(self.reloaded.emit)
        self.started.emit(self.url or "")
        self.loop.run_forever()
        self.loop.close()

    def submit(self, fn: Callable[[Runtime], Any], on_result: Callback | None = None,
               on_error: Callback | None = None) -> Future:
        """Run ``fn(runtime)`` (plain or async) on the core loop; callbacks run on the GUI thread."""
        done: Future = Future()

        async def job() -> None:
            try:
                value = fn(self.runtime)
                if inspect.isawaitable(value):
                    value = await value
            except Exception as exc:  # noqa: BLE001 - handed to on_error
                done.set_exception(exc)
                if on_error is not None:
                    self._deliver.emit(on_error, exc)
                else:
                    log.error("core call failed: %s", exc)
                return
            done.set_result(value)
            if on_result is not None:
                self._deliver.emit(on_result, value)

        self.loop.call_soon_threadsafe(lambda: self.loop.create_task(job()))
        return done

    @Slot(object, object)
    def _on_deliver(self, callback: Callback, value: Any) -> None:
        try:
            callback(value)
        except Exception:  # a view's callback must not take the app down
            log.exception("GUI callback failed")

    def stop(self, timeout: float = 30.0) -> None:
        """Stop the service (runs get the grace period), then the loop and the thread."""
        if self.running:
            try:
                asyncio.run_coroutine_threadsafe(self.service.stop(), self.loop).result(timeout)
            except Exception:  # noqa: BLE001 - shutting down regardless
                log.exception("core did not stop cleanly")
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(timeout)
            self.running = False
        self.stopped.emit()


__all__ = ["CoreBridge", "RunEvent"]
