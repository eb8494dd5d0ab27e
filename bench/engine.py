"""Engine benchmark: per-run overhead of a no-op workflow, the RunService path, and workspace discovery.

Measured in one run, against baselines from the same run:

* direct  - ``execute(data, {})`` of the no-op main.py called in this process (the baseline);
* engine  - ``Engine.submit`` of the same workflow (isolated warm workers), concurrency 1 and 8
            (8 concurrent submitters, max_instances 8, max_workers 2);
* service - ``runtime.runs.prepare(RunRequest(...))`` + ``runtime.runs.submit(...)``: input validation
            against a 5-field schema, SQLite recording and the engine (the path every front end takes);
* discovery - ``Registry(Workspace(tmp)).reload()`` of 1,000 generated workflows, cold and warm;
* baseline revision (``--baseline-rev REV``) - the same service series against an earlier revision's
            ``flowdesk`` (a git worktree, in a subprocess), interleaved with this tree's: the ratio
            of the two p50s is the cost of a change, measured in one run.

Usage (from the repository root)::

    .venv/bin/python bench/engine.py            # print the tables
    .venv/bin/python bench/engine.py --write    # also rewrite the engine section of BENCHMARKS.md
    .venv/bin/python bench/engine.py --baseline-rev 25e7782 --write
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

from benchmarks_md import (OtherLoad, Target, command_line, facts_block, load_average, machine_facts, table,
                           targets_table, write_section)
from bench_workspace import SAMPLE_INPUT, add_workflow, generate_realistic, new_workspace, noop_config
from latency_stats import LatencySummary, ms, per_second, ratio, summarize
from revision_baseline import describe, run_in_revision

from flowdesk.core.engine import Engine, RunEvent, RunSpec
from flowdesk.core.registry import Registry
from flowdesk.core.run_service import RunRequest
from flowdesk.core.runtime import Runtime
from flowdesk.core.service_settings import RuntimeSettings
from flowdesk.core.workspace import Workspace

BASELINE_RATIO_TARGET = 1.2  # the service p50 may grow at most this much over the baseline revision
MAX_WORKERS = 2
MAX_INSTANCES = 8
WARMUP_RUNS = 50
OVERHEAD_TARGET_S = 0.010
RATE_TARGET = 300.0
DISCOVERY_TARGET_S = 0.5


def direct_baseline(main_py: Path, calls: int) -> LatencySummary:
    """``execute`` imported from main.py and called ``calls`` times in this process."""
    spec = importlib.util.spec_from_file_location("bench_noop_main", main_py)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    execute = module.execute
    latencies: list[float] = []
    clock = time.perf_counter
    start = clock()
    for _ in range(calls):
        t0 = clock()
        result = execute(dict(SAMPLE_INPUT), {})
        latencies.append(clock() - t0)
    elapsed = clock() - start
    assert result["status"] == "success"
    return summarize(latencies, elapsed)


async def measure(one_run: Callable[[], Awaitable[None]], concurrency: int, runs: int) -> LatencySummary:
    """``runs`` calls of ``one_run`` by ``concurrency`` submitters that each wait for their run."""
    latencies: list[float] = []
    left = runs

    async def submitter() -> None:
        nonlocal left
        while left > 0:
            left -= 1
            t0 = time.perf_counter()
            await one_run()
            latencies.append(time.perf_counter() - t0)

    start = time.perf_counter()
    await asyncio.gather(*(submitter() for _ in range(concurrency)))
    return summarize(latencies, time.perf_counter() - start)


async def engine_series(ws: Workspace, wf_dir: Path, plan: dict[int, int]) -> dict[int, LatencySummary]:
    """The bare Engine (with an event handler, as the Runtime always installs one)."""
    def on_event(_event: RunEvent) -> None:
        return None

    engine = Engine(ws.root, max_workers=MAX_WORKERS, warm_workers=MAX_WORKERS, on_event=on_event)
    await engine.start()

    async def one_run() -> None:
        outcome = await engine.submit(RunSpec(run_id=uuid.uuid4().hex, workflow="noop", workflow_dir=wf_dir,
                                              data=dict(SAMPLE_INPUT), max_instances=MAX_INSTANCES))
        if outcome.status != "success":
            raise RuntimeError(f"engine run failed: {outcome.status} {outcome.error}")

    try:
        await measure(one_run, MAX_WORKERS, WARMUP_RUNS)
        return {c: await measure(one_run, c, n) for c, n in plan.items()}
    finally:
        await engine.stop()


async def service_series(ws: Workspace, data_dir: Path, plan: dict[int, int]) -> dict[int, LatencySummary]:
    """The RunService: validate (5 inputs), record in SQLite, run in the engine, record the outcome."""
    runtime = Runtime(ws, data_dir, RuntimeSettings(max_workers=MAX_WORKERS, warm_workers=MAX_WORKERS))
    await runtime.start()

    async def one_run() -> None:
        prepared = runtime.runs.prepare(RunRequest("noop", dict(SAMPLE_INPUT), trigger="manual", source="json"))
        _, done = runtime.runs.submit(prepared)
        record = await done
        if record.status != "success":
            raise RuntimeError(f"service run failed: {record.status} {record.error}")

    try:
        await measure(one_run, MAX_WORKERS, WARMUP_RUNS)
        return {c: await measure(one_run, c, n) for c, n in plan.items()}
    finally:
        await runtime.stop()


def discovery(root: Path, count: int, repeats: int) -> dict[str, float]:
    """Seconds for the first reload, for fresh registries (cold), and for unchanged reloads (warm)."""
    ws = new_workspace(root)
    generate_realistic(ws, count)
    cold: list[float] = []
    for _ in range(repeats):
        registry = Registry(ws)
        t0 = time.perf_counter()
        report = registry.reload()
        cold.append(time.perf_counter() - t0)
        loaded = sum(1 for slug in registry.workflows if slug.startswith("wf_"))
        if loaded != count or report.broken:
            raise RuntimeError(f"discovery found {loaded}/{count} workflows, broken: {report.broken[:3]}")
    warm: list[float] = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        report = registry.reload()
        warm.append(time.perf_counter() - t0)
        if report.added or report.changed or report.removed:
            raise RuntimeError("a warm reload saw changes in an unchanged workspace")
    return {"first": cold[0], "cold_median": statistics.median(cold), "warm_median": statistics.median(warm),
            "warm_max": max(warm)}


def render(direct: LatencySummary, eng: dict[int, LatencySummary], svc: dict[int, LatencySummary],
           disc: dict[str, float], count: int, repeats: int) -> tuple[str, list[Target]]:
    """The results tables (Markdown) and the targets."""
    rows = [("direct `execute()` in-process (baseline)", "1", direct.count, per_second(direct.rate),
             ms(direct.p50, 4), ms(direct.p99, 4), "-", "1×")]
    for label, series in (("Engine.submit", eng), ("RunService prepare+submit", svc)):
        for c, s in series.items():
            rows.append((label, str(c), s.count, per_second(s.rate), ms(s.p50), ms(s.p99),
                         ms(s.p50 - direct.p50), ratio(s.p50, direct.p50)))
    runs = table(["path", "concurrency", "runs", "runs/s", "p50 ms", "p99 ms", "p50 overhead ms (− direct)",
                  "p50 ratio to direct"], rows)
    cmp_rows = [(c, ratio(svc[c].p50, eng[c].p50), ratio(eng[c].rate, svc[c].rate), ms(svc[c].p50 - eng[c].p50))
                for c in eng if c in svc]
    compare = table(["concurrency", "service p50 ÷ engine p50", "engine runs/s ÷ service runs/s",
                     "service p50 − engine p50 (ms)"], cmp_rows)
    disc_table = table(["discovery of %d workflows" % count, "seconds"], [
        ("cold: first `Registry(ws).reload()` in the process", f"{disc['first']:.3f}"),
        (f"cold: median of {repeats} fresh `Registry` objects", f"{disc['cold_median']:.3f}"),
        (f"warm: `reload()` with nothing changed, median of {repeats}", f"{disc['warm_median']:.3f}"),
        (f"warm: worst of {repeats}", f"{disc['warm_max']:.3f}"),
    ])
    targets = [Target(f"p50 overhead, {label}, concurrency {c}", "≤ 10 ms", f"{ms(s.p50 - direct.p50)} ms",
                      s.p50 - direct.p50 <= OVERHEAD_TARGET_S)
               for label, series in (("engine", eng), ("RunService", svc)) for c, s in series.items()]
    targets += [Target(f"throughput, {label}, concurrency {c}", "≥ 300 runs/s", f"{per_second(s.rate)} runs/s",
                       s.rate >= RATE_TARGET)
                for label, series in (("engine", eng), ("RunService", svc)) for c, s in series.items()]
    targets += [Target(f"discovery of {count} workflows, {label}", "≤ 0.5 s", f"{disc[key]:.3f} s",
                       disc[key] <= DISCOVERY_TARGET_S)
                for label, key in (("cold, first reload in the process", "first"),
                                   (f"cold, median of {repeats} fresh registries", "cold_median"),
                                   (f"warm, median of {repeats}", "warm_median"))]
    body = "\n\n".join([
        "### Per-run latency and throughput (no-op workflow)", runs,
        "### RunService against the bare engine (same run)", compare,
        "### Discovery", disc_table, "### Targets", targets_table(targets)])
    return body, targets


def service_only(runs: int) -> dict[str, object]:
    """The service series alone, as JSON-ready numbers (what ``--service-json`` prints)."""
    import flowdesk

    with tempfile.TemporaryDirectory(prefix="flowdesk-bench-service-") as tmp:
        ws = new_workspace(Path(tmp) / "ws")
        add_workflow(ws, "noop", noop_config(MAX_INSTANCES))
        svc = asyncio.run(service_series(ws, Path(tmp) / "data", {1: runs, 8: runs}))
    return {"flowdesk": flowdesk.__file__,
            "series": {str(c): {"p50": s.p50, "p99": s.p99, "rate": s.rate, "count": s.count} for c, s in svc.items()}}


def baseline_comparison(rev: str, runs: int, rounds: int = 3) -> tuple[str, list[Target]]:
    """This tree's service series and ``rev``'s, alternated ``rounds`` times; the best p50s compared.

    Other processes on the machine can only add time to a series, never remove it, so the best
    (lowest) p50 of several alternating rounds is the steadiest estimate of each side's own cost.
    """
    mine: dict[str, list[float]] = {"1": [], "8": []}
    theirs: dict[str, list[float]] = {"1": [], "8": []}
    for _ in range(rounds):
        for c, s in run_in_revision(rev, "engine.py", ["--service-json", "--runs", str(runs)])["series"].items():
            theirs[c].append(s["p50"])
        for c, s in service_only(runs)["series"].items():
            mine[c].append(s["p50"])
    rows, targets = [], []
    for c in ("1", "8"):
        now, then = min(mine[c]), min(theirs[c])
        rows.append((c, ms(then), ms(now), ratio(now, then),
                     f"{ms(statistics.median(theirs[c]))} / {ms(statistics.median(mine[c]))}"))
        if c == "1":
            targets.append(Target(f"RunService p50, concurrency 1, against {rev}", f"≤ {BASELINE_RATIO_TARGET}×",
                                  ratio(now, then), now <= then * BASELINE_RATIO_TARGET))
    text = "\n\n".join([
        f"### RunService against revision {describe(rev)} (same run)",
        table(["concurrency", f"best p50 ms, {rev}", "best p50 ms, this tree", "this tree ÷ baseline",
               "median p50 ms (baseline / this tree)"], rows),
        f"Each side ran the service series {rounds} times ({runs} runs per concurrency each), alternating; "
        "the ratio compares the best p50 of each side (other processes only ever add time), the medians are "
        "shown beside. The baseline is a git worktree of that revision whose `flowdesk` package a subprocess "
        "imports (checked), driven by this tree's measuring code. Only concurrency 1 (one run's own overhead) "
        "has a target; concurrency 8 is shown for information."])
    return text, targets


def main() -> int:
    """Parse the flags, run, print, optionally write; exit 1 when a target fails."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3000, help="runs per engine series (service: half)")
    parser.add_argument("--direct-calls", type=int, default=20000, help="in-process execute() calls")
    parser.add_argument("--workflows", type=int, default=1000, help="generated workflows for discovery")
    parser.add_argument("--repeats", type=int, default=5, help="discovery repetitions (medians)")
    parser.add_argument("--write", action="store_true", help="rewrite the engine section of BENCHMARKS.md")
    parser.add_argument("--baseline-rev", help="also measure the service series of this git revision")
    parser.add_argument("--service-json", action="store_true", help=argparse.SUPPRESS)  # used by --baseline-rev
    args = parser.parse_args()
    if args.service_json:
        print(json.dumps(service_only(args.runs)))
        return 0
    facts = machine_facts()
    other = OtherLoad()
    with tempfile.TemporaryDirectory(prefix="flowdesk-bench-engine-") as tmp:
        disc = discovery(Path(tmp) / "discovery", args.workflows, args.repeats)  # first: no workers running yet
        ws = new_workspace(Path(tmp) / "ws")
        wf_dir = add_workflow(ws, "noop", noop_config(MAX_INSTANCES))
        direct = direct_baseline(wf_dir / "main.py", args.direct_calls)
        plan = {1: args.runs, 8: args.runs}
        eng = asyncio.run(engine_series(ws, wf_dir, plan))
        svc = asyncio.run(service_series(ws, Path(tmp) / "data", {c: max(1, n // 2) for c, n in plan.items()}))
    facts["load average at end"] = load_average()
    facts["CPU used by other processes during the run"] = other.describe()
    results, targets = render(direct, eng, svc, disc, args.workflows, args.repeats)
    if args.baseline_rev:
        text, found = baseline_comparison(args.baseline_rev, max(1, args.runs // 2))
        results = results.replace("### Targets", text + "\n\n### Targets", 1)
        targets += found
        results = results.rsplit("### Targets", 1)[0] + "### Targets\n\n" + targets_table(targets)
    setup = (f"No-op workflow with a 5-field `inputs_schema`; Engine(max_workers={MAX_WORKERS}, "
             f"warm_workers={MAX_WORKERS}), max_instances {MAX_INSTANCES}; {WARMUP_RUNS} warm-up runs per path "
             "are not counted. Concurrency N = N submitters, each waiting for its run before the next. "
             "Latency = submit to outcome (engine) / prepare to finished record (RunService). "
             "Overhead = p50 of the path − p50 of the direct call measured in the same run. The workers are "
             "recycled every 500 runs (the engine default), which is included.")
    body = "\n\n".join(["## Engine (`bench/engine.py`)", f"Command: `{command_line()}`",
                        facts_block(facts), setup, results])
    print(body)
    if args.write:
        write_section("engine", body, facts)
        print("\nwrote the engine section of BENCHMARKS.md")
    return 0 if all(t.ok for t in targets) else 1


if __name__ == "__main__":
    sys.exit(main())
