"""Shared helpers for the engine tests: the hostile fixture workspace and a way to drive an Engine."""

from __future__ import annotations

import asyncio
import shutil
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import psutil
import pytest

from flowdesk.core.engine import Engine, RunSpec, ToolSpec

HOSTILE_WS = Path(__file__).resolve().parents[2] / "fixtures" / "hostile"
T = TypeVar("T")


def make_spec(slug: str, data: dict[str, Any] | None = None, *, ws: Path = HOSTILE_WS, **kw: Any) -> RunSpec:
    """A RunSpec for a fixture workflow with a fresh run id."""
    return RunSpec(run_id=uuid.uuid4().hex, workflow=slug, workflow_dir=ws / "private" / "workflows" / slug,
                   data=data or {}, **kw)


def echo_tool(**config: Any) -> ToolSpec:
    """The fixture tool of the hostile workspace."""
    return ToolSpec(name="echo", module="tools.echo.main", class_name=None, profile="DEFAULT", config=config)


def worker_children(before: set[int] | None = None) -> list[psutil.Process]:
    """Engine workers, and zombies, below this test process that were not there ``before``.

    Other tests in the same (xdist) process may own children of their own: only new ones count.
    """
    found = []
    for proc in psutil.Process().children(recursive=True):
        if before is not None and proc.pid in before:
            continue
        if _status(proc) == psutil.STATUS_ZOMBIE or "flowdesk.core.engine.worker" in " ".join(_cmdline(proc)):
            found.append(proc)
    return found


def child_pids() -> set[int]:
    """Pids of every process below this one right now."""
    return {p.pid for p in psutil.Process().children(recursive=True)}


def run_with_engine(body: Callable[[Engine], Awaitable[T]], ws: Path = HOSTILE_WS, **engine_kw: Any) -> T:
    """Start an engine on a fresh loop, run ``body(engine)``, stop it and check nothing is left behind."""
    kw: dict[str, Any] = {"max_workers": 2, "warm_workers": 1, "default_timeout": 10}
    kw.update(engine_kw)

    async def main() -> T:
        engine = Engine(ws, **kw)
        await engine.start()
        try:
            return await body(engine)
        finally:
            await engine.stop(grace=1.0)
            pids = {w.pid for w in engine.pool.workers}
            assert not pids, f"workers left after stop: {pids}"

    before = child_pids()
    result = asyncio.run(main())
    leftovers = worker_children(before)
    assert not leftovers, f"worker processes left behind: {leftovers}"
    return result


def _status(proc: psutil.Process) -> str:
    try:
        return proc.status()
    except psutil.Error:
        return "gone"


def _cmdline(proc: psutil.Process) -> list[str]:
    try:
        return proc.cmdline()
    except psutil.Error:
        return ["<gone>"]


@pytest.fixture
def hostile_copy(tmp_path: Path) -> Path:
    """A private copy of the hostile workspace that a test may edit."""
    dest = tmp_path / "ws"
    shutil.copytree(HOSTILE_WS, dest, ignore=shutil.ignore_patterns("__pycache__"))
    return dest
