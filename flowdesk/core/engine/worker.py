"""Worker process main (``python -m flowdesk.core.engine.worker``): runs workflows on the engine's request.

The engine starts it with stdin on /dev/null, fd 1 and fd 2 on one capture pipe and the control
channel's socket number in ``FLOWDESK_WORKER_FD``. It answers ``ready``, then serves ``run``,
``probe`` and ``probe_tool`` requests one at a time until ``shutdown`` or until the engine goes away.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import Any

from flowdesk.core.engine.worker_lifeline import LIFELINE_ENV, PARENT_ENV, hold_lifeline
from flowdesk.core.engine.worker_protocol import connect_from_child, recv_message, send_message, sentinel
from flowdesk.core.engine.workflow_runner import WorkflowRunner

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def _setup_logging() -> None:
    """Root logger -> stderr (the capture pipe), so ``logging.info()`` in a workflow lands in the run log."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    root.addHandler(handler)
    root.setLevel(logging.INFO)


class WorkerState:
    """What a run may disturb and the worker puts back afterwards."""

    def __init__(self) -> None:
        self.cwd = os.getcwd()
        self.streams = (sys.stdin, sys.stdout, sys.stderr)

    def restore(self) -> bool:
        """Undo the usual side effects of a run: cwd and replaced sys streams.

        os.environ is left alone on purpose: seed workflows call load_dotenv() at import time,
        and the import is cached across runs. Returns False when the worker is no longer fit
        for another run (a standard stream was closed).
        """
        for stream in (sys.stdout, sys.stderr, *self.streams[1:]):
            try:
                stream.flush()
            except Exception:  # noqa: BLE001 - a workflow may leave a closed or odd stream behind
                pass
        for handler in logging.getLogger().handlers:
            try:
                handler.flush()
            except Exception:  # noqa: BLE001
                pass
        sys.stdin, sys.stdout, sys.stderr = self.streams
        try:
            if os.getcwd() != self.cwd:
                os.chdir(self.cwd)
        except OSError:
            os.chdir(self.cwd)
        return not any(getattr(stream, "closed", False) for stream in self.streams)


def _write_all(fd: int, data: bytes) -> bool:
    try:
        while data:
            written = os.write(fd, data)
            data = data[written:]
        return True
    except OSError:
        return False


def _serve(sock: Any, runner: WorkflowRunner, state: WorkerState) -> None:
    while True:
        msg = recv_message(sock)
        if msg is None or msg.get("op") == "shutdown":
            return
        op = msg.get("op")
        if op == "run":
            reply, result_json = runner.run(msg)
            fit = state.restore()
            # The sentinel goes out before the result so the engine usually has both at once.
            fit = _write_all(1, sentinel(msg["run_id"], msg["nonce"])) and fit
            reply.update(op="result", run_id=msg["run_id"], dirty=not fit or runner.leftover_activity())
            send_message(sock, reply, tail=result_json)  # the engine keeps it as text
        elif op in ("probe", "probe_tool"):
            reply = runner.probe(msg) if op == "probe" else runner.probe_tool(msg)
            state.restore()
            reply.update(op="probed", dirty=True)
            send_message(sock, reply)
        else:
            send_message(sock, {"op": "error", "error": f"unknown request {op!r}"})


def main() -> int:
    """Worker entry point; exits the process when the engine says so or disappears."""
    hold_lifeline(os.environ)
    for name in (LIFELINE_ENV, PARENT_ENV):
        os.environ.pop(name, None)  # a workflow's own subprocesses must not think they are workers
    sock = connect_from_child(os.environ)
    os.environ.pop("FLOWDESK_WORKER_FD", None)
    workspace = Path(os.environ.get("FLOWDESK_WORKSPACE") or os.getcwd()).resolve()
    _setup_logging()
    runner = WorkflowRunner(workspace)
    # Workspace code changes while the app runs; never leave .pyc files that could shadow an edit
    # made within the same second with the same size.
    sys.dont_write_bytecode = True
    state = WorkerState()
    send_message(sock, {"op": "ready", "pid": os.getpid()})
    code = 0
    try:
        _serve(sock, runner, state)
    except (BrokenPipeError, ConnectionResetError):
        pass  # the engine is gone
    except BaseException:  # noqa: BLE001 - report, then leave: the engine replaces this worker
        code = 70  # EX_SOFTWARE
        try:
            import traceback

            traceback.print_exc()
        except BaseException:  # noqa: BLE001 - fd 2 may be gone too
            pass
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:  # noqa: BLE001
            pass
    # Skip interpreter teardown: a workflow's non-daemon thread must not keep this process alive.
    os._exit(code)


if __name__ == "__main__":
    main()
