"""Desktop benchmark: process start to first painted window, RSS after 10 s, idle CPU hidden in the tray; inside the
window, the Runs view over 100,000 stored runs and the event loop's stalls while 200 runs/s finish.

Both probes are fresh subprocesses (bench/desktop_probe.py) measured in the same run: a bare PySide6
``QMainWindow`` (the baseline) and the FlowDesk app on a workspace with 100 schedules (far in the
future, so nothing fires). Time to first window = wall clock from ``Popen`` to the probe's PAINTED
time stamp. After the paint the window is hidden, as when closed to the tray; CPU is then measured
over ``--idle`` seconds for the process and its worker children. Offscreen platform.

The in-window figures come from bench/desktop_gui_probe.py (a fresh process each): the time from selecting the
Runs view to its first page painted over a store of 100,000 runs (median of 5 openings) and the timer-lag probe
while scrolling to its very end; and the lag probe's p99 while runs of a no-op workflow finish at 200 a second
with the Overview shown.

The ``flowdesk`` package is byte-compiled first (``compileall``), as an installed package or the bundle
carries it: where ``PYTHONDONTWRITEBYTECODE`` is set (as on this project's machines) a checkout would otherwise
compile its ~60 first-paint modules from source on every start (``--source`` measures that case).

Usage (from the repository root)::

    .venv/bin/python bench/desktop.py                  # print the tables
    .venv/bin/python bench/desktop.py --startup-only   # first window, RSS and idle CPU only (no in-window figures)
    .venv/bin/python bench/desktop.py --write          # also rewrite the desktop section of BENCHMARKS.md
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_workspace import add_workflow, new_workspace, noop_config, scheduled_config  # noqa: E402
from bench.benchmarks_md import (  # noqa: E402
    OtherLoad, Target, command_line, facts_block, load_average, machine_facts, table, targets_table, write_section)
from bench.serve_process import ProcessTreeUsage  # noqa: E402

PROBE = Path(__file__).with_name("desktop_probe.py")
GUI_PROBE = Path(__file__).with_name("desktop_gui_probe.py")
MB = 1024 * 1024


def probe(mode: str, extra: list[str], env: dict[str, str], idle: float) -> dict[str, float]:
    """Start one probe; time to paint, RSS 10 s after start, CPU while hidden."""
    started = time.time()
    proc = subprocess.Popen([sys.executable, str(PROBE), mode, *extra], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, env=env)
    try:
        line = proc.stdout.readline()
        if not line.startswith("PAINTED"):
            raise RuntimeError(f"{mode}: no paint ({line!r})")
        first_window = float(line.split()[1]) - started
        proc.stdout.readline()  # HIDDEN
        usage = ProcessTreeUsage(proc.pid)
        time.sleep(max(0.0, 10.0 - (time.time() - started)))
        rss_main, rss_total, _ = usage.rss()
        usage.begin()
        end = time.time() + idle
        while time.time() < end:
            time.sleep(1.0)
            usage.sample()
        cpu_main, cpu_total = usage.cpu_seconds()
        return {"first_window": first_window, "rss_main": rss_main / MB, "rss_total": rss_total / MB,
                "cpu_main": 100 * cpu_main / idle, "cpu_total": 100 * cpu_total / idle}
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()


def gui_probe(mode: str, ws: Path, data_dir: Path, env: dict[str, str], *extra: str) -> dict[str, Any]:
    """Run bench/desktop_gui_probe.py once; its JSON result."""
    out = subprocess.run([sys.executable, str(GUI_PROBE), mode, "--workspace", str(ws), "--data-dir", str(data_dir),
                          *extra], capture_output=True, text=True, env=env, timeout=1800)
    lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
    if out.returncode != 0 or not lines:
        raise RuntimeError(f"{mode} probe failed ({out.returncode}): {out.stderr[-2000:]}")
    return json.loads(lines[-1])


def window_figures(args: argparse.Namespace, runs_view: dict[str, Any],
                   stall: dict[str, Any]) -> tuple[list[tuple[str, ...]], list[Target]]:
    """Rows and targets of the in-window figures (Runs view over many runs, stalls while runs finish)."""
    open_ms, stall_p99 = runs_view["open_median_ms"], stall["lag"]["p99_ms"]
    scroll = runs_view["scroll_lag"]
    gui_rows = [
        (f"Runs view opened over {args.runs:,} stored runs: first page painted (median of "
         f"{len(runs_view['open_ms'])})", f"{open_ms:.0f} ms",
         "openings: " + ", ".join(f"{t:.0f}" for t in runs_view["open_ms"]) + " ms"),
        (f"scrolling that list to its end ({runs_view['rows']:,} rows in {runs_view['pages']} pages)",
         f"{runs_view['scroll_s']:.1f} s", f"event-loop lag p50 {scroll['p50_ms']:.1f} ms, p99 {scroll['p99_ms']:.1f} ms, "
         f"max {scroll['max_ms']:.0f} ms"),
        (f"event-loop lag while {stall['finished']:,} runs finish at {stall['achieved_rate']:.0f}/s (Overview shown)",
         f"p99 {stall_p99:.1f} ms", f"p50 {stall['lag']['p50_ms']:.2f} ms, max {stall['lag']['max_ms']:.0f} ms, "
         f"{stall['lag']['ticks']} ticks; Overview store reads: {stall['overview_reads']}"),
    ]
    targets = [Target(f"Runs view open with {args.runs:,} stored runs", "≤ 300 ms", f"{open_ms:.0f} ms", open_ms <= 300),
               Target(f"GUI event-loop stall p99 while {args.rate:.0f} runs/s finish", "≤ 50 ms", f"{stall_p99:.1f} ms",
                      stall_p99 <= 50)]
    return gui_rows, targets


def main() -> int:
    """Alternate the two probes ``--repeats`` times; report medians; exit 1 when a target fails."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5, help="runs of each probe, alternating (medians reported)")
    parser.add_argument("--idle", type=float, default=60.0, help="seconds of idle CPU measurement (last app run)")
    parser.add_argument("--runs", type=int, default=100_000, help="stored runs for the Runs view figures")
    parser.add_argument("--rate", type=float, default=200.0, help="runs finishing per second for the stall figure")
    parser.add_argument("--seconds", type=float, default=15.0, help="how long the stall figure's runs go on")
    parser.add_argument("--startup-only", action="store_true",
                        help="only the first-window, RSS and idle-CPU probes (skip the Runs view and stall figures)")
    parser.add_argument("--source", action="store_true",
                        help="do not byte-compile the flowdesk package first (every start compiles it from source)")
    parser.add_argument("--write", action="store_true", help="rewrite the desktop section of BENCHMARKS.md")
    args = parser.parse_args()
    if args.write and args.startup_only:
        parser.error("--write needs every figure: drop --startup-only")
    facts, other = machine_facts(), OtherLoad()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    if not args.source:
        compileall.compile_dir(str(Path(__file__).resolve().parents[1] / "flowdesk"), quiet=1)
    with tempfile.TemporaryDirectory(prefix="flowdesk-bench-desktop-") as tmp:
        ws = new_workspace(Path(tmp) / "ws")
        for i in range(100):
            add_workflow(ws, f"sched_{i:03d}", scheduled_config("0 3 1 1 *"))
        runs: dict[str, list[dict[str, float]]] = {"minimal": [], "app": []}
        for n in range(args.repeats):
            idle = args.idle if n == args.repeats - 1 else 1.0
            runs["minimal"].append(probe("minimal", [], env, 1.0))
            data = str(Path(tmp) / f"data{n}")
            runs["app"].append(probe("app", ["--workspace", str(ws.root), "--data-dir", data], env, idle))
        if not args.startup_only:
            gui_ws = new_workspace(Path(tmp) / "gui-ws")
            add_workflow(gui_ws, "noop", noop_config(max_instances=8, with_inputs=False))
            runs_view = gui_probe("runs", gui_ws.root, Path(tmp) / "runs-data", env, "--count", str(args.runs))
            stall = gui_probe("stall", gui_ws.root, Path(tmp) / "stall-data", env, "--rate", str(args.rate),
                              "--seconds", str(args.seconds))
    med = {k: {m: statistics.median(r[m] for r in v) for m in v[0]} for k, v in runs.items()}
    idle_app = runs["app"][-1]
    ratio = med["app"]["first_window"] / med["minimal"]["first_window"]
    facts["load average at end"] = load_average()
    facts["CPU used by other processes during the run"] = other.describe()
    def painted(mode: str) -> str:
        times = [r["first_window"] * 1000 for r in runs[mode]]
        return f"{med[mode]['first_window'] * 1000:.0f} ({min(times):.0f}–{max(times):.0f})"

    rows = [("minimal PySide6 window (baseline)", painted("minimal"), "1×",
             f"{med['minimal']['rss_main']:.0f}", "-"),
            ("FlowDesk app, 100 schedules", painted("app"), f"{ratio:.2f}×",
             f"{med['app']['rss_main']:.0f}", f"{med['app']['rss_total']:.0f}")]
    results = table(["process", "start → first painted window (ms, median and range)", "ratio", "RSS MB after 10 s",
                     "RSS MB with workers"], rows)
    idle_rows = [("FlowDesk app hidden (tray), 100 schedules", f"{args.idle:.0f}", f"{idle_app['cpu_main']:.3f}",
                  f"{idle_app['cpu_total']:.3f}")]
    targets = [Target("first window, app ÷ minimal window", "≤ 2.5×", f"{ratio:.2f}×", ratio <= 2.5),
               Target("idle RSS without an interface open (app + workers)", "≤ 200 MB",
                      f"{med['app']['rss_total']:.0f} MB", med["app"]["rss_total"] <= 200),
               Target("idle CPU hidden in the tray (app + workers)", "≤ 0.5 % of a core",
                      f"{idle_app['cpu_total']:.3f} %", idle_app["cpu_total"] <= 0.5)]
    window_part: list[str] = []
    if not args.startup_only:
        gui_rows, gui_targets = window_figures(args, runs_view, stall)
        targets[1:1] = gui_targets
        window_part = ["### Inside the window\n\nEach row is a fresh process (`bench/desktop_gui_probe.py`): the real "
                       "core on its thread, the main window at 1280×800. Lag = how late a 10 ms precise timer fires "
                       "on the GUI thread.", table(["what", "measured", "detail"], gui_rows)]
    compiled = ("the app's Python package is byte-compiled first, as installed" if not args.source
                else "the app's Python package is compiled from source at every start (`--source`)")
    body = "\n\n".join([
        "## Desktop app (`bench/desktop.py`)", f"Command: `{command_line()}`", facts_block(facts),
        f"Median of {args.repeats} alternating runs of each probe, offscreen (`QT_QPA_PLATFORM=offscreen`), "
        "each a fresh process; the app opens on a workspace of 100 scheduled workflows and starts its core "
        f"(scheduler, listener, 2 warm workers) as it does for a user; {compiled}. RSS is the plain sum over "
        "processes.",
        results, table(["process", "idle window (s)", "CPU % of a core (main)", "CPU % (with workers)"], idle_rows),
        *window_part, "### Targets", targets_table(targets)])
    print(body)
    if args.write:
        write_section("desktop", body, facts)
        print("\nwrote the desktop section of BENCHMARKS.md")
    return 0 if all(t.ok for t in targets) else 1


if __name__ == "__main__":
    sys.exit(main())
