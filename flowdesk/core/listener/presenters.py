"""The JSON shapes of the API (the seed platform's), built from registry entries and run records."""

from __future__ import annotations

from typing import Any

from flowdesk.core.registry import InterfaceEntry, WorkflowEntry
from flowdesk.core.run_service import input_fields, tool_profiles
from flowdesk.core.secret_masking import MASK
from flowdesk.core.store import RunRecord


def workflow_summary(entry: WorkflowEntry) -> dict[str, Any]:
    """One item of ``GET /api/workflows``; a broken workflow is listed with its error."""
    c = entry.config
    return {
        "name": entry.slug,
        "display_name": entry.display_name,
        "description": c.description if c else None,
        "category": c.category if c else None,
        "active": bool(c.active) if c else False,
        "tools_required": list(c.tools_required) if c else [],
        "tool_profiles": tool_profiles(entry) if c else {},
        "triggers": list(c.triggers) if c else [],
        "schedule": c.schedule if c else None,
        "timezone": c.timezone if c else None,
        "interface": getattr(c, "interface", None) if c else None,
        "inputs_schema": [f.model_dump(exclude_none=True) for f in input_fields(entry)] if c else [],
        "broken": entry.broken,
        "error": entry.error,
    }


def masked_config(entry: WorkflowEntry) -> dict[str, Any]:
    """The workflow's config.json as written, with an inline webhook ``secret`` replaced by ``***``."""
    data = entry.config.to_json_dict() if entry.config else {}
    hook = data.get("webhook")
    if isinstance(hook, dict) and hook.get("secret") is not None:
        data["webhook"] = {**hook, "secret": MASK}
    return data


def workflow_detail(entry: WorkflowEntry) -> dict[str, Any]:
    """``GET /api/workflows/{name}``: the summary plus the raw config and the folder."""
    return {
        **workflow_summary(entry),
        "config": masked_config(entry) if entry.config else None,
        "path": str(entry.path),
        "has_validate_data": entry.has_validate_data,
    }


def interface_summary(entry: InterfaceEntry) -> dict[str, Any]:
    """One item of ``GET /api/interfaces``."""
    c = entry.config
    return {
        "name": entry.slug,
        "display_name": entry.display_name,
        "description": c.description if c else None,
        "route": entry.route,
        "icon": c.icon if c else None,
        "broken": entry.broken,
        "error": entry.error,
        "warnings": list(entry.warnings),
    }


def run_result(record: RunRecord) -> dict[str, Any]:
    """What a waiting request answers: the workflow's own result object plus ``run_id``.

    A run that ended in error, timeout or interruption says ``status: "error"`` with its message,
    as the seed platform did; ``run_status`` keeps the precise status.
    """
    body: dict[str, Any] = dict(record.output) if isinstance(record.output, dict) else {}
    if record.status == "success":
        body["status"] = "success"
    elif record.status == "skipped":
        body["status"] = "skipped"
    else:
        body["status"] = "error"
    if not body.get("message"):
        body["message"] = record.message or record.error or record.status
    body["run_id"] = record.id
    body["run_status"] = record.status
    body["duration"] = record.duration
    return body


def run_brief(record: RunRecord) -> dict[str, Any]:
    """A run in lists (logs of a workflow): no input, output or log."""
    d = record.to_dict()
    return {k: d.get(k) for k in ("id", "workflow", "trigger", "status", "queued_at", "started_at",
                                  "finished_at", "duration", "message", "error")} | {"run_id": record.id}
