"""The worker's engine on its own loop thread: outcomes reach the Celery task threads that wait for them."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest

from flowdesk.core.cluster.engine_thread import EngineThread
from flowdesk.core.engine import RunOutcome
from flowdesk.core.engine.engine import EngineStopped
from tests.core.engine.conftest import HOSTILE_WS, make_spec


def test_runs_from_several_threads_each_get_their_own_outcome(tmp_path: Path) -> None:
    engine = EngineThread(HOSTILE_WS, tmp_path / "workers", 2)
    engine.start()
    outcomes: dict[str, RunOutcome] = {}
    lock = threading.Lock()

    def task(n: int) -> None:
        spec = make_spec("healthy" if n % 3 else "raises", {"n": n})
        outcome = engine.run(spec)
        with lock:
            outcomes[spec.run_id] = outcome

    try:
        threads = [threading.Thread(target=task, args=(n,)) for n in range(12)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    finally:
        engine.stop(0)
    assert len(outcomes) == 12
    assert all(run_id == outcome.run_id for run_id, outcome in outcomes.items())
    assert sorted(o.status for o in outcomes.values()).count("error") == 4  # the four "raises" runs


def test_a_run_the_stopped_engine_refuses_raises_in_the_waiting_thread(tmp_path: Path) -> None:
    engine = EngineThread(HOSTILE_WS, tmp_path / "workers", 1)
    engine.start()
    try:
        asyncio.run_coroutine_threadsafe(engine.engine.stop(0), engine.loop).result(30)  # stopped, loop still on
        with pytest.raises(EngineStopped):
            engine.run(make_spec("healthy"))
    finally:
        engine.stop(0)
