"""The core on its own thread and asyncio loop; everything it reports reaches the GUI thread as signals."""

from __future__ import annotations

import copy
import inspect
import itertools
import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from typing import TYPE_CHECKING

from flowdesk.core.service_settings import RuntimeSettings, ServiceOptions
from flowdesk.core.workspace import Workspace
from flowdesk.gui.qt import QObject, Signal, Slot

if TYPE_CHECKING:
    import asyncio
    from concurrent.futures import Future

    from flowdesk.core.runtime import Runtime
    from flowdesk.core.service import FlowDeskService

log = logging.getLogger(__name__)


def start_failure_text(exc: BaseException) -> str:
    """Why the core could not start, in the window's language (QCoreApplication.translate is thread-safe)."""
    from flowdesk.gui.i18n import core_text, error_text

    if isinstance(exc, OSError) and isinstance(exc.strerror, str) and hasattr(exc.strerror, "template"):
        return str(core_text(exc.strerror))  # "cannot listen on …", without the "[Errno 98]" prefix
    return error_text(exc)

Callback = Callable[[Any], None]


class CoreBridge(QObject):
    """Runs FlowDeskService (runtime, scheduler, listener) on a core thread.

    Qt objects are only touched on the GUI thread: the core thread emits signals, which Qt
    queues to this object's (GUI) thread; ``submit`` hands work to the core loop and calls
    back on the GUI thread with the result. The service (aiohttp, APScheduler, google-auth...)
    is imported and built on the core thread, and the app calls ``start`` once the window has
    painted, so none of it (asyncio included) competes with the first paint.
    """

    started = Signal(str)  # listener URL
    start_failed = Signal(str)
    stopped = Signal()
    run_event = Signal(object)  # flowdesk.core.engine.RunEvent
    reloaded = Signal(object)  # ReloadReport
    _deliver = Signal(int, bool, object)  # (ticket, ok, value), handled on the GUI thread

    def __init__(self, workspace: Workspace, data_dir: Path, options: ServiceOptions | None = None,
                 settings: RuntimeSettings | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.data_dir = data_dir
        self._args = (workspace, data_dir, options, settings)
        self.service: FlowDeskService | None = None
        self.loop: asyncio.AbstractEventLoop | None = None  # created by start()
        self._thread = threading.Thread(target=self._thread_main, name="flowdesk-core", daemon=True)
        self._deliver.connect(self._on_deliver)
        self._tickets = itertools.count(1)
        self._pending: dict[int, tuple[Callable[..., Any], Callback | None, Callback | None]] = {}
        self.running = False

    @property
    def runtime(self) -> Runtime:
        """The runtime (once ``started``); read-only use from the GUI thread (store reads, registry snapshots)."""
        if self.service is None:
            raise RuntimeError("the FlowDesk core has not started yet")
        return self.service.runtime

    @property
    def url(self) -> str | None:
        """The listener's base URL once started."""
        return self.service.url if self.service else None

    @property
    def api_token(self) -> str:
        """The API token in force (for display; interfaces are opened with ``login_ticket``)."""
        return self.service.api_token if self.service else ""

    def login_ticket(self) -> str:
        """A single-use ticket for ``/auth/login?ticket=``: opens an interface signed in, no API token in a URL."""
        if self.service is None or self.service.listener is None:
            return ""
        from flowdesk.core.listener.sessions import issue_login_ticket  # aiohttp is loaded by now; keep startup lazy

        return issue_login_ticket(self.service.listener.app)

    def start(self) -> None:
        """Start the core thread; ``started`` or ``start_failed`` follows. Later calls do nothing."""
        if self.loop is not None:
            return
        import asyncio

        from flowdesk.gui.gui_gc import collect_on_gui_thread

        collect_on_gui_thread()  # from now on a collection on the core thread could delete widgets there
        from flowdesk.core.json_spans import pause_background_scans

        pause_background_scans()  # large outputs scanned in threads must not starve this (GUI) thread of the GIL
        self.loop = asyncio.new_event_loop()
        self._thread.start()

    def _thread_main(self) -> None:
        import asyncio

        assert self.loop is not None
        asyncio.set_event_loop(self.loop)
        try:
            from flowdesk.core.service import FlowDeskService

            self.service = FlowDeskService(*self._args)
            self.loop.run_until_complete(self.service.start())
        except BaseException as exc:  # noqa: BLE001 - reported to the GUI, never raised into Qt
            log.exception("core failed to start")
            self.start_failed.emit(start_failure_text(exc))
            self.loop.close()
            return
        self.running = True
        self.runtime.subscribe(self._forward_run_event)
        self.runtime.subscribe_reload(self.reloaded.emit)
        self.started.emit(self.url or "")
        self.loop.run_forever()
        self.loop.close()

    def _forward_run_event(self, event: Any) -> None:
        """Hand a run event to the GUI thread, a finished run's without its output.

        No view shows the output from the event (the inspector reads it from the store, off the GUI
        thread), and a 10 MB output kept alive by a queued event is either text held twice or, decoded,
        a million objects every GUI-thread garbage collection walks.
        """
        payload = event.payload
        if event.kind == "finished" and hasattr(payload, "result_json"):
            light = copy.copy(payload)  # copies the fields as they are: nothing decoded
            light.result, light.result_json = None, None
            event = copy.copy(event)
            event.payload = light
        self.run_event.emit(event)

    def submit(self, fn: Callable[[Runtime], Any], on_result: Callback | None = None,
               on_error: Callback | None = None) -> Future:
        """Run ``fn(runtime)`` (plain or async) on the core loop; callbacks run on the GUI thread.

        ``fn`` and the callbacks usually hold widgets. They stay referenced from a table on the GUI
        thread until the result is delivered there, and the core drops its own reference to ``fn``
        before announcing the result, so the core thread never holds the last reference to a Qt
        object (which would delete it from the wrong thread).
        """
        from concurrent.futures import Future  # after the first paint, with the core: not on the window's path

        done: Future = Future()
        if not self.running or self.loop is None or self.loop.is_closed():
            done.set_exception(RuntimeError("the FlowDesk core is not running"))
            return done
        ticket = next(self._tickets)
        self._pending[ticket] = (fn, on_result, on_error)
        holder = [fn]

        async def job() -> None:
            call = holder.pop()
            try:
                value = call(self.runtime)
                if inspect.isawaitable(value):
                    value = await value
                ok = True
            except Exception as exc:  # noqa: BLE001 - handed to on_error
                value, ok = exc, False
            del call
            done.set_result(value) if ok else done.set_exception(value)
            self._deliver.emit(ticket, ok, value)

        try:
            self.loop.call_soon_threadsafe(lambda: self.loop.create_task(job()))
        except RuntimeError as exc:  # the loop closed between the check and the call
            self._pending.pop(ticket, None)
            done.set_exception(exc)
        return done

    @Slot(int, bool, object)
    def _on_deliver(self, ticket: int, ok: bool, value: Any) -> None:
        entry = self._pending.pop(ticket, None)
        if entry is None:
            return
        callback = entry[1] if ok else entry[2]
        if callback is None:
            if not ok:
                log.error("core call failed: %s", value)
            return
        try:
            callback(value)
        except Exception:  # a view's callback must not take the app down
            log.exception("GUI callback failed")

    def stop(self, timeout: float = 30.0) -> None:
        """Stop the service (runs get the grace period), then the loop and the thread."""
        if self.running and self.loop is not None:
            import asyncio

            try:
                asyncio.run_coroutine_threadsafe(self.service.stop(), self.loop).result(timeout)
            except Exception:  # noqa: BLE001 - shutting down regardless
                log.exception("core did not stop cleanly")
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(timeout)
            self.running = False
        self._pending.clear()
        self.stopped.emit()


__all__ = ["CoreBridge"]
