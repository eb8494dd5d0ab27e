"""bench/serve.py phases for the durable intake: a 20,000-webhook burst, and kill -9 in the middle of one.

Each delivery carries a unique number; the workflow appends it to a ledger file (one O_APPEND
write per run that reaches its end), so the phase can tell lost runs (accepted, never done)
from duplicated ones (done twice) without trusting the server's own records.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import sqlite3
import time
from collections import Counter
from pathlib import Path

import aiohttp

from bench_workspace import add_workflow, new_workspace
from benchmarks_md import Target, table
from http_load import client_session, wait_drained
from latency_stats import ms, per_second, percentile
from serve_process import flowdesk_serve

LEDGER_MAIN = '''import os


def execute(data, tools):
    fd = os.open(data["ledger"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, f"{data['i']}\\n".encode())
    finally:
        os.close(fd)
    return {"status": "success"}
'''


def ledger_config(retries: int) -> dict[str, object]:
    """A public webhook that may run 64 at once and retries ``retries`` times (interrupted runs included)."""
    return {"name": "Bench ledger", "triggers": ["webhook"], "webhook": {"auth": "public"}, "max_instances": 64,
            "timeout": 30, "retries": retries}


class Sender:
    """Posts numbered deliveries from ``concurrency`` keep-alive clients; remembers which got a 202."""

    def __init__(self, url: str, ledger: Path, total: int, concurrency: int) -> None:
        self.url, self.ledger, self.total, self.concurrency = url, ledger, total, concurrency
        self.accepted: dict[int, str] = {}
        self.statuses: Counter[int] = Counter()
        self.errors = 0
        self.latencies: list[float] = []
        self.elapsed = 0.0
        self._next = 0
        self.stop = asyncio.Event()

    async def run(self) -> None:
        """Send until every delivery is answered (or refused), or until ``stop`` is set."""
        start = time.perf_counter()
        async with client_session(self.concurrency) as session:
            await asyncio.gather(*(self._client(session) for _ in range(self.concurrency)))
        self.elapsed = time.perf_counter() - start

    async def _client(self, session: aiohttp.ClientSession) -> None:
        while self._next < self.total and not self.stop.is_set():
            i = self._next
            self._next += 1
            body = json.dumps({"i": i, "ledger": str(self.ledger)})
            t0 = time.perf_counter()
            try:
                async with session.post(self.url, data=body, headers={"Content-Type": "application/json"}) as r:
                    raw = await r.read()
                    status = r.status
            except (aiohttp.ClientError, asyncio.TimeoutError, OSError):
                self.errors += 1
                continue
            self.latencies.append(time.perf_counter() - t0)
            self.statuses[status] += 1
            if status == 202:
                self.accepted[i] = json.loads(raw)["run_id"]


def ledger_counts(ledger: Path) -> Counter[int]:
    """How many times each delivery number reached the end of its run."""
    return Counter(int(x) for x in ledger.read_text().split()) if ledger.exists() else Counter()


def run_rows(data_dir: Path) -> dict[str, tuple[str, str | None]]:
    """run id -> (status, parent run id), read from the service's SQLite file."""
    with sqlite3.connect(data_dir / "flowdesk.sqlite3") as db:
        return {r[0]: (r[1], r[2]) for r in db.execute("SELECT id, status, parent_run_id FROM run")}


async def burst_phase(tmp: Path, total: int = 20_000, concurrency: int = 32) -> tuple[str, list[Target]]:
    """``total`` webhooks at once: all accepted? all completed, each exactly once?"""
    ws = new_workspace(tmp / "ws")
    add_workflow(ws, "ledger", ledger_config(0), LEDGER_MAIN)
    ledger = tmp / "ledger.txt"
    with flowdesk_serve(ws.root, tmp / "data", secrets.token_hex(16), tmp / "serve.log") as fd:
        fd.start()
        sender = Sender(f"{fd.url}/api/webhooks/ledger", ledger, total, concurrency)
        t0 = time.perf_counter()
        await sender.run()
        await wait_drained(fd.url, timeout=600)
        done_after = time.perf_counter() - t0
    counts = ledger_counts(ledger)
    records = run_rows(tmp / "data")
    lost = sum(1 for i in sender.accepted if counts[i] == 0)
    duplicated = sum(1 for i in sender.accepted if counts[i] > 1)
    recorded = sum(1 for run_id in sender.accepted.values() if records.get(run_id, ("",))[0] == "success")
    accepted = len(sender.accepted)
    accept_rate, done_rate = accepted / sender.elapsed, accepted / done_after
    rows = [(f"{total:,} webhooks at concurrency {concurrency}", accepted, sender.statuses.get(429, 0),
             sender.errors + sum(n for s, n in sender.statuses.items() if s not in (202, 429)),
             per_second(accept_rate), ms(percentile(sender.latencies, 50)), ms(percentile(sender.latencies, 99)),
             per_second(done_rate), f"{recorded:,}", lost, duplicated)]
    text = "\n\n".join([
        "### Burst: every webhook accepted and run exactly once", table(
            ["burst", "accepted (202)", "429", "other/errors", "accepted per s", "p50 ms", "p99 ms",
             "completed per s", "success records", "lost", "duplicated"], rows),
        "All deliveries are sent at once (no pause for the queue to drain): each 202 means a committed "
        "`queued` row; the store holds the backlog and the engine works through it. Completed per s = "
        "accepted ÷ time from the first request to /health showing nothing queued or running. Lost and "
        "duplicated come from the workflow's own ledger (one append per run that reached its end), not "
        "from FlowDesk's records."])
    return text, [
        Target(f"burst of {total:,} at c={concurrency}: refused", "0 × 429", str(sender.statuses.get(429, 0)),
               sender.statuses.get(429, 0) == 0 and accepted == total),
        Target("burst: accepted per s", "≥ 1,500 /s", per_second(accept_rate) + " /s", accept_rate >= 1500),
        Target("burst: lost / duplicated runs", "0 / 0", f"{lost} / {duplicated}", lost == 0 and duplicated == 0),
    ]


async def crash_phase(tmp: Path, total: int = 5_000, concurrency: int = 32) -> tuple[str, list[Target]]:
    """kill -9 half way through a burst, restart: does every accepted run complete exactly once?"""
    ws = new_workspace(tmp / "ws")
    add_workflow(ws, "ledger", ledger_config(1), LEDGER_MAIN)
    ledger, data = tmp / "ledger.txt", tmp / "data"
    token = secrets.token_hex(16)
    with flowdesk_serve(ws.root, data, token, tmp / "serve1.log") as first:
        first.start()
        sender = Sender(f"{first.url}/api/webhooks/ledger", ledger, total, concurrency)
        sending = asyncio.ensure_future(sender.run())
        while len(sender.accepted) < total // 2 and not sending.done():
            await asyncio.sleep(0.005)
        assert first.proc is not None
        first.proc.kill()  # SIGKILL: no clean-up of any kind
        first.proc.wait(10)
        sender.stop.set()
        await sending
    at_kill = Counter(status for status, _ in run_rows(data).values())
    with flowdesk_serve(ws.root, data, token, tmp / "serve2.log") as second:
        t0 = time.perf_counter()
        second.start()
        await wait_drained(second.url, timeout=600)
        recovery = time.perf_counter() - t0
    counts = ledger_counts(ledger)
    records = run_rows(data)
    retried = {parent: status for status, parent in records.values() if parent}
    lost = duplicated = interrupted = finished_twice = 0
    for i, run_id in sender.accepted.items():
        status = records.get(run_id, ("missing", None))[0]
        if status == "interrupted":  # it was on a worker at the kill: its retry must have completed it
            interrupted += 1
            lost += retried.get(run_id) != "success"
            finished_twice += counts[i] > 1  # the kill fell after its work but before its outcome was saved
        elif status != "success" or counts[i] == 0:
            lost += 1
        elif counts[i] > 1:
            duplicated += 1
    rows = [(f"{total:,} at c={concurrency}, kill -9 after {len(sender.accepted):,} accepted",
             len(sender.accepted), at_kill.get("queued", 0), at_kill.get("running", 0), interrupted,
             f"{recovery:.1f}", lost, duplicated)]
    text = "\n\n".join([
        "### Crash: kill -9 during a burst, then restart", table(
            ["burst", "accepted before the kill", "queued at the kill", "running at the kill",
             "interrupted, then retried", "restart to drained (s)", "lost", "duplicated"], rows),
        "The first server is killed with SIGKILL as soon as half the burst is accepted; requests in flight "
        "then fail and are not counted as accepted. A second server on the same data dir takes the queued "
        "runs over and runs them; a run that was on a worker at the kill ends `interrupted` and the "
        "workflow's `retries: 1` runs it again (linked by parent_run_id). Lost = accepted but never "
        "completed (by itself or its retry); duplicated = a run that was not cut by the kill yet completed "
        f"more than once, from the ledger. Of the interrupted runs, {finished_twice} had already written "
        "their ledger line when the kill fell (work done, outcome not yet saved), so their retry did it "
        "again: a run cut by a crash is retried at least once, as with any queue that cannot see inside it."])
    return text, [Target("crash: accepted runs lost / duplicated after kill -9 and restart", "0 / 0",
                         f"{lost} / {duplicated} of {len(sender.accepted):,}", lost == 0 and duplicated == 0)]
