"""A realistic run history written straight into a store: for the screenshots, the desktop benchmark and GUI tests.

Runs are spread over the last days with a daily rhythm, mostly successes with a few failures,
durations per workflow, and optionally runs still running or queued. Rows are inserted in one
transaction (100,000 runs take about a second), with ids made from their queued time as
``new_run_id()`` would have made them then.
"""

from __future__ import annotations

import os
import random
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone

from flowdesk.core.store import RunStore
from flowdesk.core.store.models import to_micros

_INSERT = ('INSERT INTO run (id, workflow, "trigger", status, queued_at, started_at, finished_at, duration, input,'
           " message, error, attempt, profile_info, owner_pid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, '{}', ?, ?, 1, '{}', ?)")
ERRORS = ["ConnectionError: the API did not answer within 30 s", "KeyError: 'email'",
          "HTTP 401 from the API: token expired", "ValueError: date out of range"]


def run_id_at(moment: datetime, rng: random.Random) -> str:
    """A run id as new_run_id() makes it, for a run created at ``moment``."""
    millis = int(moment.timestamp() * 1000)
    return f"{millis & 0xFFFF_FFFF_FFFF:012x}{rng.getrandbits(80):020x}"


def seed_history(store: RunStore, workflows: Sequence[str], count: int, days: int = 14, *,
                 now: datetime | None = None, failure_rate: float = 0.04, running: int = 0, queued: int = 0,
                 seed: int = 13) -> list[str]:
    """Insert ``count`` finished runs over the last ``days`` days (plus ``running`` and ``queued`` ones now);
    returns their ids, oldest first."""
    rng = random.Random(seed)
    now = now or datetime.now(timezone.utc)
    span = timedelta(days=days).total_seconds()
    base = {wf: rng.uniform(0.2, 6.0) for wf in workflows}
    rows, ids = [], []
    moments = sorted(now - timedelta(seconds=_daytime_offset(rng, span)) for _ in range(count))
    for queued_at in moments:
        workflow = rng.choice(list(workflows))
        roll = rng.random()
        status = ("error" if roll < failure_rate * 0.8 else "timeout" if roll < failure_rate
                  else "skipped" if roll < failure_rate + 0.01 else "success")
        duration = 0.0 if status == "skipped" else round(base[workflow] * rng.lognormvariate(0, 0.45), 3)
        started = queued_at + timedelta(milliseconds=rng.uniform(5, 80))
        finished = started + timedelta(seconds=duration)
        error = rng.choice(ERRORS) if status in ("error", "timeout") else None
        message = "tool profile incomplete" if status == "skipped" else ("done" if status == "success" else None)
        run_id = run_id_at(queued_at, rng)
        trigger = rng.choice(["schedule", "schedule", "webhook", "manual"])
        rows.append((run_id, workflow, trigger, status, to_micros(queued_at), to_micros(started), to_micros(finished),
                     duration, message, error, os.getpid()))
        ids.append(run_id)
    for n, status in enumerate(["running"] * running + ["queued"] * queued):
        queued_at = now - timedelta(seconds=5 + n)
        run_id = run_id_at(queued_at, rng)
        started = to_micros(queued_at) if status == "running" else None
        rows.append((run_id, workflows[n % len(workflows)], "manual", status, to_micros(queued_at), started, None,
                     None, None, None, os.getpid()))
        ids.append(run_id)
    with store.db.atomic("IMMEDIATE"):
        store.db.cursor().executemany(store.sql(_INSERT), rows)  # ? or %s: SQLite or PostgreSQL
    return ids


def _daytime_offset(rng: random.Random, span: float) -> float:
    """Seconds before now, weighted towards working hours (schedules and people are busier then)."""
    while True:
        offset = rng.uniform(60, span)
        hour = ((datetime.now().timestamp() - offset) / 3600) % 24
        if 7 <= hour <= 19 or rng.random() < 0.3:
            return offset
