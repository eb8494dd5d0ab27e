"""Service benchmark: webhooks through a real ``flowdesk serve`` subprocess, scheduler lateness, idle cost.

One run, five phases, each against its own ``flowdesk serve --port 0 --no-watch`` subprocess
(temp workspace and data dir, FLOWDESK_API_TOKEN set, default RuntimeSettings: max_workers 4,
warm_workers 2, one worker kept from webhooks, backlog limit 100,000 - serve has no flags for them);
the load generator is this process (aiohttp client), everything on 127.0.0.1:

1. webhooks - no-op public webhook workflow (max_instances 64): accepted/s and p50/p99 latency at
   concurrency 1 and 32, async (202) and ``?wait=true`` (completed runs/s), side by side with a bare
   aiohttp server subprocess (bench/ceiling_server.py) as the ceiling. Async sends go in bursts of
   500 with a pause for the queue to drain (as in earlier runs, so the rows stay comparable);
   afterwards every accepted webhook is checked to have exactly one run record.
2. burst - 20,000 webhooks at concurrency 32 in one go: accepted/s, 429s, completed/s, and lost or
   duplicated runs from the workflow's own ledger (bench/intake_phases.py).
3. crash - kill -9 half way through a 5,000 burst, restart on the same data dir: every accepted run
   completes exactly once (bench/intake_phases.py).
4. schedule - 1,000 workflows on ``* * * * *`` (UTC, catchup skip): lateness ``queued_at − due`` of
   the runs of one minute boundary, read from the service's SQLite file.
5. idle - 100 schedules far in the future: CPU and RSS of the serve process and its workers (psutil).

Usage (from the repository root)::

    .venv/bin/python bench/serve.py            # print the tables (about 4 minutes)
    .venv/bin/python bench/serve.py --write    # also rewrite the serve section of BENCHMARKS.md
"""

from __future__ import annotations

import argparse
import asyncio
import math
import secrets
import sys
import tempfile
import time
from pathlib import Path

from bench_workspace import add_workflow, new_workspace, scheduled_config, webhook_config
from benchmarks_md import (OtherLoad, Target, command_line, facts_block, load_average, machine_facts, table,
                           targets_table, write_section)
from http_load import LoadResult, client_session, get_json, post_load, wait_drained
from intake_phases import burst_phase, crash_phase
from latency_stats import ms, per_second, percentile, ratio
from run_records import check_accepted, read_runs
from serve_process import ProcessTreeUsage, ceiling_server, flowdesk_serve

BURST = 500  # async webhooks sent before waiting for the queue to drain (kept from earlier runs, for comparison)
MB = 1024 * 1024
REFERENCES = ("Reference points (published / earlier, not measured in this run): n8n publishes 220 "
              "executions/s for one instance; the seed platform did about 190 webhook runs/s on this machine.")


async def load_series(url: str, requests: int, concurrency: int, usage: ProcessTreeUsage,
                      body: bytes = b'{"event": "ping"}') -> tuple[LoadResult, float, float]:
    """One measured series; returns it with the server's CPU seconds (main, main + workers)."""
    async with client_session(concurrency) as session:
        usage.begin()
        result = await post_load(session, url, requests, concurrency, body, tick=usage.sample)
        usage.sample()
    main, total = usage.cpu_seconds()
    return result, main, total


def row(server: str, mode: str, conc: int, res: LoadResult, good: int, ceiling: float | None,
        cpu: tuple[float, float]) -> tuple[list[object], float]:
    """A results-table row and its rate (``good`` answers per second of sending)."""
    rate = good / res.elapsed if res.elapsed else math.nan
    s = res.summary()
    other = sum(res.statuses.values()) - good - res.ok(429) + sum(res.errors.values())
    cells: list[object] = [server, mode, conc, len(res.latencies) + sum(res.errors.values()), good,
                           res.ok(429), other, per_second(rate), ms(s.p50), ms(s.p99),
                           ratio(rate, ceiling) if ceiling else "1× (ceiling)",
                           f"{cpu[0] / res.elapsed * 100:.0f} / {cpu[1] / res.elapsed * 100:.0f}",
                           f"{res.client_cpu / res.elapsed * 100:.0f}"]
    return cells, rate


async def webhook_phase(tmp: Path, scale: float) -> tuple[str, list[Target]]:
    """Ceiling, async and ?wait=true series; then one run record per accepted webhook."""
    ws = new_workspace(tmp / "ws")
    add_workflow(ws, "hook", webhook_config(64))
    add_workflow(ws, "hook_wait", webhook_config(64))

    def n(base: int) -> int:
        return max(50, int(base * scale))

    rows: list[list[object]] = []
    rates: dict[tuple[str, int], float] = {}
    client_cpu: dict[int, float] = {}
    with ceiling_server(tmp / "ceiling.log") as ceiling, \
            flowdesk_serve(ws.root, tmp / "data", secrets.token_hex(16), tmp / "serve.log") as fd:
        ceiling.start()
        fd.start()
        c_usage, f_usage = ProcessTreeUsage(ceiling.pid), ProcessTreeUsage(fd.pid)
        await load_series(f"{ceiling.url}/api/webhooks/hook", 200, 8, c_usage)  # warm-ups, not counted
        await load_series(f"{fd.url}/api/webhooks/hook_wait?wait=true", 100, 8, f_usage)
        for conc, count in ((1, n(2000)), (32, n(6000))):
            res, main, total = await load_series(f"{ceiling.url}/api/webhooks/hook", count, conc, c_usage)
            cells, rates[("ceiling", conc)] = row("bare aiohttp", "202", conc, res, res.ok(202), None, (main, total))
            rows.append(cells)
            client_cpu[conc] = res.client_cpu / res.elapsed * 100
        accepted_ids: list[str] = []
        drain = 0.0
        for conc, bursts in ((1, 2), (32, 6)):
            merged, cpu = LoadResult(), [0.0, 0.0]
            for _ in range(max(1, int(bursts * scale))):
                res, main, total = await load_series(f"{fd.url}/api/webhooks/hook", BURST, conc, f_usage)
                merged.add(res)
                cpu[0] += main
                cpu[1] += total
                drain += await wait_drained(fd.url)
            accepted_ids += merged.run_ids
            cells, rates[("async", conc)] = row("flowdesk serve", "async 202 (accepted)", conc, merged,
                                                merged.ok(202), rates[("ceiling", conc)], (cpu[0], cpu[1]))
            rows.append(cells)
        for conc, count in ((1, n(500)), (32, n(2000))):
            res, main, total = await load_series(f"{fd.url}/api/webhooks/hook_wait?wait=true", count, conc, f_usage)
            cells, rates[("wait", conc)] = row("flowdesk serve", "?wait=true (completed)", conc, res,
                                               res.run_statuses.get("success", 0), rates[("ceiling", conc)],
                                               (main, total))
            rows.append(cells)
        await wait_drained(fd.url)
        check = check_accepted(tmp / "data", "hook", accepted_ids)
    results = table(["server", "mode", "concurrency", "requests", "ok", "429", "other/errors", "ok per s",
                     "p50 ms", "p99 ms", "rate ÷ ceiling (same concurrency)", "server CPU % main / +workers",
                     "client CPU %"], rows)
    targets = [
        Target("accepted webhooks/s, async, concurrency 32", "≥ 1,000 /s", per_second(rates[("async", 32)]) + " /s",
               rates[("async", 32)] >= 1000),
        Target("completed runs/s, ?wait=true, concurrency 32", "≥ 300 /s", per_second(rates[("wait", 32)]) + " /s",
               rates[("wait", 32)] >= 300),
        Target("one run record per accepted webhook", "all", f"{check.matched}/{check.accepted}", check.ok),
    ]
    text = "\n\n".join([
        "### Webhooks: flowdesk serve against a bare aiohttp server", results,
        f"Record check after the async series (SQLite, workflow `hook`): {check.describe()}. The queue drained "
        f"in {drain:.1f} s in total between bursts (not counted in the rates).",
        "Rates: async = 202 answers per second of sending; ?wait=true = answers with run_status success per "
        "second; ceiling = 202 answers per second. Latency = request sent to answer read, every request. "
        "CPU % is of one core (200 % = both cores); the load generator shares the 2 cores.",
        *[f"At concurrency {c} the ceiling is bounded by this Python load generator ({cpu:.0f} % of a core), "
          "so it understates bare aiohttp and the ratios against it flatter FlowDesk."
          for c, cpu in client_cpu.items() if cpu >= 90]])
    return text, targets


def spread(label: str, values: list[float]) -> tuple[object, ...]:
    """A table row: label, count, then min / p50 / p99 / max in ms."""
    low, high = min(values, default=math.nan), max(values, default=math.nan)
    return label, len(values), ms(low), ms(percentile(values, 50)), ms(percentile(values, 99)), ms(high)


def slope_note(late: list[float]) -> str:
    """How lateness grows along the batch: the first job's delay, then the cost of each further job."""
    if len(late) < 2:
        return ""
    first, last = min(late), max(late)
    return (f"All jobs share one due instant, so lateness grows along the batch: the first run was queued "
            f"{ms(first, 0)} ms late, each further one about {ms((last - first) / (len(late) - 1), 3)} ms later.")


async def schedule_phase(tmp: Path, count: int) -> tuple[str, list[Target]]:
    """``count`` workflows due at the same minute: how late each run was queued."""
    ws = new_workspace(tmp / "ws")
    for i in range(count):
        add_workflow(ws, f"sched_{i:04d}", scheduled_config("* * * * *"))
    t0 = time.time()
    with flowdesk_serve(ws.root, tmp / "data", secrets.token_hex(16), tmp / "serve.log") as fd:
        fd.start(timeout=240)
        startup = time.time() - t0
        due = math.ceil(time.time() / 60) * 60
        if due - time.time() < 5:  # too close to judge cleanly: take the next boundary
            due += 60
        await asyncio.sleep(max(0.0, due - time.time() + 2.0))  # stay off the CPU while the jobs fire
        rows = []
        while time.time() < due + 55:
            await asyncio.sleep(1.0)
            rows = read_runs(tmp / "data", prefix="sched_", since=due - 5, until=due + 55)
            if len(rows) >= count and all(r.status not in ("queued", "running") for r in rows):
                break
    late = [r.queued_at - due for r in rows if r.status != "skipped"]
    started = [r.started_at - due for r in rows if r.started_at is not None and r.status != "skipped"]
    finished = [r.finished_at - due for r in rows if r.finished_at is not None and r.status != "skipped"]
    statuses = ", ".join(f"{s}: {sum(1 for r in rows if r.status == s)}" for s in sorted({r.status for r in rows}))
    p99 = percentile(late, 99)
    results = table(["measure (ms after the due minute)", "runs", "min", "p50", "p99", "max"], [
        spread("**queued_at − due** (scheduler lateness)", late),
        spread("started_at − due (+ engine queue, 4 workers)", started),
        spread("finished_at − due", finished),
    ])
    text = "\n\n".join([
        f"### Scheduler lateness: {count} workflows on `* * * * *`", results,
        f"Due minute {time.strftime('%H:%M:%S', time.gmtime(due))} UTC, service started "
        f"{due - t0:.0f} s before it (startup to the URL line: {startup:.1f} s). Records of that minute: "
        f"{len(rows)} of {count} expected ({statuses}). `queued_at` is the instant the scheduler "
        "fired: workflows sharing a schedule share one APScheduler job, so the whole batch is stamped with "
        "that instant, then re-checked and recorded in one transaction; `started_at` is when the engine gave "
        "each run a worker slot, so its spread is the engine working through 1,000 runs on 4 workers "
        "(throughput, not lateness). "
        f"{slope_note(late)}"])
    ok = len(late) >= count and p99 <= 0.050
    return text, [Target(f"scheduler lateness p99 (queued_at − due), {count} jobs due together", "≤ 50 ms",
                         f"{ms(p99)} ms ({len(late)}/{count} fired)", ok)]


async def idle_phase(tmp: Path, schedules: int, settle: float, window: float) -> tuple[str, list[Target]]:
    """CPU over ``window`` s and RSS of an idle service ``settle`` s after it started listening."""
    ws = new_workspace(tmp / "ws")
    for i in range(schedules):
        add_workflow(ws, f"idle_{i:03d}", scheduled_config("0 3 1 1 *"))
    with flowdesk_serve(ws.root, tmp / "data", secrets.token_hex(16), tmp / "serve.log") as fd:
        fd.start()
        usage = ProcessTreeUsage(fd.pid)
        await asyncio.sleep(settle)
        rss_start = usage.rss()
        usage.begin()
        start = time.perf_counter()
        while time.perf_counter() - start < window:
            await asyncio.sleep(1.0)
            usage.sample()
        elapsed = time.perf_counter() - start
        rss_end = usage.rss()
        pss_end = usage.pss()
        main, total = usage.cpu_seconds()
    cpu_main, cpu_total = main / elapsed * 100, total / elapsed * 100
    results = table(["process", f"CPU s in {elapsed:.0f} s", "CPU % of one core", f"RSS MB after {settle:.0f} s",
                     "RSS MB at the end", "PSS MB at the end"], [
        ("serve (main process)", f"{main:.2f}", f"{cpu_main:.3f}", f"{rss_start[0] / MB:.1f}",
         f"{rss_end[0] / MB:.1f}", f"{pss_end[0] / MB:.1f}"),
        (f"serve + {rss_end[2]} worker children", f"{total:.2f}", f"{cpu_total:.3f}", f"{rss_start[1] / MB:.1f}",
         f"{rss_end[1] / MB:.1f}", f"{pss_end[1] / MB:.1f}"),
    ])
    text = "\n\n".join([f"### Idle: {schedules} schedules (`0 3 1 1 *`), no requests", results,
                        f"The CPU window starts {settle:.0f} s after the URL line, sampled every second; psutil "
                        f"counts CPU in 10 ms clock ticks, so the resolution is {1 / elapsed:.3f} % here. The RSS "
                        "total is the plain sum (pages shared by the processes are counted in each); PSS "
                        "shares them out, so the PSS total does not double count."])

    def shown(cpu: float) -> str:
        return f"{cpu:.3f} %" if cpu > 0 else f"0 ticks (< {1 / elapsed:.3f} %)"

    return text, [
        Target("idle CPU, serve main process", "≤ 0.5 % of a core", shown(cpu_main), cpu_main <= 0.5),
        Target("idle CPU, serve + workers", "≤ 0.5 % of a core", shown(cpu_total), cpu_total <= 0.5),
        Target("idle RSS at the end, serve main process", "≤ 120 MB", f"{rss_end[0] / MB:.1f} MB",
               rss_end[0] <= 120 * MB),
        Target("idle RSS at the end, serve + workers", "≤ 120 MB", f"{rss_end[1] / MB:.1f} MB",
               rss_end[1] <= 120 * MB),
    ]


async def run(args: argparse.Namespace) -> tuple[list[str], list[Target]]:
    """The chosen phases in order, each in its own temp folder (workspace, data dir, logs)."""
    parts, targets = [], []
    with tempfile.TemporaryDirectory(prefix="flowdesk-bench-serve-") as tmp:
        phases = {"webhook": lambda d: webhook_phase(d, args.scale),
                  "burst": lambda d: burst_phase(d, args.burst),
                  "crash": crash_phase,
                  "schedule": lambda d: schedule_phase(d, args.schedules),
                  "idle": lambda d: idle_phase(d, args.idle_schedules, 10.0, args.idle_seconds)}
        for name in args.phases.split(","):
            folder = Path(tmp) / name
            folder.mkdir()
            print(f"[{time.strftime('%H:%M:%S')}] phase {name} ...", file=sys.stderr, flush=True)
            other = OtherLoad()
            text, found = await phases[name](folder)
            parts.append(f"{text}\n\nCPU used by other processes during this phase: {other.describe()}.")
            targets += found
    return parts, targets


def main() -> int:
    """Parse the flags, run, print, optionally write; exit 1 when a target fails."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--phases", default="webhook,burst,crash,schedule,idle",
                        help="comma-separated subset, in order")
    parser.add_argument("--burst", type=int, default=20_000, help="webhooks in the burst phase")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply the webhook request counts")
    parser.add_argument("--schedules", type=int, default=1000, help="workflows due every minute")
    parser.add_argument("--idle-schedules", type=int, default=100)
    parser.add_argument("--idle-seconds", type=float, default=60.0)
    parser.add_argument("--write", action="store_true", help="rewrite the serve section of BENCHMARKS.md")
    args = parser.parse_args()
    if args.write and args.phases != parser.get_default("phases"):
        parser.error("--write needs every phase (the section is rewritten as a whole)")
    facts = machine_facts()
    other = OtherLoad()
    parts, targets = asyncio.run(run(args))
    facts["load average at end"] = load_average()
    facts["CPU used by other processes during the run"] = other.describe()
    body = "\n\n".join(["## Service (`bench/serve.py`)", f"Command: `{command_line()}`", facts_block(facts),
                        *parts, "### Targets", targets_table(targets), REFERENCES])
    print(body)
    if args.write:
        write_section("serve", body, facts)
        print("\nwrote the serve section of BENCHMARKS.md")
    return 0 if all(t.ok for t in targets) else 1


if __name__ == "__main__":
    sys.exit(main())
