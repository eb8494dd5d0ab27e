"""Engine behaviour with real worker processes: results, logs, secrets, tools, fresh code, queueing, events, probes, stop."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import time
from pathlib import Path

import pytest

from flowdesk.core.engine import Engine, EngineStopped, RunEvent, RunOutcome
from flowdesk.core.errors import QueueFull
from flowdesk.core.store.models import dump_json
from tests.core.engine.conftest import (
    HOSTILE_WS,
    child_pids,
    echo_tool,
    make_spec,
    run_with_engine,
    worker_children,
)


def test_healthy_run_outcome_fields() -> None:
    async def body(engine: Engine) -> RunOutcome:
        return await engine.submit(make_spec("healthy", {"n": 7}))

    outcome = run_with_engine(body)
    assert outcome.status == "success"
    assert outcome.message == "ok"
    assert outcome.error is None
    assert outcome.result == {"status": "success", "message": "ok", "data": {"echo": {"n": 7}}}
    assert outcome.log == "healthy run 7\n"
    assert outcome.started_at.tzinfo is dt.timezone.utc and outcome.finished_at >= outcome.started_at
    assert 0 <= outcome.duration < 5


def test_stdout_stderr_and_logging_share_one_ordered_log() -> None:
    outcome = run_with_engine(lambda e: e.submit(make_spec("mixed_output")))
    lines = outcome.log.splitlines()
    assert [ln.split()[-1] for ln in lines] == ["one", "two", "three", "four", "five"]
    assert " INFO mixed: three" in lines[2]
    assert " WARNING root: five" in lines[4]



@pytest.mark.parametrize("text", ["plain", "café ✓ 😀", "lone \ud800 surrogate", "nul \x00 and \n"])
def test_a_result_arrives_as_json_text_in_the_store_s_spelling(text: str) -> None:
    async def body(engine: Engine) -> RunOutcome:
        return await engine.submit(make_spec("healthy", {"m": text}))  # echoed, not printed

    outcome = run_with_engine(body)
    expected = {"status": "success", "message": "ok", "data": {"echo": {"m": text}}}
    assert outcome.status == "success" and outcome.result_json is not None
    assert json.loads(outcome.result_json) == expected and outcome.result == expected
    assert outcome.result is not outcome.result  # decoded at each read, never kept beside the text
    if "\ud800" in text:  # UTF-8 cannot carry a lone surrogate: escaped, so the store can hold the text
        assert outcome.result_json == json.dumps(expected, separators=(",", ":"))
        outcome.result_json.encode("utf-8")
    else:
        assert outcome.result_json == dump_json(expected)  # what RunStore.finish(output=...) would write


@pytest.mark.parametrize("fail", [False, True])
def test_secrets_are_masked_everywhere(fail: bool) -> None:
    secret = "s3cr3t-t0ken-value"

    async def body(engine: Engine) -> RunOutcome:
        spec = make_spec("leaks_secret", {"secret": secret, "raise": fail}, secrets=[secret, "abc"])
        return await engine.submit(spec)

    outcome = run_with_engine(body)
    everything = repr((outcome.log, outcome.message, outcome.error, outcome.result, outcome.result_json))
    assert secret not in everything
    assert "token is ***\n" in outcome.log and "split:***\n" in outcome.log and "stderr ***" in outcome.log
    if fail:
        assert outcome.status == "error"
        assert outcome.message == "RuntimeError: auth failed for ***"
        assert outcome.error is not None and "Traceback" in outcome.error
    else:
        assert outcome.message == "used ***"
        assert outcome.result is not None and outcome.result["data"] == {"key": "***", "list": ["***"]}


def test_validate_data_can_reject() -> None:
    async def body(engine: Engine) -> tuple[RunOutcome, RunOutcome]:
        return (await engine.submit(make_spec("validates", {})),
                await engine.submit(make_spec("validates", {"name": "Ada"})))

    rejected, accepted = run_with_engine(body)
    assert (rejected.status, rejected.message) == ("error", "validate_data() rejected the input")
    assert (accepted.status, accepted.message) == ("success", "hello Ada")


def test_tools_are_built_and_passed() -> None:
    async def body(engine: Engine) -> list[RunOutcome]:
        ok = await engine.submit(make_spec("uses_tools", tools=[echo_tool(region="eu")]))
        broken = await engine.submit(make_spec("uses_tools", tools=[echo_tool(fail=True)]))
        missing = make_spec("uses_tools", tools=[echo_tool()])
        missing.tools[0].module = "tools.nope.main"
        return [ok, broken, await engine.submit(missing)]

    ok, broken, missing = run_with_engine(body)
    assert (ok.status, ok.message) == ("success", "say:hi")
    assert ok.result is not None and ok.result["data"] == {"profile": "DEFAULT", "config": {"region": "eu"}}
    assert (broken.status, broken.message) == ("error", "could not build tool 'echo': RuntimeError: bad credentials")
    assert missing.status == "error"
    assert missing.message == "could not build tool 'echo': ModuleNotFoundError: No module named 'tools.nope'"


def test_typed_input_is_sent_as_json() -> None:
    async def body(engine: Engine) -> RunOutcome:
        return await engine.submit(make_spec("healthy", {"n": dt.date(2024, 5, 1)}))

    outcome = run_with_engine(body)
    assert outcome.result is not None and outcome.result["data"] == {"echo": {"n": "2024-05-01"}}


def test_edited_code_is_used_by_the_next_run(hostile_copy: Path) -> None:
    main = hostile_copy / "private" / "workflows" / "helpers_a" / "main.py"
    helper = main.parent / "helpers.py"

    async def body(engine: Engine) -> list[str | None]:
        messages = [(await engine.submit(make_spec("helpers_a", ws=hostile_copy))).message]
        helper.write_text('NAME = "edited helpers of A"\n')
        messages.append((await engine.submit(make_spec("helpers_a", ws=hostile_copy))).message)
        main.write_text('def execute(data, tools):\n    return {"status": "success", "message": "version two!"}\n')
        messages.append((await engine.submit(make_spec("helpers_a", ws=hostile_copy))).message)
        messages.append((await engine.submit(make_spec("helpers_a", ws=hostile_copy))).message)
        return messages

    messages = run_with_engine(body, ws=hostile_copy, max_workers=1)
    assert messages == ["helpers of A/sibling of A", "edited helpers of A/sibling of A", "version two!", "version two!"]


def test_edited_tool_module_retires_workers(hostile_copy: Path) -> None:
    tool = hostile_copy / "private" / "tools" / "echo" / "main.py"

    async def body(engine: Engine) -> list[str | None]:
        first = await engine.submit(make_spec("uses_tools", ws=hostile_copy, tools=[echo_tool()]))
        tool.write_text(tool.read_text().replace('return f"{action}:', 'return f"v2 {action}:'))
        second = await engine.submit(make_spec("uses_tools", ws=hostile_copy, tools=[echo_tool()]))
        return [first.message, second.message]

    assert run_with_engine(body, ws=hostile_copy, max_workers=1) == ["say:hi", "v2 say:hi"]


def test_workflows_with_same_named_helpers_stay_apart() -> None:
    async def body(engine: Engine) -> list[str | None]:
        out = []
        for slug in ("helpers_a", "helpers_b", "helpers_a", "helpers_b"):
            out.append((await engine.submit(make_spec(slug))).message)
        return out

    messages = run_with_engine(body, max_workers=1)
    assert messages == ["helpers of A/sibling of A", "helpers of B"] * 2


def test_events_arrive_in_order_and_a_raising_listener_is_harmless() -> None:
    events: list[RunEvent] = []

    def listener(event: RunEvent) -> None:
        events.append(event)
        raise RuntimeError("listener bug")

    async def body(engine: Engine) -> RunOutcome:
        return await engine.submit(make_spec("mixed_output"))

    outcome = run_with_engine(body, on_event=listener)
    assert outcome.status == "success"
    kinds = [e.kind for e in events]
    assert kinds[0] == "queued" and kinds[1] == "started" and kinds[-1] == "finished"
    assert set(kinds[2:-1]) == {"log"}
    assert "".join(e.payload for e in events if e.kind == "log") == outcome.log
    assert events[-1].payload is outcome


def test_queue_limit_and_fifo_with_per_workflow_fairness() -> None:
    order: list[str] = []

    def listener(event: RunEvent) -> None:
        if event.kind == "started":
            order.append(event.run_id)

    async def body(engine: Engine) -> None:
        blocker = make_spec("hang_sleep", timeout=1.0, max_instances=1)
        held = make_spec("hang_sleep", timeout=0.5, max_instances=1)
        quick = [make_spec("healthy", {"n": i}, max_instances=1) for i in range(3)]
        futures = [engine.submit(blocker), engine.submit(held)]
        futures += [engine.submit(s) for s in quick]
        with pytest.raises(QueueFull):
            engine.submit(make_spec("healthy"))
        await asyncio.sleep(0)
        outcomes = await asyncio.gather(*futures)
        # the second hang_sleep waits for its workflow's slot, the healthy runs pass it by
        assert order.index(held.run_id) > order.index(quick[2].run_id)
        assert [o.status for o in outcomes] == ["timeout", "timeout", "success", "success", "success"]

    run_with_engine(body, max_workers=2, queue_limit=3, on_event=listener)


def test_stop_interrupts_running_and_queued_runs_and_reaps_every_process() -> None:
    async def main() -> None:
        engine = Engine(HOSTILE_WS, max_workers=2, warm_workers=2)
        await engine.start()
        running = [engine.submit(make_spec("hang_sleep", timeout=30, max_instances=5)) for _ in range(2)]
        queued = engine.submit(make_spec("healthy"))
        await asyncio.sleep(0.3)
        t0 = time.monotonic()
        left = await engine.stop(grace=0.2)
        assert time.monotonic() - t0 < 3
        outcomes = [await f for f in (*running, queued)]
        assert sorted(left) == sorted(o.run_id for o in outcomes)
        assert [o.status for o in outcomes] == ["interrupted"] * 3
        assert "going to sleep" in outcomes[0].log
        with pytest.raises(EngineStopped):
            engine.submit(make_spec("healthy"))

    before = child_pids()
    asyncio.run(main())
    assert worker_children(before) == []


def test_probe_reports_definitions_and_survives_broken_imports() -> None:
    wf = HOSTILE_WS / "private" / "workflows"

    async def body(engine: Engine) -> dict[str, object]:
        names = ["seed_helpers", "healthy", "syntax_error", "no_execute", "import_exit", "import_segfault",
                 "import_hang"]
        results = await asyncio.gather(*(engine.probe(wf / n) for n in names))
        after = await engine.submit(make_spec("healthy"))
        assert after.status == "success"
        return dict(zip(names, results))

    r = run_with_engine(body, probe_timeout=1.0)
    seed = r["seed_helpers"]
    assert seed.ok and seed.has_execute and seed.has_validate_data  # type: ignore[attr-defined]
    assert seed.required_inputs == [{"name": "user_email", "type": "email", "required": True}]  # type: ignore[attr-defined]
    assert seed.tools_profiles == {"echo": "DEFAULT"}  # type: ignore[attr-defined]
    assert r["healthy"].ok and not r["healthy"].has_validate_data  # type: ignore[attr-defined]
    assert not r["syntax_error"].ok and "SyntaxError" in r["syntax_error"].error  # type: ignore[attr-defined]
    assert (r["no_execute"].ok, r["no_execute"].error) == (False, "main.py defines no execute(data, tools) function")  # type: ignore[attr-defined]
    assert r["import_exit"].error == "worker process exited with code 4 during the import check"  # type: ignore[attr-defined]
    assert r["import_segfault"].error == "worker process crashed (signal SIGSEGV)"  # type: ignore[attr-defined]
    assert r["import_hang"].error == "importing main.py timed out after 1 s"  # type: ignore[attr-defined]


def test_probe_sees_fresh_code_even_after_runs(hostile_copy: Path) -> None:
    main = hostile_copy / "private" / "workflows" / "healthy" / "main.py"

    async def body(engine: Engine) -> bool:
        await engine.submit(make_spec("healthy", ws=hostile_copy))
        main.write_text("def get_required_inputs():\n    return ['x']\n")
        return (await engine.probe(main.parent)).has_execute

    assert run_with_engine(body, ws=hostile_copy, max_workers=1) is False


def test_worker_start_command_and_environment() -> None:
    async def body(engine: Engine) -> RunOutcome:
        return await engine.submit(make_spec("healthy"))

    run_with_engine(body)
    from flowdesk.core.engine.worker_launch import worker_command, worker_env

    assert worker_command()[1:] == ["-m", "flowdesk.core.engine.worker"]
    env = worker_env(HOSTILE_WS, {})
    assert env["FLOWDESK_WORKSPACE"] == str(HOSTILE_WS) and env["PYTHONUNBUFFERED"] == "1"
    assert os.environ.get("PATH") == env.get("PATH")


def test_async_execute_is_awaited(hostile_copy: Path) -> None:
    folder = hostile_copy / "private" / "workflows" / "async_flow"
    folder.mkdir()
    (folder / "main.py").write_text(
        "import asyncio\n\n\nasync def execute(data, tools):\n    await asyncio.sleep(0.01)\n"
        "    return {'status': 'success', 'message': 'awaited'}\n")

    outcome = run_with_engine(lambda e: e.submit(make_spec("async_flow", ws=hostile_copy)), ws=hostile_copy)
    assert (outcome.status, outcome.message) == ("success", "awaited")


def test_input_that_cannot_cross_to_a_worker_fails_only_that_run() -> None:
    async def body(engine: Engine) -> tuple[RunOutcome, RunOutcome]:
        bad = await engine.submit(make_spec("healthy", {"n": object()}))
        return bad, await engine.submit(make_spec("healthy"))

    bad, good = run_with_engine(body)
    assert bad.status == "error"
    assert bad.message == "the run input or tool config cannot be sent to a worker: object is not JSON"
    assert good.status == "success"
