"""Scale-out benchmark: FlowDesk on Celery workers (Valkey + PostgreSQL) against single-machine serve, same run.

Each cluster row has three phases. Drain: a backlog of webhook deliveries is accepted by serve
with no worker running, then the workers start; completed/s = runs / (last finished_at - first
started_at): what the workers do, the HTTP intake excluded; done ``--drains`` times with fresh
workers (median reported: the shared machine's speed drifts by a third within minutes). Live: a second burst is sent (16
keep-alive clients) while the workers run: end-to-end completed/s and accept->start (started_at -
queued_at, waiting in the queue included). Idle: deliveries sent one at a time with ?wait=true:
accept->start is the dispatch overhead alone. The single-machine baseline has the live and idle
phases. Each delivery appends its number to a ledger: lost and duplicated runs are counted from it.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import aiohttp

from bench_workspace import add_workflow, new_workspace
from benchmarks_md import (OtherLoad, Target, command_line, facts_block, load_average, machine_facts, table,
                           targets_table, write_section)
from cluster_setup import ClusterServers, PgRuns, WorkerProcess, cluster_serve, sqlite_runs, wait_done
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
    """One measured row (rates in runs/s, latencies in ms)."""

    mode: str
    workers: int
    workload: str
    runs: int
    drain_rate: float | None  # median of the drains
    drains: list[float]
    live_rate: float
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


async def send(url: str, ledger: Path, count: int, sleep: float, offset: int) -> list[str]:
    """``count`` deliveries by 16 clients; the run ids of those accepted."""
    sender = LedgerSender(f"{url}/api/webhooks/bench", ledger, count, 16, sleep, offset)
    await sender.run()
    return list(sender.accepted.values())


def rate_of(runs: dict[str, tuple], ids: list[str]) -> float:
    """Runs per second between the first queued_at and the last finished_at."""
    rows = [runs[i] for i in ids]
    first, last = min(r[1] for r in rows), max(r[3] for r in rows)
    return len(rows) / max(1e-6, (last - first) / 1e6)


def drain_rate(runs: dict[str, tuple], ids: list[str], all_ready: float) -> float:
    """Runs per second once every worker consumed: runs started after ``all_ready`` (epoch seconds) over
    the time from then to the last finished_at (runs the first workers took alone are left out)."""
    since = int(all_ready * 1e6)
    rows = [runs[i] for i in ids if runs[i][2] >= since]
    return len(rows) / max(1e-6, (max(r[3] for r in rows) - since) / 1e6) if rows else 0.0


async def live_and_idle(url: str, read, ledger: Path, burst: int, idle: int, sleep: float,
                        offset: int) -> tuple[list[str], list[str], dict]:
    """A burst while the runs are run, then deliveries one at a time; (burst ids, idle ids, records)."""
    ids = await send(url, ledger, burst, sleep, offset)
    wait_done(read, offset + burst, 600)
    idle_ids = []
    async with client_session(1) as session:
        for i in range(idle):  # one at a time, each waited for: the workers are idle when it arrives
            async with session.post(f"{url}/api/webhooks/bench?wait=true", headers={"Content-Type": "application/json"},
                                    json={"i": offset + burst + i, "ledger": str(ledger), "sleep": 0.0}) as r:
                idle_ids.append((await r.json())["run_id"])
    return ids, idle_ids, wait_done(read, offset + burst + idle, 120)


def row_from(mode: str, workers: int, workload: str, runs: dict, live: list[str], idle: list[str],
             drains: list[float], ledger: Path, accepted: int) -> Row:
    """Latencies (ms) and ledger checks of one row."""
    starts = [(runs[i][2] - runs[i][1]) / 1000 for i in live]
    idles = [(runs[i][2] - runs[i][1]) / 1000 for i in idle]
    counts = ledger_counts(ledger)
    lost = accepted - sum(1 for c in counts.values() if c >= 1)
    duplicated = sum(c - 1 for c in counts.values() if c > 1)
    drain = statistics.median(drains) if drains else None
    return Row(mode, workers, workload, len(live), drain, drains, rate_of(runs, live), percentile(starts, 50),
               percentile(starts, 99), percentile(idles, 50), percentile(idles, 99), lost, duplicated)


async def baseline(tmp: Path, workload: str, burst: int, idle: int) -> Row:
    """Single-machine ``flowdesk serve`` (SQLite, its own engine of 4 workers)."""
    ws = workspace(tmp / f"single-{workload}")
    ledger = tmp / f"single-{workload}.ledger"
    data = tmp / f"single-{workload}-data"
    with flowdesk_serve(ws, data, secrets.token_hex(16), tmp / f"single-{workload}.log") as fd:
        fd.start()
        live, idle_ids, runs = await live_and_idle(fd.url, lambda: sqlite_runs(data), ledger, burst, idle,
                                                   WORKLOADS[workload], 0)
    return row_from("single machine", 0, workload, runs, live, idle_ids, [], ledger, burst + idle)


async def cluster_row(tmp: Path, servers: ClusterServers, workers: int, workload: str, burst: int, idle: int,
                      drains: int = 3) -> Row:
    """serve --broker + ``workers`` workers of CONCURRENCY each: ``drains`` drains, then live and idle phases."""
    tag = f"cluster{workers}-{workload}"
    ws, ledger, token = workspace(tmp / tag), tmp / f"{tag}.ledger", secrets.token_hex(16)
    database = servers.fresh_database()
    servers.flush_broker()
    read = PgRuns(database)
    procs: list[WorkerProcess] = []
    rates: list[float] = []
    try:
        with cluster_serve(ws, tmp / f"{tag}-serve", token, servers.broker, database, tmp / f"{tag}.log") as fd:
            fd.start()
            for attempt in range(drains):
                for proc in procs:  # each drain starts fresh workers on a backlog they did not see coming
                    proc.stop()
                backlog = await send(fd.url, ledger, burst, WORKLOADS[workload], attempt * burst)  # no worker: it waits
                procs = [WorkerProcess(ws, tmp / f"{tag}-w{n}-{attempt}", token, servers.broker, database,
                                       f"bench-w{n}-{attempt}", CONCURRENCY, tmp / f"{tag}-w{n}-{attempt}.log")
                         for n in range(workers)]
                for proc in procs:
                    proc.wait_ready()
                all_ready = time.time()
                rates.append(drain_rate(wait_done(read, (attempt + 1) * burst, 600), backlog, all_ready))
            live, idle_ids, runs = await live_and_idle(fd.url, read, ledger, burst, idle, WORKLOADS[workload],
                                                       drains * burst)
    finally:
        for proc in procs:
            proc.stop()
        read.close()
    return row_from("cluster", workers, workload, runs, live, idle_ids, rates, ledger, (drains + 1) * burst + idle)


def workspace(root: Path) -> Path:
    """A workspace with the ``bench`` webhook (public, 64 at once: max_instances never limits here)."""
    ws = new_workspace(root)
    add_workflow(ws, "bench", {"name": "Bench", "triggers": ["webhook"], "webhook": {"auth": "public"},
                               "max_instances": 64, "timeout": 60}, LEDGER_SLEEP_MAIN)
    return ws.root


async def run(args: argparse.Namespace) -> list[Row]:
    """Every row, baseline first, in one run (``--only``: that cluster row alone)."""
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="flowdesk-bench-cluster-") as name:
        tmp = Path(name)
        sizes = {"noop": lambda w: int(args.noop_runs), "sleep": lambda w: int(args.sleep_runs * max(1, w))}
        only = parse_only(args.only)
        for workload in WORKLOADS if only is None else ():
            rows.append(await baseline(tmp, workload, sizes[workload](1), args.idle_runs))
            print(rows[-1], flush=True)
        servers = ClusterServers(tmp / "servers")
        try:
            for workload in WORKLOADS:
                for workers in (1, 2, 4):
                    if only is not None and only != (workers, workload):
                        continue
                    rows.append(await cluster_row(tmp, servers, workers, workload, sizes[workload](workers),
                                                  args.idle_runs, args.drains))
                    print(rows[-1], flush=True)
        finally:
            servers.stop()
    return rows


def parse_only(value: str | None) -> tuple[int, str] | None:
    """``--only 2:noop`` -> (2, "noop")."""
    if not value:
        return None
    workers, _, workload = value.partition(":")
    if workload not in WORKLOADS or workers not in ("1", "2", "4"):
        raise SystemExit(f"--only {value!r}: expected WORKERS:WORKLOAD with WORKERS 1, 2 or 4 and WORKLOAD "
                         f"{' or '.join(WORKLOADS)}")
    return int(workers), workload


def drain_cell(row: Row) -> str:
    """The median drain rate, with the lowest and highest when there were several drains."""
    if not row.drain_rate:
        return "-"
    if len(row.drains) < 2:
        return per_second(row.drain_rate)
    return f"{per_second(row.drain_rate)} ({per_second(min(row.drains))}–{per_second(max(row.drains))})"


def report(rows: list[Row]) -> tuple[list[str], list[Target]]:
    """Tables and targets."""
    def base(workload: str) -> Row:
        return next(r for r in rows if r.mode == "single machine" and r.workload == workload)

    lines = [(r.mode, r.workers or "-", f"{r.workload} ({int(WORKLOADS[r.workload] * 1000)} ms)", r.runs,
              drain_cell(r), per_second(r.live_rate),
              f"{r.live_rate / base(r.workload).live_rate:.2f}×", ms(r.start_p50 / 1000), ms(r.start_p99 / 1000),
              ms(r.idle_p50 / 1000), ms(r.idle_p99 / 1000), r.lost, r.duplicated) for r in rows]
    headers = ["mode", "workers", "workflow", "runs per burst", "drain completed/s (median, range)", "live completed/s",
               "live ÷ single machine", "live accept→start p50 ms", "p99 ms", "idle accept→start p50 ms", "p99 ms",
               "lost", "duplicated"]
    sleep = {r.workers: r for r in rows if r.mode == "cluster" and r.workload == "sleep"}
    noop = {r.workers: r for r in rows if r.mode == "cluster" and r.workload == "noop"}
    scaling = (sleep[4].drain_rate or 0) / (4 * (sleep[1].drain_rate or 1))
    worst_idle = max(r.idle_p50 for r in rows if r.mode == "cluster")
    targets = [
        Target("(b) 200 ms workflow, median drain rate of 4 workers vs 1 (concurrency 4 each)", "≥ 0.8 × linear",
               f"{scaling:.2f} × linear ({per_second(sleep[4].drain_rate or 0)} vs 4 × "
               f"{per_second(sleep[1].drain_rate or 0)})", scaling >= 0.8),
        Target("dispatch overhead: idle accept→start p50, every cluster row", "≤ 15 ms", f"{worst_idle:.1f} ms (worst)",
               worst_idle <= 15),
        Target("(a) no-op, completed runs/s with 2 workers (drain, median)", "≥ 500 /s", drain_cell(noop[2]),
               (noop[2].drain_rate or 0) >= 500),
        Target("lost and duplicated runs, every row", "0 and 0",
               f"{sum(r.lost for r in rows)} lost, {sum(r.duplicated for r in rows)} duplicated",
               all(r.lost == 0 and r.duplicated == 0 for r in rows)),
    ]
    return [table(headers, lines)], targets


def main() -> int:
    """Parse the flags, run, print, optionally write; exit 1 when a target fails."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--noop-runs", type=int, default=3000, help="no-op deliveries per burst")
    parser.add_argument("--sleep-runs", type=int, default=160, help="200 ms deliveries per burst, per worker")
    parser.add_argument("--idle-runs", type=int, default=100, help="deliveries sent one at a time per row")
    parser.add_argument("--drains", type=int, default=3, help="drains per cluster row (the median is reported)")
    parser.add_argument("--write", action="store_true", help="rewrite the cluster section of BENCHMARKS.md")
    parser.add_argument("--only", metavar="WORKERS:WORKLOAD",
                        help="measure one cluster row alone, e.g. 2:noop (no baseline, no targets, no --write)")
    args = parser.parse_args()
    if args.only:
        parse_only(args.only)
        for row in asyncio.run(run(args)):
            print(f"{row.workers} workers, {row.workload}: drain {drain_cell(row)} runs/s, live "
                  f"{row.live_rate:.0f} runs/s, idle accept->start p50 {row.idle_p50:.2f} ms, lost {row.lost}, "
                  f"duplicated {row.duplicated}")
        return 0
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
    "Every process runs on this one 2-core machine: the load generator, serve, the workers and their engine "
    "subprocesses, Valkey and PostgreSQL (the demo's embedded servers, default settings: fsync on). "
    "Single machine = `flowdesk serve` on SQLite with its own engine (4 workers, one kept from webhooks), "
    "measured in the same run. Cluster = `flowdesk serve --broker --database` and N `flowdesk worker "
    "--concurrency 4`, a fresh database per row. **Drain**: a burst accepted with no worker running, then the "
    "workers start; completed/s counts the runs started once every worker consumed, over the time from then "
    "to the last finished_at: the workers' own rate. Each cluster row drains three backlogs, each with freshly "
    "started workers, and reports the median with the lowest and highest (the shared machine's speed drifts "
    "by up to a third from one minute to the next). "
    "**Live**: a burst sent by 16 clients while the workers run; completed/s = runs / (last finished_at − "
    "first queued_at), so it is capped by serve's intake; accept→start = started_at − queued_at, waiting in "
    "the queue included. **Idle**: deliveries sent one at a time with `?wait=true`: accept→start is the "
    "dispatch overhead alone (commit, publish, broker, claim, engine). Lost / duplicated come from the "
    "workflow's own ledger (one O_APPEND line per run done), over all phases of the row."
)

if __name__ == "__main__":
    sys.exit(main())
