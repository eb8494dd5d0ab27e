"""Scheduler state in the store: job states per workflow and JSON settings, surviving a reopen."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from flowdesk.core.store import JobState, RunStore

NEXT = datetime(2026, 11, 23, 7, 30, tzinfo=timezone.utc)


def test_save_get_replace_and_delete(store: RunStore) -> None:
    assert store.get_job_state("digest") is None and store.all_job_states() == []
    state = JobState("digest", "30 7 * * *", "Europe/Paris", next_run=NEXT)
    store.save_job_state(state)
    assert store.get_job_state("digest") == state
    state.last_run, state.last_run_id, state.last_status = NEXT, "a" * 32, "success"
    state.next_run, state.paused = NEXT + timedelta(days=1), True
    store.save_job_state(state)
    got = store.get_job_state("digest")
    assert got == state and got is not None and got.paused is True
    assert got.next_run is not None and got.next_run.tzinfo is not None
    assert store.delete_job_state("digest") and not store.delete_job_state("digest")
    assert store.get_job_state("digest") is None


def test_all_job_states_sorted_and_json_ready(store: RunStore) -> None:
    for name in ("zeta", "alpha", "mid"):
        store.save_job_state(JobState(name, "0 * * * *", "UTC", next_run=NEXT))
    states = store.all_job_states()
    assert [s.workflow for s in states] == ["alpha", "mid", "zeta"]
    data = states[0].to_dict()
    assert data["next_run"] == "2026-11-23T07:30:00.000000+00:00" and data["last_run"] is None
    json.dumps(data)


def test_naive_times_are_refused(store: RunStore) -> None:
    with pytest.raises(ValueError, match="naive"):
        store.save_job_state(JobState("wf", "* * * * *", "UTC", next_run=datetime(2026, 1, 1)))


def test_settings_hold_json_values(store: RunStore) -> None:
    assert store.get_setting("missing") is None
    assert store.get_setting("missing", {"x": 1}) == {"x": 1}
    values = {"disabled_tools": ["gmail", "slack"], "paused": True, "n": 3, "cfg": {"a": [1, None]}, "s": "é"}
    for key, value in values.items():
        store.set_setting(key, value)
    assert {key: store.get_setting(key) for key in values} == values
    store.set_setting("n", 4)
    assert store.get_setting("n") == 4
    store.set_setting("nothing", None)
    assert store.get_setting("nothing", "default") is None, "a stored null is a value, not 'unset'"
    assert store.delete_setting("nothing") and store.get_setting("nothing", "default") == "default"


def test_state_survives_reopen(store_location: str | Path) -> None:
    path = store_location
    with RunStore(path) as first:
        first.save_job_state(JobState("wf", "*/5 * * * *", "UTC", next_run=NEXT, last_status="error"))
        first.set_setting("scheduler_paused", True)
    with RunStore(path) as second:
        assert second.get_job_state("wf") == JobState("wf", "*/5 * * * *", "UTC", next_run=NEXT, last_status="error")
        assert second.get_setting("scheduler_paused") is True
