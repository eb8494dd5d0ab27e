"""Inside a worker: import a workflow as ``workflows.<slug>.main``, build its tools, call execute(), check the result."""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import json
import os
import sys
import threading
import traceback
from pathlib import Path
from types import ModuleType, TracebackType
from typing import Any

from flowdesk.core.workspace_deps.worker_path import WorkspaceEnvPath

_INTERNAL_DIRS = (os.path.dirname(os.path.abspath(__file__)) + os.sep,
                  os.path.dirname(os.path.abspath(importlib.__file__)) + os.sep)
RESULT_SHAPE = "execute() must return a dict {status, message, data}"


class RunFailed(Exception):
    """A run ends in error with this message (and optional traceback text)."""

    def __init__(self, message: str, error: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.error = error if error is not None else message


def _is_internal(filename: str) -> bool:
    return filename.startswith(_INTERNAL_DIRS) or filename.startswith("<frozen importlib")


def describe_exception(exc: BaseException) -> RunFailed:
    """``Type: message`` plus the traceback trimmed to the workflow's own frames."""
    message = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    tb: TracebackType | None = exc.__traceback__
    while tb is not None and _is_internal(tb.tb_frame.f_code.co_filename):
        tb = tb.tb_next
    text = "".join(traceback.format_exception(type(exc), exc, tb)).rstrip()
    return RunFailed(message, f"{message}\n\n{text}")


def find_unserialisable(value: Any, path: str, stack: set[int] | None = None) -> str | None:
    """Where ``value`` stops being JSON (``data.when is datetime``), or None when it is fine."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return None
    stack = stack if stack is not None else set()
    if id(value) in stack:
        return f"{path} is a circular reference"
    if isinstance(value, dict):
        stack.add(id(value))
        for key, item in value.items():
            if not (key is None or isinstance(key, (str, int, float, bool))):
                return f"{path or 'the result'} has a key of type {type(key).__name__}"
            found = find_unserialisable(item, f"{path}.{key}" if path else str(key), stack)
            if found:
                return found
        stack.discard(id(value))
        return None
    if isinstance(value, (list, tuple)):
        stack.add(id(value))
        for i, item in enumerate(value):
            found = find_unserialisable(item, f"{path}[{i}]", stack)
            if found:
                return found
        stack.discard(id(value))
        return None
    return f"{path} is {type(value).__name__}"


def _exit_call(code: object) -> str:
    return "sys.exit()" if code is None else f"sys.exit({code!r})"


class WorkflowRunner:
    """Keeps imported workflows cached in this worker and runs them on request."""

    def __init__(self, workspace: Path) -> None:
        self.workspace = workspace
        private = workspace / "private"
        for entry in (str(private), str(workspace)):  # final order: workspace, private, ...
            if entry in sys.path:
                sys.path.remove(entry)
            sys.path.insert(0, entry)
        self._install_seed_compat()
        # Workspace dependencies: their installed environment goes at the END of sys.path.
        self._deps_path = WorkspaceEnvPath.from_environment(workspace)
        self._deps_path.refresh()
        pkg = ModuleType("workflows")
        pkg.__path__ = [str(private / "workflows")]
        pkg.__package__ = "workflows"
        sys.modules["workflows"] = pkg
        # Top-level modules a workflow imported from its own folder (``import helpers``): two
        # workflows may both have helpers.py, so each one's copies are swapped in only for its runs.
        self._stash: dict[str, dict[str, ModuleType]] = {}
        self._baseline_threads = threading.active_count()

    def _install_seed_compat(self) -> None:
        try:
            from flowdesk.core import seed_compat  # written separately; optional until it exists
        except ImportError:
            return
        try:
            seed_compat.install(self.workspace)
        except Exception:  # a broken shim must not take every run down with it
            traceback.print_exc()

    # -- importing ---------------------------------------------------------------------------
    def _package(self, slug: str, folder: Path) -> None:
        name = f"workflows.{slug}"
        pkg = sys.modules.get(name)
        if pkg is not None and list(getattr(pkg, "__path__", ())) == [str(folder)]:
            return
        init = folder / "__init__.py"
        if init.is_file():
            spec = importlib.util.spec_from_file_location(name, init, submodule_search_locations=[str(folder)])
            assert spec is not None and spec.loader is not None
            pkg = importlib.util.module_from_spec(spec)
            sys.modules[name] = pkg
            try:
                spec.loader.exec_module(pkg)
            except BaseException:
                sys.modules.pop(name, None)
                raise
        else:
            spec = importlib.util.spec_from_loader(name, None, is_package=True)
            assert spec is not None
            spec.submodule_search_locations = [str(folder)]
            pkg = importlib.util.module_from_spec(spec)
            pkg.__path__ = [str(folder)]
            sys.modules[name] = pkg
        setattr(sys.modules["workflows"], slug, pkg)

    def load(self, slug: str, folder: Path, fresh: bool = False) -> ModuleType:
        """The workflow's main module, imported once per worker (the engine recycles on changes)."""
        name = f"workflows.{slug}.main"
        module = sys.modules.get(name)
        if module is not None and not fresh:
            return module
        if fresh:
            for key in [k for k in sys.modules if k == f"workflows.{slug}" or k.startswith(f"workflows.{slug}.")]:
                del sys.modules[key]
        if not (folder / "main.py").is_file():
            raise RunFailed(f"main.py not found in {folder}")
        self._package(slug, folder)
        return importlib.import_module(name)

    def enter(self, slug: str, folder: Path) -> set[str]:
        """Before a run: the folder goes first on sys.path, its own top-level modules come back."""
        self._deps_path.refresh()  # an install (or a requirements edit) since the last run
        sys.path.insert(0, str(folder))
        sys.modules.update(self._stash.get(slug, {}))
        return set(sys.modules)

    def leave(self, slug: str, folder: Path, before: set[str]) -> None:
        """After a run: take the folder off sys.path and put its top-level modules aside."""
        try:
            sys.path.remove(str(folder))
        except ValueError:
            pass
        prefix = str(folder) + os.sep
        stash = self._stash.setdefault(slug, {})
        for key in [k for k in sys.modules if k not in before or k in stash]:
            module = sys.modules.get(key)
            origin = getattr(module, "__file__", None) or ""
            if key.startswith("workflows.") or not origin.startswith(prefix):
                continue
            stash[key] = module  # type: ignore[assignment]
            del sys.modules[key]

    # -- running -----------------------------------------------------------------------------
    def build_tools(self, specs: list[dict[str, Any]]) -> dict[str, Any]:
        """``{name: instance}`` built as ``cls(profile=..., config=...)``."""
        tools: dict[str, Any] = {}
        for spec in specs:
            name = spec.get("name") or "?"
            try:
                module = importlib.import_module(spec["module"])
                cls = self._tool_class(module, spec.get("class_name"))
                tools[name] = cls(profile=spec.get("profile"), config=spec.get("config") or {})
            except BaseException as exc:  # noqa: BLE001 - SystemExit from a tool's import counts too
                failure = describe_exception(exc)
                raise RunFailed(f"could not build tool '{name}': {failure.message}", failure.error) from None
        return tools

    @staticmethod
    def _tool_class(module: ModuleType, class_name: str | None) -> type:
        if class_name:
            cls = getattr(module, class_name, None)
            if not isinstance(cls, type):
                raise LookupError(f"{module.__name__} has no class {class_name}")
            return cls
        from flowdesk.core.tool_class_loading import pick_tool_class  # the registry's static pick, at run time

        found = pick_tool_class(module)
        if found is None:
            raise LookupError(f"{module.__name__} defines no tool class")
        return found

    def run(self, msg: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
        """Run one request; (reply fields, result as JSON text or None). Never raises."""
        slug, folder = msg["slug"], Path(msg["dir"])
        before = self.enter(slug, folder)
        try:
            result = self._execute(slug, folder, msg.get("data") or {}, msg.get("tools") or [])
            return self._check(result, msg.get("masks") or [])
        except RunFailed as failure:
            return {"status": "error", "message": failure.message, "error": failure.error}, None
        finally:
            self.leave(slug, folder, before)

    def _execute(self, slug: str, folder: Path, data: dict[str, Any], tool_specs: list[dict[str, Any]]) -> Any:
        try:
            module = self.load(slug, folder)
        except RunFailed:
            raise
        except BaseException as exc:  # noqa: BLE001 - SystemExit at import time is a broken workflow too
            raise describe_exception(exc) from None
        execute = getattr(module, "execute", None)
        if not callable(execute):
            raise RunFailed("main.py defines no execute(data, tools) function")
        tools = self.build_tools(tool_specs)
        where = "validate_data()"
        try:
            validate = getattr(module, "validate_data", None)
            if callable(validate) and not validate(data):
                raise RunFailed("validate_data() rejected the input")
            where = "execute()"
            result = execute(data, tools)
            if inspect.iscoroutine(result):  # ``async def execute`` works too
                import asyncio

                result = asyncio.run(result)
            return result
        except RunFailed:
            raise
        except SystemExit as exc:
            raise RunFailed(f"{where} called {_exit_call(exc.code)}") from None
        except BaseException as exc:  # noqa: BLE001 - KeyboardInterrupt & co. end the run, not the worker
            raise describe_exception(exc) from None

    @staticmethod
    def _check(result: Any, masks: list[str]) -> tuple[dict[str, Any], str | None]:
        """(reply fields, the result as the JSON text the store keeps), secrets in ``masks`` masked.

        Masked and encoded here, in the worker process: the engine stores and forwards the text as it
        comes, without building the objects again on its thread (the window's thread waits for the GIL).
        """
        if not isinstance(result, dict):
            raise RunFailed(f"{RESULT_SHAPE}, got {type(result).__name__}")
        # The store's own spelling (non-ASCII as is, as store.models.dump_json writes it).
        try:
            text = json.dumps(result, ensure_ascii=False, separators=(",", ":"))
        except (TypeError, ValueError, RecursionError):
            where = find_unserialisable(result, "") or "somewhere inside"
            raise RunFailed(f"execute() returned data that is not JSON-serialisable: {where}") from None
        value = result
        if masks:
            from flowdesk.core.secret_masking import mask_json  # only runs with secrets need it

            value = mask_json(result, masks)
            text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        if not text.isascii():
            try:
                text.encode("utf-8")
            except UnicodeEncodeError:  # a lone surrogate, which UTF-8 cannot carry: escaped instead
                text = json.dumps(value, separators=(",", ":"))
        status = result.get("status", "success")
        message = result.get("message")
        message = None if message is None else str(message)
        if status == "error":
            return {"status": "error", "message": message or "the workflow reported an error",
                    "error": message or "the workflow reported an error"}, text
        return {"status": "success", "message": message, "error": None}, text

    def probe(self, msg: dict[str, Any]) -> dict[str, Any]:
        """Import the workflow afresh and report what it defines (execute() is not called)."""
        slug, folder = msg["slug"], Path(msg["dir"])
        before = self.enter(slug, folder)
        try:
            try:
                module = self.load(slug, folder, fresh=True)
            except BaseException as exc:  # noqa: BLE001
                failure = exc if isinstance(exc, RunFailed) else describe_exception(exc)
                return {"ok": False, "error": failure.error}
            reply: dict[str, Any] = {
                "ok": True, "error": None,
                "has_execute": callable(getattr(module, "execute", None)),
                "has_validate_data": callable(getattr(module, "validate_data", None)),
            }
            if not reply["has_execute"]:
                reply.update(ok=False, error="main.py defines no execute(data, tools) function")
            for key, fn_name in (("required_inputs", "get_required_inputs"), ("tools_profiles", "get_tools_profiles")):
                fn = getattr(module, fn_name, None)
                if not callable(fn):
                    continue
                try:
                    value = fn()
                    json.dumps(value)
                    reply[key] = value
                except BaseException as exc:  # noqa: BLE001
                    reply.update(ok=False, error=f"{fn_name}() failed: {describe_exception(exc).message}")
            return reply
        finally:
            self.leave(slug, folder, before)

    def probe_tool(self, msg: dict[str, Any]) -> dict[str, Any]:
        """Import a tool's module afresh and find its class (the tool is not built: that needs a profile)."""
        self._deps_path.refresh()
        name = msg["module"]
        for key in [k for k in sys.modules if k == name or k.startswith(name + ".")]:
            del sys.modules[key]
        try:
            module = importlib.import_module(name)
            self._tool_class(module, msg.get("class_name"))
        except BaseException as exc:  # noqa: BLE001 - SystemExit or a hang-up at import time breaks the tool too
            return {"ok": False, "error": describe_exception(exc).error}
        return {"ok": True, "error": None}

    def leftover_activity(self) -> bool:
        """True when the run left threads or child processes behind (their output would leak)."""
        if threading.active_count() > self._baseline_threads:
            return True
        try:
            for tid in os.listdir("/proc/self/task"):
                with open(f"/proc/self/task/{tid}/children", "rb") as fh:
                    if fh.read().strip():
                        return True
        except OSError:
            pass
        return False
