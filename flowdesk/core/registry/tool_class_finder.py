"""Which class of a tool's ``main.py`` is the tool, found without importing: bases are followed across modules.

A seed tool may subclass ``BaseTool`` indirectly: ``AgendaTool(GoogleOAuthTool)`` with
``GoogleOAuthTool(BaseOAuthTool)`` and ``BaseOAuthTool(BaseTool)``, those bases imported from
``..base_oauth``, ``tools.base_oauth``, ``app.private.tools.base_oauth`` or any module of the
workspace. Imported names are mapped to files the way ``seed_compat`` maps the imports at run
time (workspace ``private/tools`` first, then FlowDesk's built-ins), and the files are parsed,
never executed. A base that cannot be located counts when it carries one of the seed's base
class names.

When several classes of the module are tools, the tool is the first one that no other tool
class of the module derives from (``AgendaTool`` rather than its own ``BaseAgenda``); the
worker's run-time pick (``seed_compat.pick_tool_class``) applies the same rule.
"""

from __future__ import annotations

from pathlib import Path

from flowdesk.core import seed_compat
from flowdesk.core.registry.source_inspection import SourceFacts, inspect_source

BUILTIN_TOOLS_DIR = Path(__file__).resolve().parents[2] / "tools"
# Names of the seed platform's tool base classes; FlowDesk provides each of them (flowdesk/tools/base*.py).
SEED_TOOL_BASES = frozenset({"BaseTool", "BaseOAuthTool", "GoogleOAuthTool"})
_TOOLS_PACKAGES = ("tools", "app.private.tools", "app.tools", "app.common.tools")
_MAX_DEPTH = 12  # chains of bases longer than this are not a tool hierarchy anyone writes


class ModuleLocator:
    """Maps an import written in a tool's source to the file it would load (``None`` when unknown)."""

    def __init__(self, tools_dir: Path, builtin_dir: Path = BUILTIN_TOOLS_DIR) -> None:
        self.tools_dir = tools_dir
        self.builtin_dir = builtin_dir
        private = tools_dir.parent
        # Workers put the workspace root and private/ on sys.path, so plain ``import helpers`` finds them.
        self.path_roots = [private, private.parent] if private.name == "private" else []

    def locate(self, importer: Path, module: str, level: int) -> Path | None:
        """The source file of ``module`` imported from ``importer`` (``level`` leading dots)."""
        parts = [p for p in module.split(".") if p]
        if level:
            base = importer.parent
            for _ in range(level - 1):
                base = base.parent
            if base in (self.tools_dir, self.builtin_dir):  # the seed ``tools`` package spans both
                return self._in_tools(parts)
            return _module_file(base, parts)
        for package in _TOOLS_PACKAGES:
            prefix = package.split(".")
            if parts[: len(prefix)] == prefix:
                return self._in_tools(parts[len(prefix):])
        if parts[:2] == ["flowdesk", "tools"]:
            return _module_file(self.builtin_dir, parts[2:])
        if parts[:2] == ["app", "private"]:
            return _module_file(self.tools_dir.parent, parts[2:])
        for root in self.path_roots:
            found = _module_file(root, parts)
            if found is not None:
                return found
        return None

    def _in_tools(self, parts: list[str]) -> Path | None:
        if not parts:
            return None
        if parts == ["base"]:  # tools.base is always FlowDesk's BaseTool module (seed_compat)
            return self.builtin_dir / "base.py"
        found = _module_file(self.tools_dir, parts)
        if found is None and not (self.tools_dir / parts[0]).is_dir():
            slug = parts[0] if (self.builtin_dir / parts[0]).exists() else seed_compat.builtin_alias(parts[0])
            found = _module_file(self.builtin_dir, [slug, *parts[1:]]) if slug else None
        return found


def _module_file(base: Path, parts: list[str]) -> Path | None:
    if not parts:
        init = base / "__init__.py"
        return init if init.is_file() else None
    target = base.joinpath(*parts)
    for candidate in (target.with_name(target.name + ".py"), target / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


class ToolClassFinder:
    """Decides which classes of a module derive from BaseTool, following bases through other files."""

    def __init__(self, locator: ModuleLocator) -> None:
        self.locator = locator
        self._facts: dict[Path, SourceFacts] = {}

    def facts_of(self, path: Path) -> SourceFacts:
        """The parsed facts of ``path`` (each file parsed once per finder)."""
        if path not in self._facts:
            self._facts[path] = inspect_source(path)
        return self._facts[path]

    def is_tool(self, path: Path, facts: SourceFacts, name: str, depth: int = 0) -> bool:
        """True when ``name`` (a class of ``facts`` or a name it imports) derives from a BaseTool class."""
        if depth > _MAX_DEPTH:
            return False
        if name == "BaseTool" and path == self.locator.builtin_dir / "base.py":
            return True  # the root itself
        if name in facts.classes:
            return any(self._base_is_tool(path, facts, base, depth + 1) for base in facts.classes[name])
        return self.resolve(path, facts, name, depth) is not None

    def locate_name(self, path: Path, facts: SourceFacts, name: str) -> tuple[Path, SourceFacts, str] | None:
        """The file (and its facts) defining the name ``path`` imports as ``name``, when it can be found."""
        origin = facts.imports.get(name)
        if origin is None or origin.name is None:  # not imported, or ``import x`` (a module, not a class)
            return None
        target = self.locator.locate(path, origin.module, origin.level)
        if target is None:
            return None
        other = self.facts_of(target)
        if other.error or not (origin.name in other.classes or origin.name in other.imports):
            return None
        return target, other, origin.name

    def resolve(self, path: Path, facts: SourceFacts, name: str, depth: int = 0) -> tuple[Path, SourceFacts, str] | None:
        """Where the tool class ``name`` imported by ``path`` is defined, if it is a tool class."""
        located = self.locate_name(path, facts, name) if depth <= _MAX_DEPTH else None
        if located is not None and self.is_tool(*located, depth + 1):
            return located
        return None

    def _base_is_tool(self, path: Path, facts: SourceFacts, base: str, depth: int) -> bool:
        head, _, rest = base.partition(".")
        last = base.rpartition(".")[2]
        if not rest:
            if base in facts.classes:
                return self.is_tool(path, facts, base, depth)
            located = self.locate_name(path, facts, base)
            if located is not None:  # a base FlowDesk can read decides by what it is, not by its name
                return self.is_tool(*located, depth + 1)
            return base in SEED_TOOL_BASES
        # ``module.Class``: the module is an imported name (``from .. import base_oauth`` / ``import tools.x``).
        origin = facts.imports.get(head)
        if origin is not None:
            if origin.name is not None:
                module, level = f"{origin.module}.{origin.name}".strip("."), origin.level
            else:
                module, level = origin.module, 0
            inner = rest.rpartition(".")[0]
            target = self.locator.locate(path, f"{module}.{inner}" if inner else module, level)
            if target is not None:
                other = self.facts_of(target)
                if not other.error and last in other.classes:
                    return self.is_tool(target, other, last, depth)
        return last in SEED_TOOL_BASES

    def workspace_files(self, main_path: Path) -> tuple[Path, ...]:
        """The files read besides ``main_path`` that belong to the workspace (not FlowDesk's built-ins)."""
        builtin = self.locator.builtin_dir
        return tuple(sorted(p for p in self._facts if p != main_path and builtin not in p.parents))

    def tool_classes(self, path: Path, facts: SourceFacts) -> list[str]:
        """The classes defined in ``facts`` that derive from BaseTool, in source order."""
        return [name for name in facts.classes if self.is_tool(path, facts, name)]

    def imported_tool_classes(self, path: Path, facts: SourceFacts) -> list[str]:
        """Names ``facts`` imports that are tool classes of other modules (a ``main.py`` that re-exports)."""
        return [name for name, origin in facts.imports.items()
                if origin.name not in SEED_TOOL_BASES and self.resolve(path, facts, name) is not None]


def pick_tool_class(facts: SourceFacts, tools: list[str]) -> str | None:
    """The first tool class no other tool class of the module derives from (else the first).
    (Imported tool classes are compared by name only: their own bases live in other files.)"""
    derived_from = {base for name in tools for base in facts.classes.get(name, []) if base != name}
    leaves = [name for name in tools if name not in derived_from]
    return (leaves or tools or [None])[0]


def find_tool_class(main_path: Path, facts: SourceFacts, tools_dir: Path | None = None) -> str | None:
    """The tool class of ``main_path`` (a ``<tools dir>/<slug>/main.py``), or ``None``."""
    finder = ToolClassFinder(ModuleLocator(tools_dir or main_path.parent.parent))
    return pick_tool_class(facts, finder.tool_classes(main_path, facts))
