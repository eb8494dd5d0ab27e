"""Engine-side handle of one worker process: spawn it, hand it requests, read its output, kill and reap it."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from flowdesk.core.engine.output_capture import OutputCapture
from flowdesk.core.engine.worker_launch import exit_description, launch_worker
from flowdesk.core.engine.worker_protocol import FrameDecoder, ProtocolError, encode

SENTINEL_WAIT = 0.2  # after the result: how long the end-of-output line may lag behind
EOF_WAIT = 0.2  # after a death: how long to keep reading what the worker wrote before it died
EXIT_WAIT = 2.0  # after SIGKILL: how long until the process must have been reaped
STARTUP_OUTPUT_LIMIT = 4000  # bytes of a failed start-up's output quoted in the error
ORPHAN_GRACE = 0.2  # control channel closed but process still there: wait this long, then kill

ReplyKind = Literal["result", "timeout", "exit"]


class WorkerStartError(Exception):
    """The worker process did not come up (bad interpreter, broken install, ...)."""


@dataclass
class WorkerReply:
    """How a request to a worker ended."""

    kind: ReplyKind
    message: dict[str, Any] | None  # the worker's reply for "result"
    returncode: int | None  # for "exit" and "timeout": how the process ended
    retire: bool  # the worker must not take another request
    channel_lost: bool = False  # killed by us after it closed the control channel

    def describe_exit(self, during: str = "the run") -> str:
        """Why the worker went away, in words."""
        return exit_description(self.returncode, during, self.channel_lost)


class _ControlProtocol(asyncio.Protocol):
    def __init__(self, handle: WorkerHandle) -> None:
        self._handle = handle
        self._decoder = FrameDecoder()

    def data_received(self, data: bytes) -> None:
        try:
            messages = self._decoder.feed(data)
        except (ProtocolError, ValueError):
            self._handle.kill()  # garbage on the channel: this worker cannot be trusted any more
            return
        for msg in messages:
            self._handle._on_message(msg)

    def connection_lost(self, exc: Exception | None) -> None:
        self._handle._on_control_lost()


class _OutputProtocol(asyncio.Protocol):
    def __init__(self, handle: WorkerHandle) -> None:
        self._handle = handle

    def data_received(self, data: bytes) -> None:
        self._handle._on_output(data)

    def connection_lost(self, exc: Exception | None) -> None:
        self._handle._on_output_eof()


def _resolve(fut: asyncio.Future[Any] | None, value: Any) -> None:
    if fut is not None and not fut.done():
        fut.set_result(value)


async def _wait_done(fut: asyncio.Future[Any], timeout: float) -> bool:
    """True when ``fut`` is (or becomes) done within ``timeout`` seconds; never cancels it, never raises its error."""
    if fut.done():
        return True
    await asyncio.wait((fut,), timeout=timeout)
    return fut.done()


class WorkerHandle:
    """One worker process and the runs it has done; used by the pool, one request at a time."""

    def __init__(self, workspace_root: Path, on_exit: Callable[[WorkerHandle], None] | None = None,
                 extra_env: dict[str, str] | None = None,
                 on_spawn: Callable[[WorkerHandle], None] | None = None) -> None:
        self.workspace_root = workspace_root
        self.state: Literal["new", "starting", "idle", "busy", "retiring", "dead"] = "new"
        self.pid: int | None = None
        self.returncode: int | None = None
        self.runs_done = 0
        self.loaded: dict[str, int] = {}  # workflow slug -> code fingerprint it was imported at
        self.tools_version: int | None = None  # tools tree fingerprint when it first ran anything
        self.idle_since = time.monotonic()
        self.claimed = False  # the pool promised this (starting) worker to a caller
        self.start_error: Exception | None = None
        self.channel_lost = False  # killed because it closed its end of the control channel
        self.died_while: str | None = None  # the state it was in when the process ended
        self._on_exit_cb = on_exit
        self._extra_env = extra_env or {}
        self._loop = asyncio.get_running_loop()
        self._proc: subprocess.Popen[bytes] | None = None
        self._control: asyncio.Transport | None = None
        self._output: asyncio.ReadTransport | None = None
        self._pidfd: int | None = None
        self._ready: asyncio.Future[None] = self._loop.create_future()
        self._exited: asyncio.Future[int] = self._loop.create_future()
        self._output_eof: asyncio.Future[None] = self._loop.create_future()
        self._reply: asyncio.Future[tuple[ReplyKind, Any]] | None = None
        self._sentinel: asyncio.Future[None] | None = None
        self._capture: OutputCapture | None = None
        self._closing = False
        self._startup_output: bytearray | None = bytearray()
        self._lifeline: int | None = None  # write end of the worker's lifeline: it dies when this closes
        self._on_spawn_cb = on_spawn

    @property
    def alive(self) -> bool:
        """The process is running and its channel is usable."""
        return self.returncode is None and self.state not in ("dead", "new") and not self._closing

    # -- life cycle ---------------------------------------------------------------------------
    async def start(self, timeout: float = 30.0) -> None:
        """Spawn the process and wait for its ``ready``; raises WorkerStartError."""
        self.state = "starting"
        try:
            self._proc, parent_sock, read_fd, self._lifeline = launch_worker(self.workspace_root, self._extra_env)
        except OSError as exc:
            self.state = "dead"
            raise WorkerStartError(f"could not start a worker process: {exc}") from exc
        self.pid = self._proc.pid
        if self._on_spawn_cb is not None:
            self._on_spawn_cb(self)
        self._watch_exit()
        self._control, _ = await self._loop.create_unix_connection(lambda: _ControlProtocol(self), sock=parent_sock)
        pipe = os.fdopen(read_fd, "rb", buffering=0)
        self._output, _ = await self._loop.connect_read_pipe(lambda: _OutputProtocol(self), pipe)
        if not await _wait_done(self._ready, timeout) or self._ready.exception() is not None:
            self.kill()
            await _wait_done(self._output_eof, EOF_WAIT)
            await self.close()
            said = bytes(self._startup_output or b"").decode("utf-8", "replace").strip()
            raise WorkerStartError(f"worker process did not start: {exit_description(self.returncode, 'start-up')}"
                                   + (f"\n{said}" if said else ""))
        self._startup_output = None
        self.state = "idle"
        self.idle_since = time.monotonic()

    def _watch_exit(self) -> None:
        assert self._proc is not None
        try:
            self._pidfd = os.pidfd_open(self._proc.pid)  # Linux 5.3+: exit wakes the loop, no thread
        except (AttributeError, OSError):
            self._pidfd = None
            return
        self._loop.add_reader(self._pidfd, self._on_pidfd)

    def _on_pidfd(self) -> None:
        if self._pidfd is not None:
            self._loop.remove_reader(self._pidfd)
            os.close(self._pidfd)
            self._pidfd = None
        self._poll_exit()

    def _poll_exit(self, delay: float = 0.005) -> None:
        assert self._proc is not None
        rc = self._proc.poll()
        if rc is None:  # without pidfd we learn of deaths from the channel; the reap may lag a little
            self._loop.call_later(delay, self._poll_exit, min(delay * 2, 0.2))
            return
        self._on_exited(rc)

    def _on_exited(self, rc: int) -> None:
        if self._exited.done():
            return
        self.returncode = rc
        self.died_while = self.state
        self.state = "dead"
        self._exited.set_result(rc)
        _resolve(self._reply, ("exit", rc))
        if not self._ready.done():
            self._ready.set_exception(WorkerStartError(exit_description(rc, "start-up")))
            self._ready.exception()  # mark retrieved
        if self._on_exit_cb is not None:
            self._on_exit_cb(self)

    # -- channel callbacks ----------------------------------------------------------------------
    def _on_message(self, msg: dict[str, Any]) -> None:
        op = msg.get("op")
        if op == "ready":
            _resolve(self._ready, None)
        elif op in ("result", "probed"):
            _resolve(self._reply, ("result", msg))

    def _on_control_lost(self) -> None:
        if self._closing or self.returncode is not None:
            return
        if self.state == "retiring":  # it is leaving as asked; its children may stay
            if self._pidfd is None:
                self._poll_exit()
            return
        # The worker is dying, or a workflow closed our socket: give a real death a moment to be
        # reaped with its own exit status, then kill whatever is left (it can never answer again).
        self._loop.call_later(ORPHAN_GRACE, self._kill_deaf)
        if self._pidfd is None:
            self._poll_exit()

    def _kill_deaf(self) -> None:
        if self.returncode is None and not self._closing:
            self.channel_lost = True
            self.kill()

    def _on_output(self, data: bytes) -> None:
        capture = self._capture
        if capture is not None:
            if capture.feed(data):
                _resolve(self._sentinel, None)
        elif self._startup_output is not None and len(self._startup_output) < STARTUP_OUTPUT_LIMIT:
            self._startup_output += data[:STARTUP_OUTPUT_LIMIT]  # explains a worker that fails to start
        # Between runs (or after a sentinel) output belongs to nobody: dropped, but always read.

    def _on_output_eof(self) -> None:
        _resolve(self._output_eof, None)

    # -- requests -------------------------------------------------------------------------------
    async def request(self, msg: dict[str, Any] | bytes, timeout: float,
                      capture: OutputCapture | None = None) -> WorkerReply:
        """Send a run/probe request (a dict, or a frame already encoded) and wait for its reply,
        the timeout or the worker's death.

        With a capture, the reply only counts once the run's sentinel was read too (bounded wait),
        so the log is complete. Cancelling this coroutine kills the worker.
        """
        if not self.alive or self._control is None:
            raise WorkerStartError("worker is not running")
        self.state = "busy"
        self._capture = capture
        reply = self._reply = self._loop.create_future()
        self._sentinel = self._loop.create_future() if capture is not None else None
        timer = self._loop.call_later(timeout, _resolve, reply, ("timeout", None))
        self._control.write(msg if isinstance(msg, bytes) else encode(msg))
        try:
            kind, payload = await reply
        except asyncio.CancelledError:
            self.kill()
            await self._settle_dead()
            self._end_request()
            raise
        finally:
            timer.cancel()
        retire = True
        if kind == "result":
            retire = bool(payload.get("dirty"))
            if self._sentinel is not None and not await _wait_done(self._sentinel, SENTINEL_WAIT):
                retire = True  # fd 1 was closed or redirected by the workflow: state unknown
        else:
            if kind == "timeout":
                self.kill()
            await self._settle_dead()
        self._end_request()
        self.runs_done += 1
        if self.returncode is None and not retire:
            self.state = "idle"
            self.idle_since = time.monotonic()
        return WorkerReply(kind, payload if kind == "result" else None, self.returncode, retire,
                           self.channel_lost)

    async def _settle_dead(self) -> None:
        """After a death or a kill: reap, then read what is still in the pipe (bounded)."""
        await _wait_done(self._exited, EXIT_WAIT)
        await _wait_done(self._output_eof, EOF_WAIT)

    def _end_request(self) -> None:
        if self._capture is not None:
            self._capture.close()
        self._capture = None
        self._reply = None
        self._sentinel = None

    # -- ending ---------------------------------------------------------------------------------
    def kill(self) -> None:
        """SIGKILL the worker and everything in its process group (a busy loop cannot ignore it)."""
        if self._proc is None or self.returncode is not None:
            return
        try:
            os.killpg(self._proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(self._proc.pid, signal.SIGKILL)

    async def retire(self, grace: float = 2.0) -> None:
        """Ask an idle worker to leave, kill it if it does not, and release every resource."""
        if self.returncode is None and self._control is not None and not self._closing:
            self.state = "retiring"
            with contextlib.suppress(Exception):
                self._control.write(encode({"op": "shutdown"}))
            if not await _wait_done(self._exited, grace):
                self.kill()
        await self.close()

    async def close(self) -> None:
        """Kill if still running, reap, close the channel and the pipe."""
        self._closing = True
        self.kill()
        if self._proc is not None and self.returncode is None:
            if self._pidfd is None:
                self._poll_exit()
            if not await _wait_done(self._exited, EXIT_WAIT):
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self._on_exited(self._proc.wait(timeout=1.0))  # last resort: never leave a zombie
        if self._pidfd is not None:
            self._loop.remove_reader(self._pidfd)
            os.close(self._pidfd)
            self._pidfd = None
        for transport in (self._control, self._output):
            if transport is not None:
                transport.close()  # a grandchild still writing into the pipe now gets EPIPE
        if self._lifeline is not None:
            os.close(self._lifeline)
            self._lifeline = None
        self.state = "dead"
