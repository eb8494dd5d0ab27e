"""Child process of bench/desktop.py for what is measured inside the window: prints one JSON line.

``runs``: a store of 100,000 runs; time from selecting the Runs view to its first page painted (median of
several openings), then scrolling to the very end while a timer-lag probe watches the event loop.
``stall``: the window on the Overview while runs of a no-op workflow finish in the background at a fixed
rate; the timer-lag probe's lateness percentiles.

Timer-lag probe: a 10 ms precise QTimer; each tick's lateness (time since the previous tick minus 10 ms)
is how long the GUI thread could not turn its event loop.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TICK = 0.010


class LagProbe:
    """Records how late each 10 ms tick of a precise timer fires."""

    def __init__(self) -> None:
        from flowdesk.gui.qt import Qt, QTimer

        self.lags: list[float] = []
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(round(TICK * 1000))
        self.timer.timeout.connect(self._tick)
        self.last = 0.0

    def start(self) -> None:
        """Start (or restart) recording."""
        self.lags.clear()
        self.last = time.perf_counter()
        self.timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.lags.append(max(0.0, now - self.last - TICK))
        self.last = now

    def stop(self) -> dict[str, float]:
        """Stop; p50 / p99 / max lateness in ms."""
        self.timer.stop()
        lags = sorted(self.lags) or [0.0]
        return {"p50_ms": 1000 * lags[len(lags) // 2], "p99_ms": 1000 * lags[min(len(lags) - 1, int(len(lags) * 0.99))],
                "max_ms": 1000 * lags[-1], "ticks": len(lags)}


def wait(app: object, condition: object, seconds: float = 60.0) -> bool:
    """Turn the event loop until ``condition()`` or the deadline."""
    deadline = time.monotonic() + seconds
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            return False
        app.processEvents()  # type: ignore[attr-defined]
        time.sleep(0.001)
    return True


def start_window(ws: Path, data_dir: Path) -> tuple[object, object, object]:
    """The real core on a core thread and the main window at 1280×800 (light theme)."""
    from flowdesk.core.service_settings import RuntimeSettings, ServiceOptions
    from flowdesk.core.workspace import Workspace
    from flowdesk.gui.core_bridge import CoreBridge
    from flowdesk.gui.main_window import MainWindow
    from flowdesk.gui.qt import QApplication
    from flowdesk.gui.theme.theme_manager import install_theme

    app = QApplication(sys.argv[:1])
    install_theme(app, "light")
    os.environ.setdefault("FLOWDESK_API_TOKEN", "bench-desktop-token-0123456789")
    bridge = CoreBridge(Workspace(ws), data_dir, ServiceOptions(port=0, watch=False, grace=2),
                        RuntimeSettings(max_workers=2, warm_workers=2))
    started: list[str] = []
    bridge.started.connect(started.append)
    bridge.start()
    if not wait(app, lambda: started):
        raise RuntimeError("the core did not start")
    window = MainWindow(bridge, tray_available=True)
    window.resize(1280, 800)
    window.show()
    wait(app, lambda: False, 1.0)
    return app, bridge, window


def runs_probe(ws: Path, data_dir: Path, count: int, openings: int) -> dict[str, object]:
    """Open the Runs view over ``count`` stored runs ``openings`` times, then scroll to the end."""
    from bench.run_history import seed_history
    from flowdesk.core.store import RunStore

    with RunStore(data_dir / "flowdesk.sqlite3") as store:
        seed_history(store, ["noop", "report", "sync", "digest"], count, days=30)
    app, bridge, window = start_window(ws, data_dir)
    view = window.view("runs")
    times = []
    for _ in range(openings):
        window.show_view("overview")
        wait(app, lambda: False, 0.3)
        t0 = time.perf_counter()
        window.show_view("runs")
        wait(app, lambda: len(view.model.runs) > 0 and not view.model.fetching)
        view.table.viewport().repaint()  # the first page on screen
        times.append(time.perf_counter() - t0)
    probe = LagProbe()
    probe.start()
    t0 = time.perf_counter()
    pages = view.model.pages_fetched
    while not view.model.exhausted:
        view.table.scrollToBottom()
        app.processEvents()
    scroll_s = time.perf_counter() - t0
    lag = probe.stop()
    result = {"open_ms": [1000 * t for t in times], "open_median_ms": 1000 * statistics.median(times),
              "rows": len(view.model.runs), "pages": view.model.pages_fetched - pages, "scroll_s": scroll_s,
              "scroll_lag": lag}
    bridge.stop()
    return result


def stall_probe(ws: Path, data_dir: Path, rate: float, seconds: float) -> dict[str, object]:
    """Runs of a no-op workflow finishing at ``rate`` a second for ``seconds`` while the Overview is shown."""
    from flowdesk.core.run_service import RunRequest
    from flowdesk.core.store.overview_queries import active_counts

    app, bridge, window = start_window(ws, data_dir)
    window.show_view("overview")
    wait(app, lambda: False, 2.0)
    total = int(rate * seconds)
    done: list[object] = []

    async def drive(rt: object) -> float:
        loop = asyncio.get_running_loop()
        t0 = loop.time()
        for n in range(total):
            delay = t0 + n / rate - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            rt.runs.submit(rt.runs.prepare(RunRequest("noop", {}, trigger="api")))  # type: ignore[attr-defined]
        while sum(active_counts(rt.store)):  # type: ignore[attr-defined]
            await asyncio.sleep(0.05)
        return loop.time() - t0

    probe = LagProbe()
    probe.start()
    bridge.submit(drive, done.append, done.append)
    wait(app, lambda: done, seconds * 4 + 60)
    lag = probe.stop()
    finished = bridge.runtime.store.count_runs(workflow="noop", status="success")
    result = {"runs": total, "finished": finished, "elapsed_s": done[0] if done else None,
              "achieved_rate": finished / done[0] if done and isinstance(done[0], float) else None, "lag": lag,
              "overview_reads": window.live.reads}
    bridge.stop()
    return result


def main() -> int:
    """One probe; its result as a JSON line on stdout."""
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["runs", "stall"])
    parser.add_argument("--workspace", required=True)
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--openings", type=int, default=5)
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--seconds", type=float, default=15.0)
    args = parser.parse_args()
    ws, data = Path(args.workspace), Path(args.data_dir)
    if args.mode == "runs":
        result = runs_probe(ws, data, args.count, args.openings)
    else:
        result = stall_probe(ws, data, args.rate, args.seconds)
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
