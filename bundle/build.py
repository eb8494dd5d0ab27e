"""Build the FlowDesk bundle, timed: icons, PyInstaller (flowdesk.spec), optionally the archive, size report.

    .venv/bin/python bundle/build.py             # dist/flowdesk/ (what `make bundle-test` needs)
    .venv/bin/python bundle/build.py --archive   # + dist/flowdesk-<version>-linux-x86_64.tar.xz (`make bundle`)

The archive is ``tar`` (symlinks kept: PyInstaller 6 bundles use them) compressed with
``xz -9`` on every core: ~123 MB where ``xz -6`` gives ~129 MB, for ~1 minute more on 2 cores.
Timings and sizes go to ``build/bundle/build.json`` (the archive's also to ``archive.json``); exit
code 1 when a size target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

import size_report  # noqa: E402

XZ = ["xz", "-9", "-T0", "-c"]


def version() -> str:
    from importlib.metadata import version as dist_version

    return dist_version("flowdesk")


def archive_name() -> str:
    system = {"linux": "linux", "darwin": "macos", "win32": "windows"}.get(sys.platform, sys.platform)
    return f"flowdesk-{version()}-{system}-{platform.machine().lower()}.tar.xz"


def step(label: str, cmd: list[str], **kwargs) -> float:  # noqa: ANN003
    print(f"== {label}: {' '.join(cmd)}", flush=True)
    start = time.monotonic()
    subprocess.run(cmd, check=True, cwd=str(REPO), **kwargs)
    return round(time.monotonic() - start, 1)


def make_archive(dist: Path, target: Path) -> float:
    """``tar`` the bundle folder into ``target`` through ``xz -9`` (written next to it, then renamed)."""
    print(f"== archive: tar | {' '.join(XZ)} > {target}", flush=True)
    start = time.monotonic()
    part = target.with_name(target.name + ".part")
    with part.open("wb") as out:
        tar = subprocess.Popen(["tar", "-C", str(dist.parent), "--sort=name", "--owner=0", "--group=0",
                                "--numeric-owner", "-cf", "-", dist.name], stdout=subprocess.PIPE)
        xz = subprocess.run(XZ, stdin=tar.stdout, stdout=out, check=False)
        tar.stdout.close()
        if tar.wait() != 0 or xz.returncode != 0:
            part.unlink(missing_ok=True)
            raise SystemExit("archive: tar or xz failed")
    os.replace(part, target)
    return round(time.monotonic() - start, 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--archive", action="store_true", help="also write dist/flowdesk-<version>-<os>-<arch>.tar.xz")
    parser.add_argument("--no-clean", action="store_true", help="reuse PyInstaller's cache in build/")
    args = parser.parse_args(argv)
    bindir = Path(sys.executable).parent
    pyinstaller = shutil.which("pyinstaller", path=str(bindir)) or "pyinstaller"
    timings: dict[str, float] = {}
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    timings["icons_s"] = step("icons", [sys.executable, "bundle/make_icons.py", "build/icons"], env=env)
    from flowdesk.i18n.catalog import compile_qm  # the .qm files the spec bundles, fresh from the committed .ts
    from flowdesk.i18n.language import TRANSLATED

    for language in TRANSLATED:
        if compile_qm(language, force=True) is None:
            raise SystemExit(f"could not compile the {language} catalogue (pyside6-lrelease missing?)")
    cmd = [pyinstaller, "--noconfirm", *([] if args.no_clean else ["--clean"]), "flowdesk.spec"]
    timings["pyinstaller_s"] = step("pyinstaller", cmd)
    dist = REPO / "dist" / "flowdesk"
    archive = None
    if args.archive:
        archive = REPO / "dist" / archive_name()
        timings["archive_s"] = make_archive(dist, archive)
    report = size_report.report(dist, archive)
    report["timings"] = timings
    report["cores"] = os.cpu_count()
    out = REPO / "build" / "bundle" / "build.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2), encoding="utf-8")
    if archive is not None:  # kept apart: a later build without --archive must not hide it
        (out.parent / "archive.json").write_text(json.dumps(
            {k: report[k] for k in ("archive", "archive_bytes", "archive_target", "archive_ok")}
            | {"archive_s": timings["archive_s"], "cores": os.cpu_count(), "disk_bytes": report["disk_bytes"]},
            indent=2), encoding="utf-8")
    size_report.print_report(report)
    print(f"timings: {timings} (on {os.cpu_count()} cores); report in {out}")
    return 0 if report["disk_ok"] and report.get("archive_ok", True) else 1


if __name__ == "__main__":
    sys.exit(main())
