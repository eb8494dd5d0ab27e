"""Workspace report: a dated Markdown inventory of the workspace, written under ``reports/``."""

import os
from datetime import datetime
from pathlib import Path
from typing import Any


def _workspace() -> Path:
    # FlowDesk tells workers where the workspace is; running main.py by hand falls back to its location.
    return Path(os.environ.get("FLOWDESK_WORKSPACE") or Path(__file__).resolve().parents[3])


def _folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and "__pycache__" not in f.parts)


def execute(data: dict[str, Any], tools: dict[str, Any]) -> dict[str, Any]:
    """Count the entries of each kind and write ``reports/workspace-YYYY-MM-DD.md``."""
    root = _workspace()
    folder = (root / (data.get("folder") or "reports")).resolve()
    if root.resolve() not in folder.parents and folder != root.resolve():
        return {"status": "error", "message": f"report folder must stay inside the workspace: {folder}"}
    lines = [f"# Workspace report — {datetime.now():%Y-%m-%d %H:%M}", "", f"Workspace: `{root}`", ""]
    counts = {}
    for kind in ("workflows", "tools", "interfaces"):
        base = root / "private" / kind
        names = sorted(p.name for p in base.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))) if base.is_dir() else []
        counts[kind] = len(names)
        lines += [f"## {kind.title()} ({len(names)})", ""]
        lines += [f"- `{n}` — {_folder_size(base / n):,} bytes" for n in names] or ["- none"]
        lines.append("")
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"workspace-{datetime.now():%Y-%m-%d}.md"
    target.write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {target}")
    return {"status": "success", "message": f"report written to {target}", "data": {"path": str(target), "counts": counts}}
