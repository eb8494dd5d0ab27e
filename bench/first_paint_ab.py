"""First paint of the app at several revisions, paired in one run, against the bare PySide6 window.

``bench/desktop.py`` records the first-window ratio once per run, with 10 s of quiet before each
start; a change of a few milliseconds drowns in that run-to-run noise. This alternates, start
after start, the bare window (``bench/desktop_probe.py minimal``) and the app of each revision
given (a git worktree of it, byte-compiled, imported first through PYTHONPATH), kills each probe
once its window is painted, and prints the median of each with its ratio to the bare window's.

Usage (from the repository root)::

    .venv/bin/python bench/first_paint_ab.py 24b5264 HEAD --starts 16
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_workspace import add_workflow, new_workspace, scheduled_config  # noqa: E402
from bench.revision_baseline import describe, worktree  # noqa: E402


def painted_ms(tree: Path, mode: str, extra: list[str]) -> float:
    """Start ``desktop_probe.py`` of ``tree`` in ``mode``; milliseconds from the start to its first paint."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(tree)}
    started = time.time()
    proc = subprocess.Popen([sys.executable, str(tree / "bench" / "desktop_probe.py"), mode, *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env, cwd=tree)
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        if not line.startswith("PAINTED"):
            raise RuntimeError(f"{tree} {mode}: no paint ({line!r})")
        return (float(line.split()[1]) - started) * 1000
    finally:
        proc.kill()
        proc.wait()


def main() -> int:
    """Alternate the bare window and each revision's app ``--starts`` times; print medians and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("revisions", nargs="+", help="git revisions to compare (HEAD = the commit, not the work tree)")
    parser.add_argument("--starts", type=int, default=12, help="starts of each probe (medians reported)")
    parser.add_argument("--pause", type=float, default=0.3, help="seconds between two starts")
    args = parser.parse_args()
    with contextlib.ExitStack() as stack, tempfile.TemporaryDirectory(prefix="flowdesk-first-paint-") as tmp:
        trees = {rev: stack.enter_context(worktree(rev)) for rev in args.revisions}
        for tree in trees.values():
            compileall.compile_dir(str(tree / "flowdesk"), quiet=1)  # as installed (see bench/desktop.py)
        ws = new_workspace(Path(tmp) / "ws")
        for i in range(100):
            add_workflow(ws, f"sched_{i:03d}", scheduled_config("0 3 1 1 *"))
        times: dict[str, list[float]] = {"bare": [], **{rev: [] for rev in trees}}
        first = next(iter(trees.values()))
        for n in range(args.starts):
            times["bare"].append(painted_ms(first, "minimal", []))
            time.sleep(args.pause)
            for rev, tree in trees.items():
                data = Path(tmp) / f"data-{n}-{len(times[rev])}-{abs(hash(rev))}"
                times[rev].append(painted_ms(tree, "app", ["--workspace", str(ws.root), "--data-dir", str(data)]))
                time.sleep(args.pause)
        bare = statistics.median(times["bare"])
        print(f"{args.starts} alternating starts each; first paint in ms (median, then every start)")
        for key, values in times.items():
            label = "bare PySide6 window" if key == "bare" else describe(key)[:70]
            print(f"{statistics.median(values):6.0f}  {statistics.median(values) / bare:4.2f}x  {label}\n"
                  f"        {' '.join(f'{v:.0f}' for v in values)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
