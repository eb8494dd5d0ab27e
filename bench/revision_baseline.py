"""Measure an earlier revision of FlowDesk in the same run: a git worktree of it, imported by a subprocess.

A ratio against numbers copied from an older BENCHMARKS.md compares two machines' moods; this
checks the revision out next to the current tree and runs the same measuring code against
its ``flowdesk`` package (PYTHONPATH puts the worktree first), so both sides share the run.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent


@contextlib.contextmanager
def worktree(rev: str) -> Iterator[Path]:
    """A detached checkout of ``rev`` in a temp folder, removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="flowdesk-baseline-")) / "tree"
    subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", "--quiet", str(folder), rev], check=True)
    try:
        yield folder
    finally:
        subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(folder)], check=False)


def describe(rev: str) -> str:
    """``abc1234 (subject line)`` of a revision."""
    out = subprocess.run(["git", "-C", str(REPO), "log", "-1", "--format=%h (%s)", rev],
                         capture_output=True, text=True, check=True)
    return out.stdout.strip()


def run_in_revision(rev: str, script: str, args: list[str], timeout: float = 900) -> dict:
    """Run ``bench/<script> <args>`` (which prints one JSON object last) against ``rev``'s package."""
    with worktree(rev) as tree:
        env = {**os.environ, "PYTHONPATH": str(tree) + os.pathsep + os.environ.get("PYTHONPATH", "")}
        out = subprocess.run([sys.executable, str(BENCH_DIR / script), *args], env=env, capture_output=True,
                             text=True, timeout=timeout, cwd=str(tree))
        if out.returncode != 0:
            raise RuntimeError(f"baseline {rev} failed:\n{out.stderr[-3000:]}")
        result = json.loads(out.stdout.strip().splitlines()[-1])
        imported = Path(result.get("flowdesk", "")).resolve()
        if tree.resolve() not in imported.parents:
            raise RuntimeError(f"baseline {rev} imported flowdesk from {imported}, not from its worktree")
        return result
