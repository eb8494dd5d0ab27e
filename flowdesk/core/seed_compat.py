"""Import shims so code written for the seed platform imports unchanged inside FlowDesk.

``install(root)`` puts a finder first on ``sys.meta_path`` that serves:

* ``tools`` – a package over ``<root>/private/tools`` then ``flowdesk/tools``. A workspace
  tool folder overrides a built-in one of the same name *as a whole* (no mixing of files).
  Workspace tool folders need no ``__init__.py``. Built-in ``tools.<x>...`` names are
  aliases of ``flowdesk.tools.<x>...`` (same module objects, so classes are identical).
* ``tools.base`` – the ``flowdesk.tools.base`` module itself, so ``from ..base import
  BaseTool`` in a tool gives FlowDesk's BaseTool (a workspace ``private/tools/base.py``
  is ignored).
* ``app``, ``app.private`` (over ``<root>/private``), ``app.common`` – empty packages;
  ``app.private.tools``, ``app.tools``, ``app.common.tools`` – the same object as
  ``tools`` (and every submodule likewise); ``app.private.workflows`` / ``temp`` /
  ``interfaces`` – packages over those folders.
* ``tools.<alias>`` – a built-in tool under a name its ``config.json`` lists in ``aliases``
  (the seed's ``tools.calendar`` is ``flowdesk.tools.google_calendar``) when the workspace has
  no folder of that name. ``tools.base_oauth`` is FlowDesk's ``BaseOAuthTool`` /
  ``GoogleOAuthTool`` (``flowdesk/tools/base_oauth.py``) unless the workspace has its own.
* ``config``, ``config.logger`` and ``config.config`` only (the workspace ``config/`` folder
  holds ``.env`` and must not be imported): ``config.logger.logger`` is the standard-logging
  logger ``flowdesk.workflow``, so the engine's log capture sees it; ``config.config.settings``
  is the seed's settings object (``flowdesk.core.seed_settings``).

Aliases are real ``sys.modules`` entries pointing at one module object, whichever name
is imported first; the module keeps its canonical ``__name__`` and ``__spec__``.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import logging
import sys
import threading
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import Any

from flowdesk.core.tool_class_loading import load_tool_class, pick_tool_class

__all__ = ["SeedFinder", "builtin_alias", "install", "installed_root", "load_tool_class", "pick_tool_class",
           "uninstall"]

WORKFLOW_LOGGER = "flowdesk.workflow"
_ROOTS = ("tools", "app", "config")
_TOOLS_ALIASES = ("app.private.tools", "app.tools", "app.common.tools")
_PRIVATE_FOLDERS = ("workflows", "temp", "interfaces")

BUILTIN_TOOLS_DIR = Path(__file__).resolve().parent.parent / "tools"

_lock = threading.Lock()
_finder: SeedFinder | None = None


@lru_cache(maxsize=1)
def _builtin_aliases() -> dict[str, str]:
    """``{alias: slug}`` from the ``aliases`` of the built-in tools' ``config.json`` files."""
    out: dict[str, str] = {}
    for config in sorted(BUILTIN_TOOLS_DIR.glob("*/config.json")):
        try:
            aliases = json.loads(config.read_text(encoding="utf-8")).get("aliases") or []
        except (OSError, ValueError, AttributeError):
            continue  # a broken built-in config is the registry's to report
        for alias in aliases:
            if isinstance(alias, str) and alias.isidentifier():
                out.setdefault(alias, config.parent.name)
    return out


def builtin_alias(name: str) -> str | None:
    """The built-in tool folder that ``name`` is an alias of (``calendar`` -> ``google_calendar``)."""
    return _builtin_aliases().get(name)


class _SyntheticLoader(importlib.abc.Loader):
    """Makes a module that has no file: an empty package, or ``config.logger``."""

    def __init__(self, fill: Callable[[ModuleType], None] | None = None) -> None:
        self._fill = fill

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return None  # the default module object

    def exec_module(self, module: ModuleType) -> None:
        if self._fill is not None:
            self._fill(module)


class _AliasLoader(importlib.abc.Loader):
    """Serves an already-imported module under a second name (same object, same classes)."""

    def __init__(self, target: ModuleType) -> None:
        self._target = target
        self._target_spec = target.__spec__

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        return self._target

    def exec_module(self, module: ModuleType) -> None:
        # The import system just rebound __spec__ to the alias spec; give the module its own back
        # so reload(), pickling and __name__-based lookups keep using the canonical name.
        module.__spec__ = self._target_spec


def _fill_logger_module(module: ModuleType) -> None:
    """``config.logger`` as the seed code expects it: a module-level ``logger``."""
    base = logging.getLogger(WORKFLOW_LOGGER)

    def get_logger(name: str | None = None) -> logging.Logger:
        """The workflow logger, or a named child of it."""
        return base.getChild(name) if name else base

    module.logger = base  # type: ignore[attr-defined]
    module.get_logger = get_logger  # type: ignore[attr-defined]
    module.setup_logger = get_logger  # type: ignore[attr-defined]


def _fill_settings_module(module: ModuleType) -> None:
    """``config.config`` as the seed code expects it: ``settings`` (and its ``Settings`` class)."""
    from flowdesk.core.seed_settings import Settings, load_settings  # late: pydantic only when asked for

    module.Settings = Settings  # type: ignore[attr-defined]
    module.settings = load_settings(installed_root())  # type: ignore[attr-defined]
    module.get_settings = lambda: module.settings  # type: ignore[attr-defined]


def _fill_config_package(module: ModuleType) -> None:
    """``from config import settings`` reaches ``config.config.settings`` lazily."""

    def __getattr__(name: str) -> Any:  # noqa: N807 - module-level __getattr__ (PEP 562)
        if name in ("settings", "Settings"):
            return getattr(importlib.import_module("config.config"), name)
        raise AttributeError(f"module 'config' has no attribute {name!r}")

    module.__getattr__ = __getattr__  # type: ignore[attr-defined]


def _package_spec(name: str, locations: Sequence[Path], fill: Callable[[ModuleType], None] | None = None
                  ) -> importlib.machinery.ModuleSpec:
    """A file-less package whose submodules are searched in ``locations``."""
    spec = importlib.machinery.ModuleSpec(name, _SyntheticLoader(fill), is_package=True)
    spec.submodule_search_locations = [str(p) for p in locations]
    return spec


class SeedFinder(importlib.abc.MetaPathFinder):
    """The meta-path finder behind ``install()``; one per workspace root."""

    def __init__(self, workspace_root: Path) -> None:
        self.root = workspace_root
        self.private_dir = workspace_root / "private"
        self.ws_tools = self.private_dir / "tools"
        self.builtin_tools = BUILTIN_TOOLS_DIR

    def find_spec(self, fullname: str, path: Sequence[str] | None = None,
                  target: ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:
        """Specs for the seed names listed in the module doc; ``None`` for everything else."""
        top = fullname.partition(".")[0]
        if top == "tools":
            return self._tools_spec(fullname)
        if top == "app":
            return self._app_spec(fullname)
        if fullname == "config":
            return _package_spec(fullname, [], _fill_config_package)
        if fullname == "config.logger":
            return importlib.machinery.ModuleSpec(fullname, _SyntheticLoader(_fill_logger_module))
        if fullname == "config.config":
            return importlib.machinery.ModuleSpec(fullname, _SyntheticLoader(_fill_settings_module))
        return None

    def _tools_spec(self, fullname: str) -> importlib.machinery.ModuleSpec | None:
        parts = fullname.split(".")
        if len(parts) == 1:
            return _package_spec(fullname, [self.ws_tools, self.builtin_tools])
        if fullname == "tools.base":
            return self._alias_spec(fullname, "flowdesk.tools.base")
        slug = parts[1]
        owner = self._owner(slug)
        if owner is None:
            alias = builtin_alias(slug)
            if alias is None or self._owner(alias) is None:
                return None
            # The seed's name for a built-in: the same module objects as its FlowDesk name.
            return self._alias_spec(fullname, ".".join(["tools", alias, *parts[2:]]))
        kind, location = owner
        if kind == "builtin":
            return self._alias_spec(fullname, ".".join(["flowdesk", *parts]))
        if len(parts) > 2:
            return None  # the standard PathFinder, searching the tool package's __path__
        if location.is_dir():
            init = location / "__init__.py"
            if init.is_file():
                return importlib.util.spec_from_file_location(
                    fullname, init, submodule_search_locations=[str(location)])
            return _package_spec(fullname, [location])
        return importlib.util.spec_from_file_location(fullname, location)

    def _owner(self, slug: str) -> tuple[str, Path] | None:
        """Who provides tool ``slug``: the workspace (first) or FlowDesk's built-ins."""
        if not slug.isidentifier() or slug.startswith("_"):
            return None
        for kind, folder in (("workspace", self.ws_tools), ("builtin", self.builtin_tools)):
            package, module = folder / slug, folder / f"{slug}.py"
            # Any workspace folder counts (seed tool folders often lack __init__.py); a built-in
            # folder must hold code, so a stray data folder cannot shadow nothing.
            has_code = (package / "__init__.py").is_file() or (package / "main.py").is_file()
            if package.is_dir() and (kind == "workspace" or has_code):
                return kind, package
            if module.is_file() and slug != "base":
                return kind, module
        return None

    def _app_spec(self, fullname: str) -> importlib.machinery.ModuleSpec | None:
        for alias in _TOOLS_ALIASES:
            if fullname == alias or fullname.startswith(alias + "."):
                return self._alias_spec(fullname, "tools" + fullname[len(alias):])
        if fullname in ("app", "app.common"):
            return _package_spec(fullname, [])
        if fullname == "app.private":
            return _package_spec(fullname, [self.private_dir])
        head, _, leaf = fullname.rpartition(".")
        if head == "app.private" and leaf in _PRIVATE_FOLDERS:
            return _package_spec(fullname, [self.private_dir / leaf])
        return None

    def _alias_spec(self, fullname: str, canonical: str) -> importlib.machinery.ModuleSpec | None:
        """A spec whose loader hands back the module ``canonical`` (imported now if needed)."""
        try:
            target = importlib.import_module(canonical)
        except ModuleNotFoundError as exc:
            if exc.name == canonical:
                return None  # report the name the user wrote, not our canonical one
            raise
        spec = importlib.util.spec_from_loader(fullname, _AliasLoader(target),
                                               is_package=hasattr(target, "__path__"))
        if spec is not None and hasattr(target, "__path__"):
            spec.submodule_search_locations = list(target.__path__)
        return spec


def _purge() -> None:
    """Forget modules imported under the seed names, so a new root is imported afresh."""
    for name in list(sys.modules):
        if name.partition(".")[0] in _ROOTS:
            del sys.modules[name]


def install(workspace_root: Path) -> None:
    """Put the seed import shims first on ``sys.meta_path`` for ``workspace_root`` (idempotent)."""
    global _finder
    root = Path(workspace_root).resolve()
    with _lock:
        if _finder is not None and _finder.root == root:
            if not sys.meta_path or sys.meta_path[0] is not _finder:
                sys.meta_path[:] = [_finder, *(f for f in sys.meta_path if f is not _finder)]
            return
        if _finder is not None:
            sys.meta_path[:] = [f for f in sys.meta_path if f is not _finder]
        _purge()
        _finder = SeedFinder(root)
        sys.meta_path.insert(0, _finder)
        importlib.invalidate_caches()


def uninstall() -> None:
    """Remove the shims and forget the modules imported through them."""
    global _finder
    with _lock:
        if _finder is not None:
            sys.meta_path[:] = [f for f in sys.meta_path if f is not _finder]
            _finder = None
            _purge()


def installed_root() -> Path | None:
    """The workspace root the shims serve, or ``None`` when not installed."""
    return _finder.root if _finder is not None else None
