"""RunRecord, the plain value every run query returns, with run ids and the allowed triggers and statuses."""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

TRIGGERS: frozenset[str] = frozenset(
    {"manual", "api", "webhook", "schedule", "catchup", "cli", "rerun"}
)
STATUSES: frozenset[str] = frozenset(
    {"queued", "running", "success", "error", "timeout", "skipped", "interrupted"}
)
# A run in one of these states has not ended: retention never deletes it and a
# restart after a crash turns it into "interrupted".
UNFINISHED_STATUSES: tuple[str, ...] = ("queued", "running")
FINISHED_STATUSES: tuple[str, ...] = ("success", "error", "timeout", "skipped", "interrupted")
# Runs that actually executed to an outcome: the base of success rate and durations.
TIMED_STATUSES: tuple[str, ...] = ("success", "error", "timeout")


def new_run_id() -> str:
    """A 32-hex-char run id: 12 hex of milliseconds since the epoch, then 20 random hex, so ids sort by creation."""
    millis = time.time_ns() // 1_000_000
    return f"{millis & 0xFFFF_FFFF_FFFF:012x}{os.urandom(10).hex()}"


def utc_now() -> datetime:
    """The current time as an aware UTC datetime."""
    return datetime.now(timezone.utc)


def check_trigger(trigger: str) -> str:
    """Return ``trigger`` or raise ValueError naming the allowed ones."""
    if trigger not in TRIGGERS:
        raise ValueError(f"unknown trigger {trigger!r} (expected one of {', '.join(sorted(TRIGGERS))})")
    return trigger


def check_status(status: str) -> str:
    """Return ``status`` or raise ValueError naming the allowed ones."""
    if status not in STATUSES:
        raise ValueError(f"unknown status {status!r} (expected one of {', '.join(sorted(STATUSES))})")
    return status


def iso(value: datetime | None) -> str | None:
    """ISO 8601 with microseconds and UTC offset, e.g. ``2026-11-22T10:00:00.123456+00:00``."""
    # A fixed width (always microseconds) keeps the strings sortable as text.
    return value.isoformat(timespec="microseconds") if value is not None else None


@dataclass
class RunRecord:
    """One recorded run; times are aware UTC datetimes, ``log`` is None when it was not loaded."""

    id: str
    workflow: str
    trigger: str
    status: str
    queued_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    duration: float | None = None
    input: dict[str, Any] = field(default_factory=dict)
    output: Any = None
    message: str | None = None
    error: str | None = None
    log: str | None = None
    log_truncated: bool = False
    attempt: int = 1
    parent_run_id: str | None = None
    profile_info: dict[str, Any] = field(default_factory=dict)

    @property
    def finished(self) -> bool:
        """True once the run reached a final status."""
        return self.status not in UNFINISHED_STATUSES

    def to_dict(self, include_log: bool = False) -> dict[str, Any]:
        """A JSON-ready dict; the log (often large) only when asked, as ``""`` if it was not loaded."""
        data: dict[str, Any] = {
            "id": self.id,
            "workflow": self.workflow,
            "trigger": self.trigger,
            "status": self.status,
            "queued_at": iso(self.queued_at),
            "started_at": iso(self.started_at),
            "finished_at": iso(self.finished_at),
            "duration": self.duration,
            "input": self.input,
            "output": self.output,
            "message": self.message,
            "error": self.error,
            "log_truncated": self.log_truncated,
            "attempt": self.attempt,
            "parent_run_id": self.parent_run_id,
            "profile_info": self.profile_info,
        }
        if include_log:
            data["log"] = self.log if self.log is not None else ""
        return data



class StoredOutputRecord(RunRecord):
    """A RunRecord holding its output as the JSON text stored, decoded afresh at each read of ``output``.

    A run's end reaches whoever waits for it (the API, the CLI, the scheduler, the window's Run buttons)
    as one of these: most read only its status, and decoding a 10 MB output for them would hold the GIL
    for a third of a second and leave a million objects for every garbage collection to walk.
    """

    output_json: str | None

    @classmethod
    def of(cls, record: RunRecord, output_json: str | None) -> StoredOutputRecord:
        """``record`` with ``output_json`` as its output (the record's own ``output`` is dropped)."""
        lazy = cls.__new__(cls)
        lazy.__dict__.update(record.__dict__)
        lazy.__dict__.pop("output", None)
        lazy.output_json = output_json
        return lazy

    @property  # type: ignore[override] - the field, read from its JSON text
    def output(self) -> Any:
        """The output, decoded from its JSON text (not kept)."""
        if self.output_json is not None:
            return json.loads(self.output_json)
        return self.__dict__.get("_output")

    @output.setter
    def output(self, value: Any) -> None:
        self.__dict__["_output"], self.output_json = value, None


@dataclass
class RunSummary:
    """The few fields of a run that lists and stats show (no input, output or log)."""

    id: str
    workflow: str
    status: str
    queued_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    duration: float | None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict with ISO 8601 times."""
        return {
            "id": self.id,
            "workflow": self.workflow,
            "status": self.status,
            "queued_at": iso(self.queued_at),
            "started_at": iso(self.started_at),
            "finished_at": iso(self.finished_at),
            "duration": self.duration,
        }
