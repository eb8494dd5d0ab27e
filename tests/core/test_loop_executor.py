"""The loop's tracked executor, and Runtime.stop never closing the store under a thread still reading it."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

from flowdesk.core.loop_executor import TrackedExecutor, tracked_default_executor
from tests.conftest import FIXTURES, REPO


def test_busy_counts_queued_and_running_calls_until_they_end() -> None:
    executor = TrackedExecutor(max_workers=1)
    gate = threading.Event()
    try:
        first = executor.submit(gate.wait)
        second = executor.submit(lambda: 2)  # queued behind the first
        assert executor.busy == 2
        gate.set()
        assert second.result(5) == 2 and first.result(5) is True
        asyncio.run(executor.wait_idle(5))
        assert executor.busy == 0
    finally:
        executor.shutdown()


def test_a_failing_or_cancelled_call_is_not_counted_forever() -> None:
    executor = TrackedExecutor(max_workers=1)
    gate = threading.Event()
    try:
        blocker = executor.submit(gate.wait)
        doomed = executor.submit(lambda: 1)
        assert doomed.cancel()
        failing = executor.submit(lambda: 1 / 0)
        gate.set()
        blocker.result(5)
        assert isinstance(failing.exception(5), ZeroDivisionError)
        assert asyncio.run(executor.wait_idle(5)) and executor.busy == 0
    finally:
        executor.shutdown()


def test_wait_idle_waits_for_a_running_call_and_gives_up_at_its_timeout() -> None:
    executor = TrackedExecutor(max_workers=2)
    gate = threading.Event()
    try:
        executor.submit(gate.wait)
        assert asyncio.run(executor.wait_idle(0.05)) is False  # still running: the caller is told

        async def release_later() -> bool:
            asyncio.get_running_loop().call_later(0.1, gate.set)
            return await executor.wait_idle(5)

        assert asyncio.run(release_later()) is True
    finally:
        executor.shutdown()


def test_the_loop_default_executor_is_tracked_once_per_loop() -> None:
    async def main() -> tuple[TrackedExecutor, TrackedExecutor, str]:
        loop = asyncio.get_running_loop()
        first = tracked_default_executor(loop)
        name = await asyncio.to_thread(lambda: threading.current_thread().name)
        return first, tracked_default_executor(loop), name

    first, again, thread_name = asyncio.run(main())
    assert first is again and thread_name.startswith("flowdesk-io")


# A thread of the loop's executor reads the store in a loop while the runtime stops. Closing the
# SQLite connections under it used to crash the process (a segfault in sqlite3_step) or fail the read.
STOP_DURING_READS = textwrap.dedent("""
    import asyncio, sys, threading, time
    from pathlib import Path
    from flowdesk.core.runtime import Runtime
    from flowdesk.core.service_settings import RuntimeSettings
    from flowdesk.core.workspace import Workspace

    async def cycle(n):
        rt = Runtime(Workspace(Path(sys.argv[1])), Path(sys.argv[2]) / str(n),
                     RuntimeSettings(max_workers=1, warm_workers=0))
        await rt.start()
        started = threading.Event()
        def read_for(seconds):
            end = time.monotonic() + seconds
            count = 0
            while time.monotonic() < end:
                rt.store.recent_statuses("echo", 30)
                count += 1
                started.set()
            return count
        reader = asyncio.ensure_future(asyncio.to_thread(read_for, 0.15))
        while not started.is_set():
            await asyncio.sleep(0.001)
        t0 = time.monotonic()
        await rt.stop(grace=1)
        waited = time.monotonic() - t0
        count = await reader  # raises if a read failed on a closed connection
        assert count > 0
        return waited

    async def main():
        waits = [await cycle(n) for n in range(int(sys.argv[3]))]
        print("ok", min(waits))

    asyncio.run(main())
""")


def test_stopping_while_a_background_thread_reads_the_store_waits_for_it(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    result = subprocess.run(
        [sys.executable, "-c", STOP_DURING_READS, str(FIXTURES / "queue_workspace"), str(tmp_path / "data"), "8"],
        capture_output=True, text=True, cwd=REPO, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    status, least_wait = result.stdout.split()
    assert status == "ok" and float(least_wait) > 0.05  # stop waited for the reader instead of closing under it
