"""The seed platform's keys, added beside FlowDesk's own in API answers, so seed clients find every key they read.

FlowDesk's keys are never removed or renamed: each function here returns only the seed's
extra keys (same names and JSON types as the seed platform's answers), and the routes merge
them in. Where both use one name for different values (``/health``'s ``status``), FlowDesk's
value stays and ``?format=seed`` gives the seed's.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flowdesk.core.registry import Registry
from flowdesk.core.store import RunRecord
from flowdesk.core.store.records import iso

SEED_FORMAT = "seed"
SEED_HEALTH_STATUS = "ok"


def wants_seed_format(query: dict[str, str] | Any) -> bool:
    """True for ``?format=seed``: where a key's value differs, answer the seed's value."""
    return str(query.get("format", "")).strip().lower() == SEED_FORMAT


def loaded_counts(registry: Registry) -> dict[str, int]:
    """``workflows_loaded`` and ``interfaces_loaded``: usable entries, as ``/health`` counts them."""
    return {"workflows_loaded": sum(1 for e in registry.workflows.values() if not e.broken),
            "interfaces_loaded": sum(1 for e in registry.interfaces.values() if not e.broken)}


def reload_keys(registry: Registry, changes: dict[str, list[str]]) -> dict[str, Any]:
    """``POST /api/reload``: the seed's ``status: "success"``, ``message`` and the loaded counts."""
    counts = {kind: len(changes.get(kind, [])) for kind in ("added", "removed", "changed")}
    message = "workspace reloaded: " + ", ".join(f"{n} {kind}" for kind, n in counts.items())
    return {"status": "success", "message": message, **loaded_counts(registry)}


def toggle_keys() -> dict[str, str]:
    """``POST /api/workflows/toggle/{name}``: the seed answered ``{"status": "success", "active": ...}``."""
    return {"status": "success"}


def seed_auth_path(tool: str, profile: str) -> str:
    """The seed's per-tool consent route, ``/oauth/<tool>/auth?profile=P`` (FlowDesk serves it too)."""
    return f"/oauth/{tool}/auth?{urlencode({'profile': profile})}"


def oauth_tool_keys(tool: str, provider: str, scopes: list[str], statuses: list[dict[str, Any]]) -> dict[str, Any]:
    """One tool of ``GET /api/oauth/status`` (and ``/api/oauth/status/{tool}`` without a profile), the seed's way.

    ``authenticated`` is true when every listed profile of the tool can be used (with one profile,
    that profile's answer); ``auth_links`` maps each profile to its consent route.
    """
    first = statuses[0] if statuses else {}
    return {
        "authenticated": bool(statuses) and all(s.get("authenticated") for s in statuses),
        "provider": provider,
        "scopes": list(scopes),
        "auth_url": first.get("auth_url") or seed_auth_path(tool, "DEFAULT"),
        "service_type": tool.removeprefix("google_") if provider == "google" else "oauth",
        "auth_links": {s["profile"]: s["auth_url"] for s in statuses if s.get("auth_url")},
    }


def oauth_totals_keys(tools: dict[str, dict[str, Any]]) -> dict[str, int]:
    """``total_tools`` and ``connected_tools`` of ``GET /api/oauth/status``."""
    return {"total_tools": len(tools), "connected_tools": sum(1 for t in tools.values() if t.get("authenticated"))}


def log_entry_keys(record: RunRecord) -> dict[str, Any]:
    """One item of ``GET /api/workflows/logs/{name}``: the seed's execution-history names for the run's fields."""
    return {"workflow_name": record.workflow, "trigger_type": record.trigger,
            "start_time": iso(record.started_at or record.queued_at), "end_time": iso(record.finished_at)}
