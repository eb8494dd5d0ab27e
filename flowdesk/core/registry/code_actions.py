"""Actions a seed tool lists only in code: ``get_available_actions()`` read from the source, never run.

Seed tools often have no ``actions`` in ``config.json`` and return them from
``get_available_actions()`` instead. The method is read where it is written: the tool class
or, failing that, the nearest base class that defines it (in the same module or, through the
same import mapping as the tool class finder, another module of the workspace). Its first
top-level ``return`` is understood when it is a literal list/tuple/set of names (or of
``{"name": ...}`` objects), a dict literal (its keys), or a constant of the class or module
(``ACTIONS``, ``self.ACTIONS``, ``list(ACTIONS)``, ``ACTIONS.keys()``, ``sorted(...)``).
Anything else is reported as not readable without running the tool.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flowdesk.core.registry.source_inspection import SourceFacts
from flowdesk.core.registry.tool_class_finder import BUILTIN_TOOLS_DIR, ToolClassFinder

METHOD = "get_available_actions"
_WRAPPERS = {"list", "tuple", "sorted", "set", "frozenset"}


@dataclass
class CodeActions:
    """What ``get_available_actions()`` says: the names, or why they could not be read."""

    names: list[str] = field(default_factory=list)
    defined_in: str | None = None  # "AgendaTool (main.py)" when the method was found
    unreadable: str | None = None  # set when the method exists but is not a literal


def _names_of(value: Any) -> list[str] | None:
    """Action names from a literal value: list of names / of ``{"name": ...}``, or a dict's keys."""
    if isinstance(value, dict):
        return [str(k) for k in value]
    if isinstance(value, (list, tuple, set, frozenset)):
        out = []
        for item in value:
            if isinstance(item, str):
                out.append(item)
            elif isinstance(item, dict) and isinstance(item.get("name"), str):
                out.append(item["name"])
            else:
                return None
        return sorted(out) if isinstance(value, (set, frozenset)) else out
    return None


def _class_constants(node: ast.ClassDef) -> dict[str, ast.expr]:
    out: dict[str, ast.expr] = {}
    for stmt in node.body:
        if isinstance(stmt, ast.Assign):
            for target in stmt.targets:
                if isinstance(target, ast.Name):
                    out[target.id] = stmt.value
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value is not None:
            out[stmt.target.id] = stmt.value
    return out


def _evaluate(expr: ast.expr, klass: ast.ClassDef, facts: SourceFacts, depth: int = 0) -> list[str] | None:
    """Action names from a return expression, following constants and simple wrappers."""
    if depth > 5:
        return None
    if isinstance(expr, ast.Dict):  # values may be anything (lambdas, method refs): keys are what count
        keys = [k.value for k in expr.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)]
        return keys if len(keys) == len(expr.keys) else None
    try:
        return _names_of(ast.literal_eval(expr))
    except (ValueError, SyntaxError, TypeError):
        pass
    if isinstance(expr, ast.Call):
        func = expr.func
        if isinstance(func, ast.Name) and func.id in _WRAPPERS and len(expr.args) == 1:
            inner = _evaluate(expr.args[0], klass, facts, depth + 1)
            return sorted(inner) if inner is not None and func.id == "sorted" else inner
        if isinstance(func, ast.Attribute) and func.attr == "keys" and not expr.args:
            return _evaluate(func.value, klass, facts, depth + 1)
        return None
    if isinstance(expr, ast.Name):
        constants = _class_constants(klass)
        if expr.id in facts.constants and facts.constants[expr.id] is not None:
            return _names_of(facts.constants[expr.id])
        return None if expr.id not in constants else _evaluate(constants[expr.id], klass, facts, depth + 1)
    if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name) \
            and expr.value.id in ("self", "cls", klass.name):
        constants = _class_constants(klass)
        if expr.attr in constants:
            return _evaluate(constants[expr.attr], klass, facts, depth + 1)
        value = facts.constants.get(expr.attr)
        return _names_of(value) if value is not None else None
    return None


def _first_return(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> ast.expr | None:
    for stmt in fn.body:
        if isinstance(stmt, ast.Return):
            return stmt.value
    return None


def _method(node: ast.ClassDef) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    return next((s for s in node.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)) and s.name == METHOD),
                None)


def read_code_actions(finder: ToolClassFinder, path: Path, facts: SourceFacts, class_name: str) -> CodeActions:
    """The actions ``class_name``'s ``get_available_actions()`` returns, read statically."""
    here: tuple[Path, SourceFacts, str] | None = (path, facts, class_name)
    for _ in range(12):
        if here is None:
            break
        where, where_facts, name = here
        node = where_facts.class_nodes.get(name)
        if node is None:
            break
        if where == BUILTIN_TOOLS_DIR / "base.py" or where.parent == BUILTIN_TOOLS_DIR and where.name.startswith("base"):
            break  # FlowDesk's own bases: their actions come from config.json, shown already
        method = _method(node)
        if method is not None:
            label = f"{name} ({where.name})"
            returned = _first_return(method)
            names = _evaluate(returned, node, where_facts) if returned is not None else None
            if names is None:
                return CodeActions(defined_in=label, unreadable=f"{where.name}: {name}.{METHOD}() does not return "
                                   "a literal list of action names, so its actions are only known when it runs")
            return CodeActions(names=list(dict.fromkeys(names)), defined_in=label)
        here = _next_base(finder, where, where_facts, node)
    return CodeActions()


def _next_base(finder: ToolClassFinder, path: Path, facts: SourceFacts,
               node: ast.ClassDef) -> tuple[Path, SourceFacts, str] | None:
    """The first base of ``node`` that derives from BaseTool, located in its own file."""
    for base in facts.classes.get(node.name, []):
        if "." in base:
            continue
        if base in facts.classes and finder.is_tool(path, facts, base):
            return path, facts, base
        resolved = finder.resolve(path, facts, base)
        if resolved is not None:
            return resolved
    return None
