"""Find the workspace's source locations in a traceback (``File "…/main.py", line 12``) so the window can link them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

# CPython's frame lines, and the "path:line" form linters and pytest print.
_FRAME_RE = re.compile(r'File "(?P<path>[^"\n]+)", line (?P<line>\d+)')
_COLON_RE = re.compile(r'(?P<path>(?:[A-Za-z]:)?[^\s:"\'()<>]+\.py):(?P<line>\d+)')


@dataclass(frozen=True)
class SourceLink:
    """A file location in a text: the characters to make clickable, the file and the 1-based line."""

    start: int
    end: int
    path: Path
    line: int


def _inside(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
    except ValueError:
        return False
    return True


def source_links(text: str, workspace_root: Path) -> list[SourceLink]:
    """Locations in ``text`` of files under ``workspace_root`` that exist (library frames are left plain)."""
    root = workspace_root.resolve()
    links: list[SourceLink] = []
    taken: list[tuple[int, int]] = []
    for pattern in (_FRAME_RE, _COLON_RE):
        for match in pattern.finditer(text):
            if any(a < match.end() and match.start() < b for a, b in taken):
                continue
            raw = Path(match.group("path"))
            path = raw if raw.is_absolute() else root / raw
            try:
                resolved = path.resolve()
            except OSError:
                continue
            if not _inside(resolved, root) or not resolved.is_file():
                continue
            links.append(SourceLink(match.start(), match.end(), resolved, int(match.group("line"))))
            taken.append((match.start(), match.end()))
    return sorted(links, key=lambda link: link.start)
