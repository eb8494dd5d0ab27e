"""Writing results: Markdown tables, PASS/FAIL verdicts, machine facts, and the marked sections of BENCHMARKS.md."""

from __future__ import annotations

import os
import platform
import re
import shlex
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
BENCHMARKS_MD = REPO / "BENCHMARKS.md"
SECTION_ORDER = ("machine", "engine", "serve", "desktop", "bundle")

INTRO = """# FlowDesk benchmarks

Numbers measured on one machine by the scripts in `bench/`; each section names the exact
command that produced it (run from the repository root) and is rewritten by that command's
`--write` flag. Ratios are always against a baseline measured in the same run. Targets are
checked here, never in timed tests. Everything talks to 127.0.0.1 only.
"""


def cpu_model() -> str:
    """The CPU model name from /proc/cpuinfo (Linux), else platform.processor()."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def load_average() -> str:
    """The 1, 5 and 15 minute load averages (other work on the machine skews every number)."""
    return ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"


def machine_facts() -> dict[str, str]:
    """What the numbers depend on: cores, CPU, Python, OS, date, load when the run began."""
    load = load_average()
    return {
        "cores (nproc)": str(os.cpu_count()),
        "CPU": cpu_model(),
        "Python": platform.python_version(),
        "OS": f"{platform.system()} {platform.release()}",
        "date (UTC)": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M"),
        "load average at start": load,
    }


class OtherLoad:
    """CPU the rest of the machine used while a benchmark ran: system-wide busy time minus this process tree's.

    This process's own share counts itself, its reaped children (``children_user/system``: workers and
    servers it started, and what those reaped) and descendants still alive at each reading.
    """

    def __init__(self) -> None:
        self._start = (self._busy(), self._own())
        self._t0 = time.monotonic()

    @staticmethod
    def _busy() -> float:
        t = psutil.cpu_times()
        return sum(t) - t.idle - getattr(t, "iowait", 0.0) - getattr(t, "steal", 0.0) - getattr(t, "guest", 0.0)

    @staticmethod
    def _own() -> float:
        me = psutil.Process()
        t = me.cpu_times()
        total = t.user + t.system + t.children_user + t.children_system
        for child in me.children(recursive=True):
            try:
                c = child.cpu_times()
                total += c.user + c.system
            except psutil.NoSuchProcess:
                continue
        return total

    def describe(self) -> str:
        """``X % of one core on average (Y CPU s over Z s)`` used by other processes since construction."""
        elapsed = time.monotonic() - self._t0
        other = max(0.0, (self._busy() - self._start[0]) - (self._own() - self._start[1]))
        return f"{other / elapsed * 100:.0f} % of one core on average ({other:.0f} CPU s over {elapsed:.0f} s)"


def command_line() -> str:
    """The command that is running, as typed from the repository root."""
    exe = os.path.relpath(sys.executable, REPO) if sys.executable.startswith(str(REPO)) else sys.executable
    script = os.path.relpath(os.path.abspath(sys.argv[0]), REPO)
    return shlex.join([exe, script, *sys.argv[1:]])


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A Markdown table (also readable as plain text)."""
    cells = [[str(c) for c in headers], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    fmt = lambda r: "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |"  # noqa: E731
    lines = [fmt(cells[0]), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *map(fmt, cells[1:])]
    return "\n".join(lines)


@dataclass(frozen=True)
class Target:
    """One performance target and what was measured against it."""

    name: str
    limit: str
    measured: str
    ok: bool

    @property
    def verdict(self) -> str:
        return "PASS" if self.ok else "FAIL"


def targets_table(targets: Sequence[Target]) -> str:
    """Target / measured / verdict rows."""
    return table(["target", "limit", "measured", "verdict"],
                 [(t.name, t.limit, t.measured, f"**{t.verdict}**") for t in targets])


def facts_block(facts: dict[str, str]) -> str:
    """Machine facts as a bullet list."""
    return "\n".join(f"- {k}: {v}" for k, v in facts.items())


def _marked(name: str, body: str) -> str:
    return f"<!-- bench:{name} -->\n{body.strip()}\n<!-- /bench:{name} -->"


def write_section(name: str, body: str, facts: dict[str, str], path: Path = BENCHMARKS_MD) -> None:
    """Replace (or add) the ``name`` section and the machine section of BENCHMARKS.md, keeping the rest."""
    text = path.read_text(encoding="utf-8") if path.exists() else INTRO
    script = os.path.relpath(os.path.abspath(sys.argv[0]), REPO)
    static = {k: v for k, v in facts.items() if k in ("cores (nproc)", "CPU", "Python", "OS", "date (UTC)")}
    machine = (f"## Machine\n\nAs recorded by the last `--write` (`{script}`):\n\n{facts_block(static)}\n\n"
               "The machine is shared with other work (test suites of other engineers may run at the same "
               "time); each section reports the load average and the CPU other processes used during its run.")
    for key, content in (("machine", machine), (name, body)):
        pattern = re.compile(rf"<!-- bench:{key} -->.*?<!-- /bench:{key} -->", re.S)
        if pattern.search(text):
            text = pattern.sub(lambda _m: _marked(key, content), text)
        else:
            text = _insert_in_order(text, key, _marked(key, content))
    path.write_text(text.rstrip() + "\n", encoding="utf-8")


def _insert_in_order(text: str, key: str, block: str) -> str:
    """Put a new section before the first later section of SECTION_ORDER, else at the end."""
    later = SECTION_ORDER[SECTION_ORDER.index(key) + 1:] if key in SECTION_ORDER else ()
    for other in later:
        marker = f"<!-- bench:{other} -->"
        if marker in text:
            return text.replace(marker, block + "\n\n" + marker, 1)
    return text.rstrip() + "\n\n" + block + "\n"
