"""Plain-text tables and JSON printing for the command line."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from datetime import datetime
from typing import Any, TextIO


def print_json(obj: Any, out: TextIO = sys.stdout) -> None:
    """Pretty JSON (UTF-8 kept) on its own lines."""
    out.write(json.dumps(obj, indent=2, ensure_ascii=False, default=str) + "\n")


def short_time(value: datetime | None) -> str:
    """A local, minute-precise time for tables; empty when unknown."""
    return value.astimezone().strftime("%Y-%m-%d %H:%M:%S") if value else ""


def print_table(headers: Sequence[str], rows: Sequence[Sequence[Any]], out: TextIO = sys.stdout) -> None:
    """Left-aligned columns sized to their widest cell; the last column is not padded."""
    cells = [[str(h) for h in headers]] + [["" if c is None else str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    for n, row in enumerate(cells):
        line = "  ".join(c.ljust(widths[i]) if i < len(row) - 1 else c for i, c in enumerate(row))
        out.write(line.rstrip() + "\n")
        if n == 0:
            out.write("  ".join("-" * w for w in widths) + "\n")
