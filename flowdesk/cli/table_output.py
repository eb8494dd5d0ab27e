"""Plain-text tables and JSON printing for the command line; neither can carry a terminal control."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from datetime import datetime
from typing import Any, TextIO

from flowdesk.core.terminal_text import terminal_safe, terminal_safe_json


def print_json(obj: Any, out: TextIO | None = None) -> None:
    """Pretty JSON (UTF-8 kept) on its own lines; DEL and C1 characters written as ``\\u00XX`` escapes."""
    (out or sys.stdout).write(terminal_safe_json(obj) + "\n")


def short_time(value: datetime | None) -> str:
    """A local, minute-precise time for tables; empty when unknown."""
    return value.astimezone().strftime("%Y-%m-%d %H:%M:%S") if value else ""


def print_table(headers: Sequence[str], rows: Sequence[Sequence[Any]], out: TextIO | None = None) -> None:
    """Left-aligned columns sized to their widest cell; the last column is not padded.

    Cells are made terminal-safe before measuring, so a hostile name neither drives the terminal
    nor throws the columns out of line.
    """
    out = out or sys.stdout
    cells = [[terminal_safe(str(h)) for h in headers]] + [["" if c is None else terminal_safe(str(c)) for c in r]
                                                        for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    for n, row in enumerate(cells):
        line = "  ".join(c.ljust(widths[i]) if i < len(row) - 1 else c for i, c in enumerate(row))
        out.write(line.rstrip() + "\n")
        if n == 0:
            out.write("  ".join("-" * w for w in widths) + "\n")
