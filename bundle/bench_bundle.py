"""Start-up times of the frozen bundle next to the same commands run from the venv, and the Bundle
section of BENCHMARKS.md.

    .venv/bin/python bundle/bench_bundle.py [--repeat 5] [--write]

Needs ``dist/flowdesk/`` (``make bundle``). Measures, frozen (``dist/flowdesk/flowdesk``) and
from source (``.venv/bin/flowdesk``), on copies of the example workspace with fresh data dirs:
``--version``; ``run next_dates`` (CLI start, engine, one worker, exit); ``serve`` until
``/health`` answers; the desktop app offscreen until ``/health`` answers (its window is built and
shown before the listener is up); with Xvfb installed, the app on X11 until its main window is
viewable. ``--write`` replaces the text between ``<!-- bench:bundle -->`` and
``<!-- /bench:bundle -->`` in BENCHMARKS.md (added at the end when missing), with the sizes and
build times of the last ``bundle/build.py`` run and the last smoke test.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from smoke_test import REPO, Smoke  # noqa: E402

BENCHMARKS = REPO / "BENCHMARKS.md"
START, END = "<!-- bench:bundle -->", "<!-- /bench:bundle -->"


def _med(values: list[float]) -> str:
    good = [v for v in values if v is not None and v >= 0]
    if not good:
        return "failed"
    return f"{statistics.median(good):.2f} s (min {min(good):.2f}, n={len(good)})"


def measure(exe: Path, repeat: int, label: str) -> dict[str, list[float]]:
    """Timings for one flowdesk executable (frozen bundle or venv console script)."""
    out = REPO / "build" / "bundle-bench" / label
    out.mkdir(parents=True, exist_ok=True)
    s = Smoke(exe, out)
    shutil.copytree(REPO / "private", s.workspace / "private", ignore=shutil.ignore_patterns("__pycache__", "temp"))
    shutil.copytree(REPO / "config", s.workspace / "config", ignore=shutil.ignore_patterns(".env"))
    res: dict[str, list[float]] = {k: [] for k in ("version", "run", "serve", "gui", "gui_x11")}
    try:
        for _ in range(repeat * 2):
            t = time.monotonic()
            s.run("--version")
            res["version"].append(time.monotonic() - t)
        for i in range(repeat):
            t = time.monotonic()
            r = s.run("run", "next_dates", FLOWDESK_DATA_DIR=str(s.data_dir(f"run{i}")), cwd=s.workspace)
            res["run"].append(time.monotonic() - t if r.returncode == 0 else -1)
        for i in range(repeat):
            port = s.free_port()
            t = time.monotonic()
            proc = subprocess.Popen([str(exe), "serve", "--port", str(port), "--workspace", str(s.workspace),
                                     "--data-dir", str(s.data_dir(f"serve{i}"))], stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL, cwd=str(s.tmp), env=s.env())
            up = s.wait_health(port, proc)
            res["serve"].append(time.monotonic() - t if up is not None else -1)
            s.stop(proc, f"{label} serve")
        for i in range(repeat):
            port = s.free_port()
            data = s.data_dir(f"gui{i}")
            (data / "settings.json").write_text(json.dumps({"port": port}), encoding="utf-8")
            t = time.monotonic()
            proc = subprocess.Popen([str(exe), "--workspace", str(s.workspace)], stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL, cwd=str(s.tmp),
                                    env=s.env(QT_QPA_PLATFORM="offscreen", FLOWDESK_DATA_DIR=str(data)))
            up = s.wait_health(port, proc)
            res["gui"].append(time.monotonic() - t if up is not None else -1)
            s.stop(proc, f"{label} GUI")
        if shutil.which("Xvfb") and shutil.which("xwininfo"):
            for _ in range(repeat):
                s.timings.pop("gui_x11_window_s", None)
                s.gui_x11()
                res["gui_x11"].append(s.timings.get("gui_x11_window_s", -1))
    finally:
        shutil.rmtree(s.tmp, ignore_errors=True)
    failed = [r for r in s.results if not r["ok"]]
    if failed:
        print(f"{label}: {len(failed)} check(s) failed while measuring: {failed}", file=sys.stderr)
    return res


def _load(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def section(frozen: dict, source: dict, repeat: int) -> str:
    build = _load(REPO / "build" / "bundle" / "build.json")
    archive = _load(REPO / "build" / "bundle" / "archive.json")
    smoke = _load(REPO / "build" / "bundle-smoke" / "smoke.json")
    t = build.get("timings", {})
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    checks = smoke.get("results", [])
    passed = sum(1 for c in checks if c["ok"] and not c.get("skipped"))
    skipped = sum(1 for c in checks if c.get("skipped"))
    rows = [
        ("`flowdesk --version`", _med(frozen["version"]), _med(source["version"])),
        ("`flowdesk run next_dates` (whole command, one worker)", _med(frozen["run"]), _med(source["run"])),
        ("`flowdesk serve` until `/health` answers", _med(frozen["serve"]), _med(source["serve"])),
        ("desktop app (offscreen) until `/health` answers", _med(frozen["gui"]), _med(source["gui"])),
    ]
    if frozen["gui_x11"]:
        rows.append(("desktop app on X11 (Xvfb) until the main window is viewable", _med(frozen["gui_x11"]),
                     _med(source["gui_x11"])))
    table = ["| start-up | frozen bundle | from source (.venv) |", "|---|---|---|",
             *[f"| {a} | {b} | {c} |" for a, b, c in rows]]
    disk = build.get("disk_bytes")
    arch = archive.get("archive_bytes")
    lines = [
        "## Bundle",
        "",
        f"Measured {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} cores "
        f"({platform.system()} {platform.machine()}, Python {platform.python_version()}), load average {load} "
        "at the end (the machine is shared).",
        "",
        "Commands, from the repository root:",
        "",
        "```bash",
        "make bundle                                  # = .venv/bin/python bundle/build.py --archive",
        "make bundle-test                             # = bundle/build.py, then bundle/smoke_test.py",
        "du -sb dist/flowdesk                         # size on disk",
        f".venv/bin/python bundle/bench_bundle.py --repeat {repeat} --write   # this section",
        "```",
        "",
        "| what | measured | target |",
        "|---|---|---|",
        f"| bundle folder `dist/flowdesk/` (`du -sb`) | {disk / 1e6:.1f} MB ({disk / 2**20:.1f} MiB), "
        f"{build.get('files')} files | ≤ 420 MB: {'PASS' if build.get('disk_ok') else 'FAIL'} |" if disk else
        "| bundle folder | not built | ≤ 420 MB |",
        f"| of which PySide6 / Qt | {build.get('pyside6_bytes', 0) / 1e6:.1f} MB | |",
        f"| archive `{Path(archive.get('archive', 'dist/flowdesk-*.tar.xz')).name}` (xz -9) | "
        f"{arch / 1e6:.1f} MB ({arch / 2**20:.1f} MiB) | ≤ 130 MB: {'PASS' if archive.get('archive_ok') else 'FAIL'} |"
        if arch else "| archive | not built (`make bundle`) | ≤ 130 MB |",
        f"| PyInstaller build (`--clean`) | {t.get('pyinstaller_s', '?')} s | |",
        f"| archive (tar + xz -9 on {archive.get('cores', '?')} cores) | {archive.get('archive_s', 'n/a')} s | |",
        f"| smoke test of the frozen binary | {smoke.get('timings', {}).get('smoke_total_s', '?')} s, "
        f"{passed} checks passed, {skipped} skipped | all pass |",
        "",
        *table,
        "",
        f"Medians of {repeat} runs ({2 * repeat} for `--version`); every run uses a fresh data dir on a copy "
        "of the example workspace. The frozen `run` and `serve` include starting worker processes "
        "(`flowdesk --flowdesk-worker`) through the bootloader.",
    ]
    return "\n".join(lines)


def write_section(body: str, path: Path = BENCHMARKS) -> None:
    """Replace only the text between the bundle markers (append them at the end when absent)."""
    block = f"{START}\n{body.strip()}\n{END}"
    if path.exists():
        text = path.read_text(encoding="utf-8")
        pattern = re.compile(re.escape(START) + r".*?" + re.escape(END), re.S)
        text = pattern.sub(lambda _m: block, text, count=1) if pattern.search(text) else text.rstrip() + "\n\n" + block
    else:
        try:  # the intro the other benchmark sections use, so their writer finds a familiar file
            sys.path.insert(0, str(REPO))
            from bench.benchmarks_md import INTRO
        except Exception:  # noqa: BLE001
            INTRO = "# FlowDesk benchmarks\n"  # noqa: N806
        text = INTRO.rstrip() + "\n\n" + block
    path.write_text(text.rstrip() + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--write", action="store_true", help="update the Bundle section of BENCHMARKS.md")
    args = parser.parse_args(argv)
    frozen_exe = REPO / "dist" / "flowdesk" / "flowdesk"
    source_exe = Path(sys.executable).parent / "flowdesk"
    if not frozen_exe.is_file():
        print("no bundle: run make bundle first", file=sys.stderr)
        return 2
    os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox")
    frozen = measure(frozen_exe, args.repeat, "frozen")
    source = measure(source_exe, args.repeat, "source")
    body = section(frozen, source, args.repeat)
    print(body)
    if args.write:
        write_section(body)
        print(f"\nwritten to {BENCHMARKS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
