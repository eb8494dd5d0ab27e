"""The engine's data shapes: what to run (ToolSpec, RunSpec), how it ended (RunOutcome), events and probes."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal

RunStatus = Literal["success", "error", "timeout", "interrupted"]
EventKind = Literal["queued", "started", "log", "finished"]


@dataclass
class ToolSpec:
    """One tool instance handed to ``execute(data, tools)`` under ``name``."""

    name: str  # slug as written in tools_required, e.g. "date"
    module: str  # import name inside the worker, e.g. "tools.date.main"
    class_name: str | None  # None: the first BaseTool subclass defined in the module
    profile: str | None  # label, e.g. "DEFAULT"
    config: dict[str, Any] = field(default_factory=dict)  # built as cls(profile=..., config=...)

    def to_message(self) -> dict[str, Any]:
        """The JSON form sent to the worker."""
        return {"name": self.name, "module": self.module, "class_name": self.class_name,
                "profile": self.profile, "config": self.config}


@dataclass
class RunSpec:
    """Everything a worker needs for one run; built and validated by the run service."""

    run_id: str
    workflow: str  # slug
    workflow_dir: Path
    data: dict[str, Any]
    tools: list[ToolSpec] = field(default_factory=list)
    timeout: float | None = None  # seconds; None = engine default
    secrets: list[str] = field(default_factory=list)  # masked as "***" in log, output and error
    max_instances: int = 1


@dataclass
class RunOutcome:
    """How one run ended; ``result`` is the workflow's own dict (seed shape {status, message, data}).

    A worker's result arrives as JSON text (``result_json``) and stays so: ``result`` decodes it at each
    read, without keeping the objects (10 MB of output is about a million of them, which every garbage
    collection would walk). The store and the window take the text; readers that need the dict pay for it.
    """

    run_id: str
    status: RunStatus
    started_at: datetime  # aware, UTC
    finished_at: datetime
    duration: float  # seconds
    result: dict[str, Any] | None
    message: str | None
    error: str | None  # short message + traceback text where there is one
    log: str  # captured stdout + stderr + logging, capped, masked
    log_truncated: bool = False  # True when output beyond log_limit was dropped
    result_json: str | None = None  # the result as the worker encoded it; ``result`` decodes it when read

    @classmethod
    def without_run(cls, run_id: str, status: RunStatus, message: str,
                    started_at: datetime | None = None) -> RunOutcome:
        """An outcome for a run that never reached (or was torn out of) a worker."""
        now = utc_now()
        start = started_at or now
        return cls(run_id=run_id, status=status, started_at=start, finished_at=now,
                   duration=max(0.0, (now - start).total_seconds()), result=None, message=message,
                   error=message if status != "success" else None, log="")


def _read_result(outcome: RunOutcome) -> dict[str, Any] | None:
    """The result dict: the one given, else ``result_json`` decoded (afresh at each read, not kept)."""
    value = outcome.__dict__.get("_result")
    if value is None and outcome.result_json is not None:
        return json.loads(outcome.result_json)
    return value


def _write_result(outcome: RunOutcome, value: dict[str, Any] | None) -> None:
    outcome.__dict__["_result"] = value


RunOutcome.result = property(_read_result, _write_result)  # type: ignore[assignment] - after @dataclass built __init__


@dataclass
class RunEvent:
    """A run's progress, delivered to ``Engine(on_event=...)`` on the engine loop.

    Payloads: ``queued`` -> the RunSpec, ``started`` -> started_at (aware UTC datetime),
    ``log`` -> a masked text chunk (whole lines, or what came in the last ~100 ms),
    ``finished`` -> the RunOutcome.
    """

    run_id: str
    kind: EventKind
    payload: Any = None


@dataclass
class ProbeResult:
    """What importing a workflow's main.py in a worker revealed (no execute() is called)."""

    ok: bool
    error: str | None = None
    has_execute: bool = False
    has_validate_data: bool = False
    required_inputs: Any = None  # get_required_inputs() when defined
    tools_profiles: Any = None  # get_tools_profiles() when defined

    @classmethod
    def from_message(cls, msg: dict[str, Any]) -> ProbeResult:
        """Build from the worker's ``probed`` reply."""
        return cls(ok=bool(msg.get("ok")), error=msg.get("error"), has_execute=bool(msg.get("has_execute")),
                   has_validate_data=bool(msg.get("has_validate_data")),
                   required_inputs=msg.get("required_inputs"), tools_profiles=msg.get("tools_profiles"))


def utc_now() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(timezone.utc)
