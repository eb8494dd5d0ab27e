"""A finished run whose output is 10 MB of JSON, written straight to the store (the inspector and Runs view tests)."""

from __future__ import annotations

from datetime import datetime, timezone

from flowdesk.core.store import new_run_id
from flowdesk.core.store.run_store import RunStore

ITEMS = 95_000  # items of about 110 characters each: just over 10 MB once encoded


def store_ten_megabyte_run(store: RunStore, workflow: str = "big_output") -> str:
    """Record a successful run of ``workflow`` with a 10 MB output; returns its id."""
    run_id = new_run_id()
    output = {"items": [{"id": i, "name": f"item {i}", "tags": ["alpha", "beta"], "score": i * 1.5,
                         "nested": {"ok": True, "note": None}} for i in range(ITEMS)],
              "summary": {"count": ITEMS}}
    now = datetime.now(timezone.utc)
    store.create(run_id, workflow, "manual", {"size": "10MB"})
    store.finish(run_id, "success", now, started_at=now, output=output, message="big")
    return run_id
