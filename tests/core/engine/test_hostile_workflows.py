"""Workflows that hang, crash, flood or misbehave end with a clear status, and the engine goes on."""

from __future__ import annotations

import asyncio
import re
import time

import psutil
import pytest

from flowdesk.core.engine import Engine, RunOutcome
from tests.core.engine.conftest import make_spec, run_with_engine


async def _then_healthy(engine: Engine, outcome: RunOutcome) -> RunOutcome:
    """After a hostile run, a healthy one must still succeed."""
    follow = await engine.submit(make_spec("healthy", {"n": 1}))
    assert follow.status == "success", follow
    assert follow.message == "ok"
    return outcome


def _run_one(slug: str, data: dict | None = None, timeout: float | None = None, **engine_kw) -> RunOutcome:
    async def body(engine: Engine) -> RunOutcome:
        outcome = await engine.submit(make_spec(slug, data, timeout=timeout))
        return await _then_healthy(engine, outcome)

    return run_with_engine(body, **engine_kw)


@pytest.mark.parametrize("slug", ["hang_sleep", "busy_loop"])
def test_hanging_workflow_is_killed_at_its_timeout_and_replaced(slug: str) -> None:
    async def body(engine: Engine) -> tuple[RunOutcome, int, float]:
        pids_before = {w.pid for w in engine.pool.workers}
        t0 = time.monotonic()
        outcome = await engine.submit(make_spec(slug, timeout=1.0))
        elapsed = time.monotonic() - t0
        victim = next(iter(pids_before))
        await _then_healthy(engine, outcome)
        return outcome, victim, elapsed

    outcome, victim, elapsed = run_with_engine(body, max_workers=1)
    assert outcome.status == "timeout"
    assert outcome.message == "timed out after 1 s"
    assert elapsed < 3.0
    assert not psutil.pid_exists(victim) or psutil.Process(victim).status() == psutil.STATUS_ZOMBIE
    if slug == "hang_sleep":
        assert "going to sleep" in outcome.log


def test_raising_workflow_reports_message_and_trimmed_traceback() -> None:
    outcome = _run_one("raises")
    assert outcome.status == "error"
    assert outcome.message == "ZeroDivisionError: division by zero"
    assert outcome.error is not None
    assert "Traceback (most recent call last)" in outcome.error
    assert 'main.py", line 5, in compute' in outcome.error
    assert "workflow_runner.py" not in outcome.error and "worker.py" not in outcome.error


def test_flood_of_output_is_capped_and_the_run_succeeds() -> None:
    limit = 200_000
    outcome = _run_one("flood", {"mb": 50}, log_limit=limit, default_timeout=60)
    assert outcome.status == "success", outcome.message
    assert outcome.message == "flooded"
    assert outcome.log_truncated
    assert outcome.log.startswith("first line\n")
    assert outcome.log.endswith("last line\n")
    match = re.search(r"\[\.\.\. (\d+) bytes of output dropped \.\.\.\]", outcome.log)
    assert match and int(match.group(1)) > 45_000_000
    assert len(outcome.log) <= limit + 100
    assert "y" * 1023 in outcome.log or "x" * 1023 in outcome.log


def test_os_exit_is_an_error_with_the_exit_code() -> None:
    outcome = _run_one("exit_code")
    assert outcome.status == "error"
    assert outcome.message == "worker process exited with code 3 during the run"
    assert "about to exit" in outcome.log


def test_segfault_is_an_error_naming_the_signal() -> None:
    outcome = _run_one("segfault")
    assert outcome.status == "error"
    assert outcome.message == "worker process crashed (signal SIGSEGV)"


@pytest.mark.parametrize(("kind", "status", "message"), [
    ("datetime", "error", "execute() returned data that is not JSON-serialisable: data.when is datetime"),
    ("set", "error", "execute() returned data that is not JSON-serialisable: data is set"),
    ("object", "error", "execute() returned data that is not JSON-serialisable: data.items[1] is Thing"),
    ("int", "error", "execute() must return a dict {status, message, data}, got int"),
    ("none", "error", "execute() must return a dict {status, message, data}, got NoneType"),
    ("no_status", "success", "fine"),
    ("error", "error", "the API said no"),
])
def test_result_shapes(kind: str, status: str, message: str) -> None:
    outcome = _run_one("returns_bad", {"kind": kind})
    assert (outcome.status, outcome.message) == (status, message)
    if kind == "no_status":
        assert outcome.result == {"message": "fine", "data": [1, 2]}


def test_syntax_error_names_file_and_line() -> None:
    outcome = _run_one("syntax_error")
    assert outcome.status == "error"
    assert outcome.message is not None
    assert outcome.message.startswith("SyntaxError: ")
    assert outcome.message.endswith("(main.py, line 4)")


def test_missing_execute() -> None:
    outcome = _run_one("no_execute")
    assert (outcome.status, outcome.message) == ("error", "main.py defines no execute(data, tools) function")


@pytest.mark.parametrize("code", [0, 1])
def test_sys_exit_is_caught_and_the_worker_survives(code: int) -> None:
    async def body(engine: Engine) -> tuple[RunOutcome, int | None, int | None]:
        first = await engine.submit(make_spec("sys_exit", {"code": code}))
        pid = engine.pool.workers[0].pid
        await _then_healthy(engine, first)
        return first, pid, engine.pool.workers[0].pid

    outcome, pid_before, pid_after = run_with_engine(body, max_workers=1)
    assert (outcome.status, outcome.message) == ("error", f"execute() called sys.exit({code})")
    assert pid_before == pid_after


def test_stdin_is_empty() -> None:
    outcome = _run_one("reads_stdin")
    assert (outcome.status, outcome.message) == ("success", "stdin is closed")


def test_child_holding_the_pipe_does_not_hang_the_engine() -> None:
    async def body(engine: Engine) -> tuple[RunOutcome, float]:
        t0 = time.monotonic()
        outcome = await engine.submit(make_spec("child_holds_pipe"))
        elapsed = time.monotonic() - t0
        await _then_healthy(engine, outcome)
        return outcome, elapsed

    outcome, elapsed = run_with_engine(body, max_workers=1)
    assert (outcome.status, outcome.message) == ("success", "spawned")
    assert elapsed < 2.0


def test_thread_still_printing_does_not_leak_into_later_runs() -> None:
    async def body(engine: Engine) -> tuple[RunOutcome, RunOutcome]:
        first = await engine.submit(make_spec("thread_printing"))
        await asyncio.sleep(0.05)
        second = await engine.submit(make_spec("healthy", {"n": 2}))
        return first, second

    first, second = run_with_engine(body, max_workers=1)
    assert (first.status, first.message) == ("success", "left a thread")
    assert second.status == "success"
    assert "still here" not in second.log
    assert second.log == "healthy run 2\n"


def test_hostile_and_healthy_runs_side_by_side() -> None:
    hostile = [("hang_sleep", {}), ("busy_loop", {}), ("raises", {}), ("exit_code", {}), ("segfault", {}),
               ("returns_bad", {"kind": "set"}), ("syntax_error", {}), ("sys_exit", {"code": 1}),
               ("flood", {"mb": 5}), ("child_holds_pipe", {}), ("thread_printing", {})]

    async def body(engine: Engine) -> list[RunOutcome]:
        futures = []
        for i, (slug, data) in enumerate(hostile):
            futures.append(engine.submit(make_spec(slug, data, timeout=1.5, max_instances=2)))
            futures.append(engine.submit(make_spec("healthy", {"n": i}, max_instances=8)))
        return list(await asyncio.gather(*futures))

    outcomes = run_with_engine(body, max_workers=3, warm_workers=2, log_limit=50_000)
    healthy = outcomes[1::2]
    assert all(o.status == "success" and o.message == "ok" for o in healthy), healthy
    by_slug = dict(zip([h[0] for h in hostile], outcomes[0::2]))
    assert by_slug["hang_sleep"].status == "timeout"
    assert by_slug["busy_loop"].status == "timeout"
    assert by_slug["raises"].message == "ZeroDivisionError: division by zero"
    assert by_slug["exit_code"].message == "worker process exited with code 3 during the run"
    assert by_slug["segfault"].message == "worker process crashed (signal SIGSEGV)"
    assert by_slug["flood"].status == "success"
    assert by_slug["child_holds_pipe"].status == "success"
    assert by_slug["thread_printing"].status == "success"
