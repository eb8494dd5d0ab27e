"""Size of the FlowDesk bundle against its targets: the folder on disk and the compressed archive.

    .venv/bin/python bundle/size_report.py [--dist dist/flowdesk] [--archive dist/flowdesk-...tar.xz] [--top 15]

On disk is ``du -sb`` (apparent bytes; PyInstaller's symlinks count as links). Exit code 1 when a
target is exceeded. 1 MB = 10^6 bytes here (MiB shown alongside).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# The uv program (installs workspace dependencies, issue 12) adds ~38 MB on disk, ~15 MB compressed:
# the targets grew by that much and no more.
UV_ALLOWANCE_DISK, UV_ALLOWANCE_ARCHIVE = 40e6, 16e6
DISK_TARGET = 420e6 + UV_ALLOWANCE_DISK
ARCHIVE_TARGET = 130e6 + UV_ALLOWANCE_ARCHIVE


def du_bytes(path: Path) -> int:
    """``du -sb`` of ``path`` (falls back to summing file sizes where ``du`` is missing)."""
    try:
        return int(subprocess.run(["du", "-sb", str(path)], capture_output=True, text=True, check=True).stdout.split()[0])
    except (OSError, subprocess.CalledProcessError, ValueError, IndexError):
        return sum(p.lstat().st_size for p in path.rglob("*"))


def largest(path: Path, top: int) -> list[tuple[int, str]]:
    files = [(p.stat().st_size, str(p.relative_to(path))) for p in path.rglob("*") if p.is_file() and not p.is_symlink()]
    return sorted(files, reverse=True)[:top]


def mb(n: float) -> str:
    return f"{n / 1e6:.1f} MB ({n / 2**20:.1f} MiB)"


def default_archive() -> Path | None:
    found = sorted((REPO / "dist").glob("flowdesk-*-linux-*.tar.*"), key=os.path.getmtime)
    return found[-1] if found else None


def report(dist: Path, archive: Path | None, top: int = 15) -> dict:
    """Sizes, largest files and verdicts, as a dict (also written by ``bundle/build.py``)."""
    disk = du_bytes(dist)
    out = {"dist": str(dist), "disk_bytes": disk, "disk_target": DISK_TARGET, "disk_ok": disk <= DISK_TARGET,
           "files": sum(1 for p in dist.rglob("*") if p.is_file()), "largest": largest(dist, top)}
    qt = dist / "_internal" / "PySide6"
    if qt.is_dir():
        out["pyside6_bytes"] = du_bytes(qt)
    if archive is not None and archive.is_file():
        size = archive.stat().st_size
        out.update(archive=str(archive), archive_bytes=size, archive_target=ARCHIVE_TARGET,
                   archive_ok=size <= ARCHIVE_TARGET)
    return out


def print_report(r: dict) -> None:
    print(f"bundle folder   {r['dist']}: {mb(r['disk_bytes'])}, {r['files']} files -- "
          f"target <= {r['disk_target'] / 1e6:.0f} MB: {'PASS' if r['disk_ok'] else 'FAIL'}")
    if "pyside6_bytes" in r:
        print(f"  of which PySide6/Qt: {mb(r['pyside6_bytes'])}")
    if "archive_bytes" in r:
        print(f"archive         {r['archive']}: {mb(r['archive_bytes'])} -- target <= "
              f"{r['archive_target'] / 1e6:.0f} MB: {'PASS' if r['archive_ok'] else 'FAIL'}")
    print("largest files:")
    for size, name in r["largest"]:
        print(f"  {size / 1e6:8.1f} MB  {name}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=REPO / "dist" / "flowdesk")
    parser.add_argument("--archive", type=Path, default=None, help="default: the newest dist/flowdesk-*-linux-*.tar.*")
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--json", type=Path, help="also write the report here")
    args = parser.parse_args(argv)
    if not args.dist.is_dir():
        print(f"{args.dist}: no bundle; run make bundle first", file=sys.stderr)
        return 2
    r = report(args.dist, args.archive or default_archive(), args.top)
    print_report(r)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(r, indent=2), encoding="utf-8")
    return 0 if r["disk_ok"] and r.get("archive_ok", True) else 1


if __name__ == "__main__":
    sys.exit(main())
