"""Static checks of a ``main.py`` without importing it: syntax, functions, classes, constants, imports."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SEED_INTERFACE_CONSTANTS = ("DISPLAY_NAME", "DESCRIPTION", "ROUTE", "ICON")


@dataclass(frozen=True)
class ImportOrigin:
    """Where a module-level name comes from: ``from <module> import <name>`` (``level`` dots) or ``import <module>``."""

    module: str
    level: int = 0
    name: str | None = None  # None for ``import a.b`` (the name is the module itself)


@dataclass
class SourceFacts:
    """What a module's source says about itself, read with ``ast`` (never executed)."""

    error: str | None = None
    functions: set[str] = field(default_factory=set)
    classes: dict[str, list[str]] = field(default_factory=dict)  # class name -> base names (dotted as written)
    class_nodes: dict[str, ast.ClassDef] = field(default_factory=dict)
    constants: dict[str, Any] = field(default_factory=dict)
    literal_returns: dict[str, Any] = field(default_factory=dict)  # function -> literal it returns
    imported_names: set[str] = field(default_factory=set)
    imports: dict[str, ImportOrigin] = field(default_factory=dict)  # local name -> where it comes from

    def defines(self, name: str) -> bool:
        """True when ``name`` is bound at module level (def, assignment or import)."""
        return name in self.functions or name in self.constants or name in self.imported_names


def _base_name(node: ast.expr) -> str:
    """A base class as written: ``BaseTool``, ``base_oauth.GoogleOAuthTool``; ``""`` for anything else."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        head = _base_name(node.value)
        return f"{head}.{node.attr}" if head else node.attr
    if isinstance(node, ast.Subscript):  # Generic[T]-style bases: the class is the subscripted value
        return _base_name(node.value)
    return ""


def _record_import(facts: SourceFacts, node: ast.Import | ast.ImportFrom) -> None:
    for alias in node.names:
        if alias.name == "*":
            continue
        local = (alias.asname or alias.name).split(".")[0]
        facts.imported_names.add(local)
        if isinstance(node, ast.ImportFrom):
            facts.imports[local] = ImportOrigin(node.module or "", node.level, alias.name)
        else:
            facts.imports[local] = ImportOrigin(alias.name if alias.asname else local)


def _literal_return(fn: ast.FunctionDef) -> tuple[bool, Any]:
    """The literal a function returns when its body is (docstring +) ``return <literal>``."""
    body = [s for s in fn.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
    if len(body) == 1 and isinstance(body[0], ast.Return) and body[0].value is not None:
        try:
            return True, ast.literal_eval(body[0].value)
        except (ValueError, SyntaxError, TypeError):
            return False, None
    return False, None


def inspect_source(path: Path) -> SourceFacts:
    """Parse ``path`` and collect module-level facts; a syntax error is reported, not raised."""
    facts = SourceFacts()
    try:
        source = path.read_bytes()
    except OSError as exc:
        facts.error = f"cannot read {path.name}: {exc.strerror or exc}"
        return facts
    try:
        tree = ast.parse(source, filename=str(path))
    except SyntaxError as exc:
        facts.error = f"SyntaxError: {exc.msg} ({path.name}, line {exc.lineno})"
        return facts
    except ValueError as exc:  # null bytes
        facts.error = f"{path.name}: {exc}"
        return facts
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            facts.functions.add(node.name)
            if isinstance(node, ast.FunctionDef):
                ok, value = _literal_return(node)
                if ok:
                    facts.literal_returns[node.name] = value
        elif isinstance(node, ast.ClassDef):
            facts.classes[node.name] = [_base_name(b) for b in node.bases]
            facts.class_nodes[node.name] = node
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name) and node.value is not None:
                    try:
                        facts.constants[target.id] = ast.literal_eval(node.value)
                    except (ValueError, SyntaxError, TypeError):
                        facts.constants[target.id] = None
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            _record_import(facts, node)
        elif isinstance(node, ast.Try):  # try: import x / except ImportError: ... (optional dependencies)
            for inner in node.body:
                if isinstance(inner, (ast.Import, ast.ImportFrom)):
                    _record_import(facts, inner)
    return facts
