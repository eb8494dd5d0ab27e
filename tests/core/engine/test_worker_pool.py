"""The worker pool: warm start, growth, idle retirement, run-count recycling, replacement; protocol and fingerprints."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import threading
from pathlib import Path

import pytest

from flowdesk.core.engine import Engine
from flowdesk.core.engine.code_version import code_version, tree_fingerprint
from flowdesk.core.engine.worker_protocol import FrameDecoder, encode, recv_message, send_message
from tests.core.engine.conftest import make_spec, run_with_engine


def _pids(engine: Engine) -> set[int | None]:
    """Pids of the pool's live workers."""
    return {w.pid for w in engine.pool.workers}


def test_warm_workers_start_and_pool_grows_to_max_on_demand() -> None:
    async def body(engine: Engine) -> tuple[int, int, int]:
        warm = len(engine.pool.workers)
        idle_states = {w.state for w in engine.pool.workers}
        assert idle_states == {"idle"}
        futures = [engine.submit(make_spec("hang_sleep", timeout=0.5, max_instances=8)) for _ in range(3)]
        await asyncio.sleep(0.3)
        busy = len(engine.pool.workers)
        await asyncio.gather(*futures)
        return warm, busy, engine.running

    warm, busy, running = run_with_engine(body, warm_workers=1, max_workers=3)
    assert (warm, busy, running) == (1, 3, 0)


def test_idle_extra_workers_are_retired() -> None:
    async def body(engine: Engine) -> tuple[int, int]:
        runs = [engine.submit(make_spec("sleeper", {"seconds": 0.2}, max_instances=8)) for _ in range(3)]
        await asyncio.gather(*runs)
        grown = len(engine.pool.workers)
        await asyncio.sleep(0.6)
        return grown, len(engine.pool.workers)

    grown, shrunk = run_with_engine(body, warm_workers=1, max_workers=3, idle_timeout=0.2)
    assert grown >= 2 and shrunk == 1  # (3 unless the first one already sat idle too long)


async def _served_by(engine: Engine, n: int) -> list[int]:
    pids = []
    for _ in range(n):
        outcome = await engine.submit(make_spec("sleeper"))
        assert outcome.status == "success" and outcome.result is not None
        pids.append(outcome.result["data"]["pid"])
    return pids


def test_worker_is_recycled_after_max_runs() -> None:
    pids = run_with_engine(lambda e: _served_by(e, 5), warm_workers=1, max_workers=1, max_runs_per_worker=2)
    assert pids[0] == pids[1] != pids[2] == pids[3] != pids[4]


def test_warm_run_reuses_the_worker_and_its_import() -> None:
    pids = run_with_engine(lambda e: _served_by(e, 5), warm_workers=1, max_workers=1)
    assert len(set(pids)) == 1


def test_idle_worker_that_dies_is_replaced() -> None:
    async def body(engine: Engine) -> tuple[int | None, set[int | None]]:
        victim = engine.pool.workers[0].pid
        assert victim is not None
        os.kill(victim, signal.SIGKILL)
        for _ in range(100):
            await asyncio.sleep(0.02)
            pids = _pids(engine)
            if victim not in pids and len(pids) == 1 and engine.pool.workers[0].state == "idle":
                break
        outcome = await engine.submit(make_spec("healthy"))
        assert outcome.status == "success"
        return victim, _pids(engine)

    victim, after = run_with_engine(body, warm_workers=1, max_workers=1)
    assert victim not in after and len(after) == 1


def test_frame_decoder_handles_split_and_batched_frames() -> None:
    frames = encode({"op": "a", "x": "é" * 3}) + encode({"op": "b"}, raw={"result": '{"k":[1,2]}'})
    decoder = FrameDecoder()
    got = []
    for i in range(len(frames)):
        got += decoder.feed(frames[i:i + 1])
    assert got == [{"op": "a", "x": "ééé"}, {"op": "b", "result": {"k": [1, 2]}}]


def test_a_result_sent_as_a_tail_is_read_back_as_text_undecoded() -> None:
    text = '{"k":["é\\n",1]}'  # JSON text: a non-ASCII character, an escaped newline
    frames = encode({"op": "result", "status": "success"}, tail=text) + encode({"op": "c"})
    decoder = FrameDecoder()
    got = []
    for i in range(len(frames)):
        got += decoder.feed(frames[i:i + 1])
    assert got == [{"op": "result", "status": "success", "result_text": text}, {"op": "c"}]
    assert isinstance(got[0]["result_text"], str)


def test_blocking_send_and_receive_over_a_socketpair() -> None:
    a, b = socket.socketpair()
    big = {"op": "run", "data": list(range(100_000))}  # larger than the socket buffer: needs a reader
    with a, b:
        sender = threading.Thread(target=send_message, args=(a, big))
        sender.start()
        assert recv_message(b) == big
        sender.join()
        a.close()
        assert recv_message(b) is None


def test_code_fingerprint_follows_python_files_only(tmp_path: Path) -> None:
    wf = tmp_path / "wf"
    (wf / "__pycache__").mkdir(parents=True)
    (wf / "main.py").write_text("x = 1\n")
    first = tree_fingerprint(wf)
    (wf / "notes.txt").write_text("ignored")
    (wf / "__pycache__" / "main.cpython-311.pyc").write_bytes(b"ignored")
    assert tree_fingerprint(wf) == first
    (wf / "helpers.py").write_text("y = 2\n")
    second = tree_fingerprint(wf)
    assert second != first
    os.utime(wf / "helpers.py", ns=(1, 1))
    assert tree_fingerprint(wf) != second
    assert code_version(wf, tmp_path / "missing").workflow == tree_fingerprint(wf)


@pytest.mark.parametrize("frozen", [False, True])
def test_worker_command(monkeypatch: pytest.MonkeyPatch, frozen: bool) -> None:
    import sys

    from flowdesk.core.engine.worker_launch import worker_command

    if frozen:
        monkeypatch.setattr(sys, "frozen", True, raising=False)
        assert worker_command() == [sys.executable, "--flowdesk-worker"]
    else:
        assert worker_command() == [sys.executable, "-m", "flowdesk.core.engine.worker"]


def test_worker_that_cannot_start_fails_the_run_with_its_output(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from flowdesk.core.engine import worker_launch

    broken = [sys.executable, "-c", "import sys; print('broken install', file=sys.stderr); sys.exit(2)"]
    monkeypatch.setattr(worker_launch, "worker_command", lambda: broken)

    async def body(engine: Engine) -> tuple[str | None, str | None]:
        outcome = await engine.submit(make_spec("healthy"))
        probe = await engine.probe(make_spec("healthy").workflow_dir)
        return outcome.message, probe.error

    message, probe_error = run_with_engine(body, warm_workers=0)
    for text in (message, probe_error):
        assert text is not None
        assert text.startswith("worker process did not start: worker process exited with code 2 during start-up")
        assert "broken install" in text
