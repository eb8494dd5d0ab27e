"""The Engine: a bounded FIFO run queue with global and per-workflow limits, dispatching runs to worker processes."""

from __future__ import annotations

import asyncio
import logging
import secrets as secrets_mod
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from flowdesk.core.engine.code_version import code_version
from flowdesk.core.engine.output_capture import LiveLines, OutputCapture
from flowdesk.core.engine.outcomes import interrupted_outcome, outcome_from_reply
from flowdesk.core.engine.run_spec import ProbeResult, RunEvent, RunOutcome, RunSpec, utc_now
from flowdesk.core.secret_masking import mask_text, usable_secrets
from flowdesk.core.engine.stale_workers import WorkerPidFile
from flowdesk.core.engine.worker_handle import WorkerHandle, WorkerStartError
from flowdesk.core.engine.worker_pool import WorkerPool
from flowdesk.core.engine.worker_protocol import encode, sentinel
from flowdesk.core.errors import QueueFull
from flowdesk.core.run_messages import (
    CANNOT_SEND,
    ENGINE_ERROR,
    ENGINE_STOPPED_BEFORE_END,
    ENGINE_STOPPED_BEFORE_START,
    IMPORT_TIMED_OUT,
)

log = logging.getLogger(__name__)


class EngineStopped(QueueFull):
    """The engine is not running (not started yet, or stopping) and takes no runs."""


@dataclass(eq=False)
class _Run:
    """A submitted run and what the engine holds for it while it runs."""

    spec: RunSpec
    future: asyncio.Future[RunOutcome]
    task: asyncio.Task[None] | None = None
    worker: WorkerHandle | None = None
    capture: OutputCapture | None = None


def _json_default(value: Any) -> Any:
    # Typed run input (dates from the form, paths, sets) still has to cross the process boundary.
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=repr)
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON")


class Engine:
    """Runs workflows in warm, recyclable worker processes; everything is called on one event loop."""

    def __init__(self, workspace_root: Path, *, max_workers: int = 4, warm_workers: int = 2,
                 queue_limit: int = 1000, default_timeout: float = 300, log_limit: int = 1_000_000,
                 on_event: Callable[[RunEvent], None] | None = None, idle_timeout: float = 60.0,
                 max_runs_per_worker: int = 500, probe_timeout: float = 10.0,
                 worker_records: Path | None = None) -> None:
        self.workspace_root = Path(workspace_root).resolve()
        self.max_workers = max(1, max_workers)
        self.queue_limit = queue_limit
        self.default_timeout = default_timeout
        self.log_limit = log_limit
        self.probe_timeout = probe_timeout
        self._on_event = on_event
        self._tools_dir = self.workspace_root / "private" / "tools"
        self._pool = WorkerPool(self.workspace_root, max_workers=self.max_workers, warm_workers=warm_workers,
                                idle_timeout=idle_timeout, max_runs=max_runs_per_worker,
                                pid_file=WorkerPidFile(worker_records) if worker_records else None)
        self._queue: deque[_Run] = deque()
        self._running: dict[str, _Run] = {}
        self._running_by_workflow: defaultdict[str, int] = defaultdict(int)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._probe_slots: asyncio.Semaphore | None = None
        self._accepting = False

    # -- life cycle ---------------------------------------------------------------------------
    async def start(self) -> None:
        """Bind to the running loop and warm the worker pool."""
        self._loop = asyncio.get_running_loop()
        self._probe_slots = asyncio.Semaphore(self.max_workers)
        self._accepting = True
        await self._pool.start()

    async def stop(self, grace: float = 10.0) -> list[str]:
        """Refuse new runs, cancel queued ones, give running ones ``grace`` s, kill the rest and every worker.

        Returns the ids of the runs that ended as ``interrupted``.
        """
        self._accepting = False
        interrupted: list[str] = []
        while self._queue:
            run = self._queue.popleft()
            interrupted.append(run.spec.run_id)
            self._finish(run, RunOutcome.without_run(run.spec.run_id, "interrupted",
                                                     ENGINE_STOPPED_BEFORE_START()))
        tasks = [r.task for r in self._running.values() if r.task is not None]
        if tasks:
            _, pending = await asyncio.wait(tasks, timeout=max(0.0, grace))
            for run in list(self._running.values()):
                if run.task in pending:
                    interrupted.append(run.spec.run_id)
                    run.task.cancel()
            if pending:
                await asyncio.gather(*pending, return_exceptions=True)
        await self._pool.close()
        return interrupted

    @property
    def queued(self) -> int:
        """Runs waiting for a slot."""
        return len(self._queue)

    @property
    def running(self) -> int:
        """Runs handed to a worker (or waiting for one to start)."""
        return len(self._running)

    @property
    def pool(self) -> WorkerPool:
        """The worker pool (diagnostics and tests)."""
        return self._pool

    # -- runs ---------------------------------------------------------------------------------
    def submit(self, spec: RunSpec) -> asyncio.Future[RunOutcome]:
        """Queue a run; the future resolves to its RunOutcome. Raises QueueFull / EngineStopped."""
        if not self._accepting or self._loop is None:
            raise EngineStopped("the run engine is not running")
        if len(self._queue) >= self.queue_limit:
            raise QueueFull(f"the run queue is full ({self.queue_limit} runs waiting)")
        run = _Run(spec, self._loop.create_future())
        self._queue.append(run)
        self._emit(spec.run_id, "queued", spec)
        self._pump()
        return run.future

    def _pump(self) -> None:
        """Start queued runs in FIFO order while slots are free; a run held back by its own
        workflow's max_instances does not hold back other workflows' runs behind it."""
        if not self._queue or len(self._running) >= self.max_workers or not self._accepting:
            return
        waiting: deque[_Run] = deque()
        queue = self._queue
        while queue:
            if len(self._running) >= self.max_workers:
                break
            run = queue.popleft()
            if self._running_by_workflow[run.spec.workflow] >= max(1, run.spec.max_instances):
                waiting.append(run)
                continue
            self._start(run)
        if waiting:
            waiting.extend(queue)
            self._queue = waiting

    def _start(self, run: _Run) -> None:
        assert self._loop is not None
        spec = run.spec
        self._running[spec.run_id] = run
        self._running_by_workflow[spec.workflow] += 1
        started_at = utc_now()
        self._emit(spec.run_id, "started", started_at)
        run.task = self._loop.create_task(self._execute(run, started_at))

    async def _execute(self, run: _Run, started_at: datetime) -> None:
        spec = run.spec
        masks = usable_secrets(spec.secrets)
        try:
            outcome = await self._dispatch(run, masks, started_at)
        except asyncio.CancelledError:  # stop() ran out of grace
            outcome = interrupted_outcome(spec.run_id, started_at, run.capture,
                                          ENGINE_STOPPED_BEFORE_END())
        except WorkerStartError as exc:
            outcome = RunOutcome.without_run(spec.run_id, "error", mask_text(str(exc), masks), started_at)
        except Exception as exc:  # noqa: BLE001 - an engine bug must fail one run, not the engine
            log.exception("run %s failed inside the engine", spec.run_id)
            outcome = RunOutcome.without_run(spec.run_id, "error", ENGINE_ERROR(reason=str(exc)), started_at)
        finally:
            if run.worker is not None:  # torn out mid-run: that worker is in an unknown state
                self._pool.release(run.worker, retire=True)
                run.worker = None
            self._running.pop(spec.run_id, None)
            self._running_by_workflow[spec.workflow] -= 1
        self._finish(run, outcome)
        self._pump()

    async def _dispatch(self, run: _Run, masks: list[str], started_at: datetime) -> RunOutcome:
        """Hand one run to a worker whose imports match the code on disk and wait for the outcome."""
        spec = run.spec
        nonce = secrets_mod.token_hex(8)
        try:
            frame = encode({"op": "run", "run_id": spec.run_id, "nonce": nonce, "slug": spec.workflow,
                            "dir": str(Path(spec.workflow_dir).absolute()), "data": spec.data,
                            "tools": [t.to_message() for t in spec.tools], "masks": masks}, default=_json_default)
        except (TypeError, ValueError) as exc:
            text = mask_text(CANNOT_SEND(reason=str(exc)), masks)
            return RunOutcome.without_run(spec.run_id, "error", text, started_at)
        timeout = spec.timeout if spec.timeout and spec.timeout > 0 else self.default_timeout
        version = code_version(spec.workflow_dir, self._tools_dir)
        run.worker = await self._pool.acquire(spec.workflow, version)
        live = None
        if self._on_event is not None and self._loop is not None:
            live = LiveLines(lambda text: self._emit(spec.run_id, "log", text), self._loop.call_later)
        run.capture = OutputCapture(sentinel(spec.run_id, nonce), self.log_limit, masks, live)
        reply = await run.worker.request(frame, timeout, run.capture)
        worker, run.worker = run.worker, None
        self._pool.release(worker, retire=reply.retire)
        return outcome_from_reply(spec.run_id, started_at, reply, run.capture, timeout, masks)

    def _finish(self, run: _Run, outcome: RunOutcome) -> None:
        if not run.future.done():
            run.future.set_result(outcome)
        self._emit(run.spec.run_id, "finished", outcome)

    def _emit(self, run_id: str, kind: str, payload: Any) -> None:
        if self._on_event is None:
            return
        try:
            self._on_event(RunEvent(run_id, kind, payload))  # type: ignore[arg-type]
        except Exception:  # noqa: BLE001 - a listener's bug must never reach the engine
            log.exception("run event handler failed (%s %s)", kind, run_id)

    # -- probes ---------------------------------------------------------------------------------
    async def probe(self, workflow_dir: Path) -> ProbeResult:
        """Import a workflow's main.py in a throw-away worker and report what it defines."""
        if not self._accepting or self._probe_slots is None:
            raise EngineStopped("the run engine is not running")
        folder = Path(workflow_dir).absolute()
        async with self._probe_slots:
            try:
                worker = await self._pool.take_for_probe()
            except WorkerStartError as exc:
                return ProbeResult(ok=False, error=str(exc))
            try:
                reply = await worker.request({"op": "probe", "slug": folder.name, "dir": str(folder)},
                                             self.probe_timeout)
            finally:
                self._pool.discard(worker)  # its sys.modules now hold this workflow
        if reply.kind == "result" and reply.message is not None:
            return ProbeResult.from_message(reply.message)
        if reply.kind == "timeout":
            return ProbeResult(ok=False, error=IMPORT_TIMED_OUT(seconds=f"{self.probe_timeout:g}"))
        return ProbeResult(ok=False, error=reply.describe_exit("the import check"))

