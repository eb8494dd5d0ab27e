"""A bounded HTTP load generator for bench/serve.py: N POSTs by C concurrent keep-alive clients (aiohttp)."""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import psutil

from latency_stats import LatencySummary, summarize


@dataclass
class LoadResult:
    """What one or more load runs saw; latencies in seconds, ``elapsed`` is the time spent sending."""

    latencies: list[float] = field(default_factory=list)
    elapsed: float = 0.0
    statuses: Counter[int] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)  # client-side exceptions by type
    run_ids: list[str] = field(default_factory=list)  # from 2xx answers carrying one
    run_statuses: Counter[str] = field(default_factory=Counter)  # "status" of 2xx answers
    client_cpu: float = 0.0  # CPU seconds this (load generator) process used while sending

    def add(self, other: LoadResult) -> None:
        """Merge another run (e.g. the next burst) into this one."""
        self.latencies += other.latencies
        self.elapsed += other.elapsed
        self.statuses.update(other.statuses)
        self.errors.update(other.errors)
        self.run_ids += other.run_ids
        self.run_statuses.update(other.run_statuses)
        self.client_cpu += other.client_cpu

    def ok(self, status: int) -> int:
        """How many answers had this HTTP status."""
        return self.statuses.get(status, 0)

    def summary(self, status: int | None = None) -> LatencySummary:
        """Latencies of every request; the rate counts only answers with ``status`` when given."""
        count = None if status is None else self.ok(status)
        return summarize(self.latencies, self.elapsed, count)


def client_session(concurrency: int) -> aiohttp.ClientSession:
    """A keep-alive session with at most ``concurrency`` connections."""
    connector = aiohttp.TCPConnector(limit=concurrency, limit_per_host=concurrency)
    return aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=120))


async def post_load(session: aiohttp.ClientSession, url: str, requests: int, concurrency: int,
                    body: bytes = b"{}", headers: dict[str, str] | None = None,
                    tick: Callable[[], None] | None = None) -> LoadResult:
    """``requests`` POSTs to ``url`` by ``concurrency`` clients, each sending the next when answered.

    ``tick`` is called about every 0.5 s while sending (e.g. to sample server CPU).
    """
    result = LoadResult()
    left = requests
    send_headers = {"Content-Type": "application/json", **(headers or {})}

    async def client() -> None:
        nonlocal left
        while left > 0:
            left -= 1
            t0 = time.perf_counter()
            try:
                async with session.post(url, data=body, headers=send_headers) as resp:
                    raw = await resp.read()
                    status = resp.status
            except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
                result.errors[type(exc).__name__] += 1
                continue
            result.latencies.append(time.perf_counter() - t0)
            result.statuses[status] += 1
            if 200 <= status < 300:
                _note_run(result, raw)

    me = psutil.Process()
    cpu0 = sum(me.cpu_times()[:2])
    start = time.perf_counter()
    clients = asyncio.gather(*(client() for _ in range(concurrency)))
    await _ticking(clients, tick)
    result.elapsed = time.perf_counter() - start
    result.client_cpu = sum(me.cpu_times()[:2]) - cpu0
    return result


def _note_run(result: LoadResult, raw: bytes) -> None:
    try:
        payload: Any = json.loads(raw)
    except ValueError:
        return
    if isinstance(payload, dict):
        run_id = payload.get("run_id") or payload.get("id")
        if isinstance(run_id, str):
            result.run_ids.append(run_id)
        result.run_statuses[str(payload.get("status"))] += 1


async def _ticking(work: Awaitable[Any], tick: Callable[[], None] | None, every: float = 0.5) -> None:
    """Await ``work`` while calling ``tick`` every ``every`` seconds."""
    task = asyncio.ensure_future(work)
    while True:
        done, _ = await asyncio.wait({task}, timeout=every)
        if tick is not None:
            tick()
        if done:
            task.result()
            return


async def get_json(session: aiohttp.ClientSession, url: str, headers: dict[str, str] | None = None) -> Any:
    """GET and decode JSON (raises on HTTP errors)."""
    async with session.get(url, headers=headers) as resp:
        resp.raise_for_status()
        return await resp.json()


async def wait_drained(base: str, timeout: float = 120.0) -> float:
    """Poll /health until nothing is queued or running; returns the seconds waited."""
    start = time.perf_counter()
    async with client_session(1) as session:
        while time.perf_counter() - start < timeout:
            health = await get_json(session, f"{base}/health")
            if health["runs_queued"] == 0 and health["runs_running"] == 0:
                return time.perf_counter() - start
            await asyncio.sleep(0.05)
    raise RuntimeError(f"runs still queued or running after {timeout:.0f} s")
