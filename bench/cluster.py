"""Scale-out benchmark: FlowDesk on Celery workers (Valkey + PostgreSQL) against single-machine serve, same run.

For each row a burst of public webhook deliveries goes to serve (HTTP, 16 keep-alive clients);
completed runs/s is runs / (last finished_at - first queued_at) from the store. Accept->start is
started_at - queued_at of every run of the burst (queueing included), and, in the idle phase, of
runs sent one at a time (the dispatch overhead alone). Each delivery appends its number to a
ledger file: lost (accepted, never done) and duplicated (done twice) are counted from it.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import aiohttp

from bench_workspace import add_workflow, new_workspace
from benchmarks_md import (OtherLoad, Target, command_line, facts_block, load_average, machine_facts, table,
                           targets_table, write_section)
from cluster_setup import ClusterServers, WorkerProcess, cluster_serve, pg_runs, sqlite_runs, wait_done
from http_load import client_session
from intake_phases import Sender, ledger_counts
from latency_stats import ms, per_second, percentile
from serve_process import flowdesk_serve

LEDGER_SLEEP_MAIN = '''import os
import time


def execute(data, tools):
    if data.get("sleep"):
        time.sleep(float(data["sleep"]))
    fd = os.open(data["ledger"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, f"{data['i']}\\n".encode())
    finally:
        os.close(fd)
    return {"status": "success"}
'''
CONCURRENCY = 4  # runs at once per worker (and the single-machine engine's max_workers default)
WORKLOADS = {"noop": 0.0, "sleep": 0.2}


@dataclass
class Row:
    """One measured row."""

    mode: str
    workers: int
    workload: str
    runs: int
    rate: float
    start_p50: float
    start_p99: float
    idle_p50: float
    idle_p99: float
    lost: int
    duplicated: int


class LedgerSender(Sender):
    """Sender with a ``sleep`` field in each delivery."""

    def __init__(self, url: str, ledger: Path, total: int, concurrency: int, sleep: float, offset: int = 0) -> None:
        super().__init__(url, ledger, total, concurrency)
        self.sleep, self._next, self.total = sleep, offset, offset + total

    async def _client(self, session: aiohttp.ClientSession) -> None:
        import json

        while self._next < self.total:
            i = self._next
            self._next += 1
            body = json.dumps({"i": i, "ledger": str(self.ledger), "sleep": self.sleep})
            async with session.post(self.url, data=body, headers={"Content-Type": "application/json"}) as r:
                raw = await r.read()
                self.statuses[r.status] += 1
                if r.status == 202:
                    self.accepted[i] = json.loads(raw)["run_id"]


async def measure(url: str, read, ledger: Path, burst: int, idle: int, sleep: float) -> tuple[dict, dict, float]:
    """Burst then idle phase against one server; returns (burst runs, idle runs, completed/s)."""
    sender = LedgerSender(f"{url}/api/webhooks/bench", ledger, burst, 16, sleep)
    await sender.run()
    runs = wait_done(read, burst, 600)
    burst_runs = {rid: runs[rid] for rid in sender.accepted.values()}
    first, last = min(r[1] for r in burst_runs.values()), max(r[3] for r in burst_runs.values())
    rate = len(burst_runs) / max(1e-6, (last - first) / 1e6)
    idle_ids = []
    async with client_session(1) as session:
        for i in range(idle):  # one at a time, each waited for: workers are idle when it arrives
            async with session.post(f"{url}/api/webhooks/bench?wait=true", headers={"Content-Type": "application/json"},
                                    json={"i": burst + i, "ledger": str(ledger), "sleep": 0.0}) as r:
                idle_ids.append((await r.json())["run_id"])
    runs = wait_done(read, burst + idle, 120)
    return burst_runs, {rid: runs[rid] for rid in idle_ids}, rate


def row_from(mode: str, workers: int, workload: str, burst: dict, idle: dict, rate: float, ledger: Path,
             accepted: int) -> Row:
    """Latencies (ms) and ledger checks of one row."""
    starts = [(r[2] - r[1]) / 1000 for r in burst.values() if r[2] is not None]
    idles = [(r[2] - r[1]) / 1000 for r in idle.values() if r[2] is not None]
    counts = ledger_counts(ledger)
    lost = accepted - sum(1 for c in counts.values() if c >= 1)
    duplicated = sum(c - 1 for c in counts.values() if c > 1)
    return Row(mode, workers, workload, len(burst), rate, percentile(starts, 50), percentile(starts, 99),
               percentile(idles, 50), percentile(idles, 99), lost, duplicated)


async def baseline(tmp: Path, workload: str, burst: int, idle: int) -> Row:
    """Single-machine ``flowdesk serve`` (SQLite, its own engine of 4 workers)."""
    ws = workspace(tmp / f"single-{workload}")
    ledger = tmp / f"single-{workload}.ledger"
    data = tmp / f"single-{workload}-data"
    with flowdesk_serve(ws, data, secrets.token_hex(16), tmp / f"single-{workload}.log") as fd:
        fd.start()
        b, i, rate = await measure(fd.url, lambda: sqlite_runs(data), ledger, burst, idle, WORKLOADS[workload])
    return row_from("single machine", 0, workload, b, i, rate, ledger, burst + idle)


async def cluster_row(tmp: Path, servers: ClusterServers, workers: int, workload: str, burst: int, idle: int) -> Row:
    """serve --broker + ``workers`` workers of CONCURRENCY each."""
    tag = f"cluster{workers}-{workload}"
    ws, ledger, token = workspace(tmp / tag), tmp / f"{tag}.ledger", secrets.token_hex(16)
    database = servers.fresh_database()
    servers.flush_broker()
    procs = [WorkerProcess(ws, tmp / f"{tag}-w{n}", token, servers.broker, database, f"bench-w{n}", CONCURRENCY,
                           tmp / f"{tag}-w{n}.log") for n in range(workers)]
    try:
        with cluster_serve(ws, tmp / f"{tag}-serve", token, servers.broker, database, tmp / f"{tag}.log") as fd:
            fd.start()
            for proc in procs:
                proc.wait_ready()
            b, i, rate = await measure(fd.url, lambda: pg_runs(database), ledger, burst, idle, WORKLOADS[workload])
    finally:
        for proc in procs:
            proc.stop()
    return row_from("cluster", workers, workload, b, i, rate, ledger, burst + idle)


def workspace(root: Path) -> Path:
    """A workspace with the ``bench`` webhook (public, 64 at once: max_instances never limits here)."""
    ws = new_workspace(root)
    add_workflow(ws, "bench", {"name": "Bench", "triggers": ["webhook"], "webhook": {"auth": "public"},
                               "max_instances": 64, "timeout": 60}, LEDGER_SLEEP_MAIN)
    return ws.root


async def run(args: argparse.Namespace) -> list[Row]:
    """Every row, baseline first, in one run."""
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="flowdesk-bench-cluster-") as name:
        tmp = Path(name)
        sizes = {"noop": lambda w: int(args.noop_runs), "sleep": lambda w: int(args.sleep_runs * max(1, w))}
        for workload in WORKLOADS:
            rows.append(await baseline(tmp, workload, sizes[workload](1), args.idle_runs))
            print(rows[-1], flush=True)
        servers = ClusterServers(tmp / "servers")
        try:
            for workload in WORKLOADS:
                for workers in (1, 2, 4):
                    rows.append(await cluster_row(tmp, servers, workers, workload, sizes[workload](workers),
                                                  args.idle_runs))
                    print(rows[-1], flush=True)
        finally:
            servers.stop()
    return rows


def report(rows: list[Row]) -> tuple[list[str], list[Target]]:
    """Tables and targets."""
    def base(workload: str) -> Row:
        return next(r for r in rows if r.mode == "single machine" and r.workload == workload)

    lines = [(r.mode, r.workers or "-", f"{r.workload} ({int(WORKLOADS[r.workload] * 1000)} ms)", r.runs,
              per_second(r.rate), f"{r.rate / base(r.workload).rate:.2f}×", ms(r.start_p50 / 1000),
              ms(r.start_p99 / 1000), ms(r.idle_p50 / 1000), ms(r.idle_p99 / 1000), r.lost, r.duplicated)
             for r in rows]
    headers = ["mode", "workers", "workflow", "runs", "completed/s", "÷ single machine", "accept→start p50 ms",
               "p99 ms", "idle accept→start p50 ms", "p99 ms", "lost", "duplicated"]
    sleep = {r.workers: r for r in rows if r.mode == "cluster" and r.workload == "sleep"}
    noop = {r.workers: r for r in rows if r.mode == "cluster" and r.workload == "noop"}
    scaling = sleep[4].rate / (4 * sleep[1].rate)
    worst_idle = max(r.idle_p50 for r in rows if r.mode == "cluster")
    targets = [
        Target("(b) 200 ms workflow, 4 workers vs 1 (concurrency 4 each)", "≥ 0.8 × linear",
               f"{scaling:.2f} × linear ({per_second(sleep[4].rate)} vs 4 × {per_second(sleep[1].rate)})",
               scaling >= 0.8),
        Target("dispatch overhead: idle accept→start p50, every cluster row", "≤ 15 ms", f"{worst_idle:.1f} ms (worst)",
               worst_idle <= 15),
        Target("(a) no-op, completed runs/s with 2 workers", "≥ 500 /s", per_second(noop[2].rate), noop[2].rate >= 500),
        Target("lost and duplicated runs, every row", "0 and 0",
               f"{sum(r.lost for r in rows)} lost, {sum(r.duplicated for r in rows)} duplicated",
               all(r.lost == 0 and r.duplicated == 0 for r in rows)),
    ]
    return [table(headers, lines)], targets


def main() -> int:
    """Parse the flags, run, print, optionally write; exit 1 when a target fails."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--noop-runs", type=int, default=3000, help="no-op deliveries per row")
    parser.add_argument("--sleep-runs", type=int, default=160, help="200 ms deliveries per row, per worker")
    parser.add_argument("--idle-runs", type=int, default=100, help="deliveries sent one at a time per row")
    parser.add_argument("--write", action="store_true", help="rewrite the cluster section of BENCHMARKS.md")
    args = parser.parse_args()
    facts = machine_facts()
    other = OtherLoad()
    started = time.monotonic()
    rows = asyncio.run(run(args))
    facts["load average at end"] = load_average()
    facts["CPU used by other processes during the run"] = other.describe()
    facts["duration"] = f"{time.monotonic() - started:.0f} s"
    parts, targets = report(rows)
    body = "\n\n".join(["## Scale-out on Celery workers (`bench/cluster.py`)", f"Command: `{command_line()}`",
                        facts_block(facts), EXPLAIN, *parts, "### Targets", targets_table(targets)])
    print(body)
    if args.write:
        write_section("cluster", body, facts)
        print("\nwrote the cluster section of BENCHMARKS.md")
    return 0 if all(t.ok for t in targets) else 1


EXPLAIN = (
    "Every process on this one 2-core machine: the load generator, serve, the workers and their engine "
    "subprocesses, Valkey and PostgreSQL (the demo's embedded servers, default settings: fsync on). "
    "Single machine = `flowdesk serve` on SQLite with its own engine (4 workers, one kept from webhooks), "
    "measured in the same run. Cluster = `flowdesk serve --broker --database` and N `flowdesk worker "
    "--concurrency 4`, a fresh database per row. A burst of webhooks is sent by 16 clients; completed/s = "
    "runs / (last finished_at − first queued_at). accept→start = started_at − queued_at (in the burst, "
    "waiting in the queue included); idle = deliveries sent one at a time with `?wait=true`, the dispatch "
    "overhead alone. Lost / duplicated come from the workflow's own ledger (one O_APPEND line per run done)."
)

if __name__ == "__main__":
    sys.exit(main())
