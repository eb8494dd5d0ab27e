"""Turning what a worker reported (or how it died) into a masked RunOutcome."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flowdesk.core.engine.output_capture import OutputCapture
from flowdesk.core.engine.run_spec import RunOutcome, RunStatus, utc_now
from flowdesk.core.run_messages import TIMED_OUT
from flowdesk.core.secret_masking import mask_text
from flowdesk.core.terminal_text import terminal_safe
from flowdesk.core.engine.worker_handle import WorkerReply


def timeout_message(timeout: float) -> str:
    """'timed out after 2 s' (seconds printed without a useless '.0')."""
    return TIMED_OUT(seconds=f"{timeout:g}")


def _make(run_id: str, status: RunStatus, started_at: datetime, *, result: dict[str, Any] | None,
          message: str | None, error: str | None, capture: OutputCapture | None,
          result_json: str | None = None) -> RunOutcome:
    finished = utc_now()
    # The message and error are shown as plain text everywhere (run lists, notifications, the CLI):
    # recorded with terminal controls made visible. ``result`` stays the workflow's own data.
    message = terminal_safe(message) if isinstance(message, str) else message
    error = terminal_safe(error) if isinstance(error, str) else error
    return RunOutcome(
        run_id=run_id, status=status, started_at=started_at, finished_at=finished,
        duration=max(0.0, (finished - started_at).total_seconds()), result=result, message=message,
        error=error, log=capture.text() if capture is not None else "",
        log_truncated=capture.truncated if capture is not None else False, result_json=result_json,
    )


def outcome_from_reply(run_id: str, started_at: datetime, reply: WorkerReply, capture: OutputCapture,
                       timeout: float, secrets: list[str]) -> RunOutcome:
    """The outcome of a run that reached a worker: its own verdict, a timeout, or the worker's death."""
    if reply.kind == "result" and reply.message is not None:
        msg = reply.message
        status: RunStatus = "error" if msg.get("status") == "error" else "success"
        message = msg.get("message")
        error = msg.get("error")
        # The worker checked the result is a JSON object and masked it with these secrets: its text is
        # kept as it came (decoding 10 MB here would hold the GIL the window's thread needs).
        text = msg.get("result_text")
        if secrets:
            message = mask_text(message, secrets) if isinstance(message, str) else message
            error = mask_text(error, secrets) if isinstance(error, str) else error
        return _make(run_id, status, started_at, result=None, result_json=text if isinstance(text, str) else None,
                     message=message, error=error if status == "error" else None, capture=capture)
    if reply.kind == "timeout":
        text = timeout_message(timeout)
        return _make(run_id, "timeout", started_at, result=None, message=text, error=text, capture=capture)
    text = reply.describe_exit()
    return _make(run_id, "error", started_at, result=None, message=text, error=text, capture=capture)


def interrupted_outcome(run_id: str, started_at: datetime, capture: OutputCapture | None,
                        message: str) -> RunOutcome:
    """A run torn out of its worker because the engine stopped."""
    return _make(run_id, "interrupted", started_at, result=None, message=message, error=message, capture=capture)
