"""CPU and GIL time a 10 MB run output costs the FlowDesk process (the core thread the window shares).

Starts a Runtime over a temporary workspace whose workflow returns ~10 MB of JSON, runs it N times, and for
each run reports, in this process only (the worker subprocess that builds the output is not counted):

* core-thread CPU: ``time.thread_time`` of the thread running the core's asyncio loop over the run
  (receiving the result, recording it, handing it to its waiter);
* GIL held by others: a probe thread asks for the GIL every millisecond; each time it comes back late it
  was kept waiting, minus the time it waited for a CPU (``/proc/thread-self/schedstat``), which is the
  machine's load. The longest such wait is how long the window's thread would freeze; the sum, the total.

Run: ``.venv/bin/python -m bench.big_output_gil [--runs 5]`` (figures are load-independent except the
preemption correction, which is exact only on Linux).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import statistics
import tempfile
import threading
import time
from pathlib import Path

from flowdesk.core.run_service import RunRequest
from flowdesk.core.runtime import Runtime
from flowdesk.core.service_settings import RuntimeSettings
from flowdesk.core.workspace import Workspace

ITEMS = 95_000  # ~110 characters each: just over 10 MB of JSON
MAIN = f'''
def execute(data, tools):
    items = [{{"id": i, "name": f"item {{i}}", "tags": ["alpha", "beta"], "score": i * 1.5,
              "nested": {{"ok": True, "note": None}}}} for i in range({ITEMS})]
    return {{"status": "success", "message": "big", "items": items}}
'''
SCHEDSTAT = Path("/proc/thread-self/schedstat")


def _queued() -> float:
    try:
        return int(SCHEDSTAT.read_text().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return 0.0


class GilProbe:
    """A thread that wakes every millisecond; how late it gets the GIL back, preemption left out."""

    def __init__(self) -> None:
        self.waits: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="gil-probe", daemon=True)

    def _run(self) -> None:
        last, queued = time.perf_counter(), _queued()
        while not self._stop.is_set():
            time.sleep(0.001)
            now, now_queued = time.perf_counter(), _queued()
            self.waits.append(max(0.0, (now - last - 0.001) - (now_queued - queued)))
            last, queued = now, now_queued

    def __enter__(self) -> GilProbe:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def make_workspace(root: Path) -> Path:
    """A workspace with one workflow, big_output."""
    folder = root / "ws" / "private" / "workflows" / "big_output"
    folder.mkdir(parents=True)
    (folder / "config.json").write_text(json.dumps({"name": "big_output", "triggers": ["manual"], "timeout": 120}))
    (folder / "main.py").write_text(MAIN)
    return root / "ws"


async def measure(ws: Path, data_dir: Path, runs: int) -> list[tuple[float, float, float]]:
    """(core-thread CPU s, longest GIL wait s, total GIL wait s) per run."""
    runtime = Runtime(Workspace(ws), data_dir, RuntimeSettings(max_workers=1, warm_workers=1))
    await runtime.start(with_scheduler=False)
    out = []
    try:
        for _ in range(runs + 1):  # the first run warms the worker up and is left out
            gc.collect()
            cpu = time.thread_time()  # this thread runs the core's loop
            with GilProbe() as probe:
                _, done = runtime.runs.submit(runtime.runs.prepare(RunRequest("big_output", {})))
                record = await done
                del record
                gc.collect(1)  # what the window's 5 s GUI-thread collection then does, with the run's leftovers
            cpu = time.thread_time() - cpu
            out.append((cpu, max(probe.waits, default=0.0), sum(w for w in probe.waits if w > 0.002)))
    finally:
        await runtime.stop(5)
    return out[1:]


def main() -> None:
    """Print per-run figures and their medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ws = make_workspace(Path(tmp))
        results = asyncio.run(measure(ws, Path(tmp) / "data", args.runs))
    for cpu, longest, total in results:
        print(f"core-thread CPU {cpu * 1000:6.0f} ms   longest GIL wait {longest * 1000:5.0f} ms   "
              f"GIL waits > 2 ms {total * 1000:6.0f} ms")
    print(f"median: core-thread CPU {statistics.median(r[0] for r in results) * 1000:.0f} ms, longest GIL wait "
          f"{statistics.median(r[1] for r in results) * 1000:.0f} ms, GIL waits "
          f"{statistics.median(r[2] for r in results) * 1000:.0f} ms per 10 MB run")


if __name__ == "__main__":
    main()
