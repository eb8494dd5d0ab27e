"""Finding and parsing the ``requirements.txt`` files that workspace tools and workflows ship (the seed's convention)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from flowdesk.core.workspace import Workspace
from flowdesk.core.translatable import translatable

if TYPE_CHECKING:
    from packaging.requirements import Requirement

# packaging is imported where it is used: engine workers load this module at start-up and only
# parse requirement files when there are some (its import costs ~30 ms).

REQUIREMENTS_NAME = "requirements.txt"
OWNER_KINDS = (("tool", "tools"), ("workflow", "workflows"))  # (kind, folder under private/)


@dataclass(frozen=True)
class DeclaredRequirement:
    """One requirement line of a file, parsed."""

    file: Path
    line: int
    text: str  # as written, comments and continuations removed
    requirement: Requirement

    @property
    def name(self) -> str:
        """The canonical distribution name (``google-api-python-client``)."""
        from packaging.utils import canonicalize_name

        return canonicalize_name(self.requirement.name)

    def applies(self) -> bool:
        """False when an environment marker (``; sys_platform == "win32"``) excludes this machine."""
        from packaging.markers import default_environment

        marker = self.requirement.marker
        return marker is None or marker.evaluate(default_environment())  # type: ignore[arg-type]

    def where(self) -> str:
        """``<file>: <requirement>``: how errors name it."""
        return f"{self.file}: {self.text}"


@dataclass
class RequirementsFile:
    """The ``requirements.txt`` of one tool or workflow folder, with its parse errors."""

    kind: str  # "tool" or "workflow"
    owner: str  # the folder name (slug)
    path: Path
    requirements: list[DeclaredRequirement] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # "<file>: line 3: ..." each

    @property
    def key(self) -> str:
        """``tool:meteo``: the registry's way of naming an entry."""
        return f"{self.kind}:{self.owner}"


def _logical_lines(text: str) -> list[tuple[int, str]]:
    """(first line number, content) with comments stripped and ``\\`` continuations joined, as pip reads them."""
    out: list[tuple[int, str]] = []
    pending, start = "", 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw
        # pip treats " #" (or a line starting with #) as a comment; a "#" inside a URL fragment is kept.
        if line.lstrip().startswith("#"):
            line = ""
        elif " #" in line or "\t#" in line:
            line = line[: min(i for i in (line.find(" #"), line.find("\t#")) if i >= 0)]
        if not pending:
            start = number
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        content = " ".join((pending + line).split())  # joined lines keep one space where they met
        pending = ""
        if content:
            out.append((start, content))
    if pending.strip():
        out.append((start, pending.strip()))
    return out


def parse_requirements_file(path: Path, kind: str, owner: str) -> RequirementsFile:
    """Parse one file; every bad line becomes an error naming the file and line, never an exception."""
    from packaging.requirements import InvalidRequirement, Requirement

    result = RequirementsFile(kind, owner, path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        result.errors.append(translatable("Dependencies", "{path}: cannot be read: {reason}", path=str(path), reason=str(exc)))
        return result
    for number, content in _logical_lines(text):
        if content.startswith("-"):
            # Index options, -r/-c includes and editables would make what is installed depend on
            # more than this file; FlowDesk installs plain requirements and takes index settings
            # from uv's own configuration (uv.toml, UV_INDEX_URL...).
            option = content.split()[0]
            result.errors.append(translatable("Dependencies", "{path}: line {line}: option {option} is not supported here; list one "
                                              "package per line (index settings belong in uv's configuration)",
                                              path=str(path), line=number, option=option))
            continue
        try:
            requirement = Requirement(content)
        except InvalidRequirement as exc:
            result.errors.append(translatable("Dependencies", "{path}: line {line}: '{content}' is not a valid requirement: {reason}",
                                              path=str(path), line=number, content=content, reason=str(exc)))
            continue
        result.requirements.append(DeclaredRequirement(path, number, content, requirement))
    return result


def _owner_folders(workspace: Workspace) -> list[tuple[str, Path]]:
    """(kind, folder) of every tool and workflow folder, sorted, hidden and ``_private`` ones skipped."""
    out: list[tuple[str, Path]] = []
    for kind, sub in OWNER_KINDS:
        root = workspace.private_dir / sub
        try:
            with os.scandir(root) as it:
                names = sorted(e.name for e in it if e.is_dir() and not e.name.startswith((".", "_")))
        except OSError:
            continue
        out.extend((kind, root / name) for name in names)
    return out


def requirement_paths(workspace: Workspace) -> list[tuple[str, Path]]:
    """(kind, path) of every ``requirements.txt`` a tool or workflow folder holds."""
    return [(kind, folder / REQUIREMENTS_NAME) for kind, folder in _owner_folders(workspace)
            if (folder / REQUIREMENTS_NAME).is_file()]


def find_requirement_files(workspace: Workspace) -> list[RequirementsFile]:
    """Every tool's and workflow's ``requirements.txt``, parsed (tools first, then workflows, by name)."""
    return [parse_requirements_file(path, kind, path.parent.name) for kind, path in requirement_paths(workspace)]


def requirements_stamp(workspace: Workspace) -> tuple[tuple[str, int, int], ...]:
    """(path, mtime_ns, size) of every requirement file: a stat-only way to notice edits."""
    out = []
    for _kind, path in requirement_paths(workspace):
        try:
            st = path.stat()
        except OSError:
            continue
        out.append((str(path), st.st_mtime_ns, st.st_size))
    return tuple(out)
