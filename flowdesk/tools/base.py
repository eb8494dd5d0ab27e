"""BaseTool: the class every tool subclasses, shaped like the seed platform's BaseTool."""

from __future__ import annotations

import inspect
import json
import logging
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from flowdesk.core.profiles import (
    DEFAULT_PROFILE,
    SOURCE_CONFIG,
    SOURCE_DEFAULT,
    ProfileResolver,
    ResolvedProfile,
    class_name_prefixes,
    is_input_profile,
    is_secret_param,
    profile_var,
    tool_aliases,
)
from flowdesk.core.secret_masking import MASK, mask_json

_log = logging.getLogger(__name__)
_json_cache: dict[str, tuple[int, dict[str, Any]]] = {}


class ToolParamError(ValueError):
    """Bad action parameters: the action returns an error result instead of a traceback."""


def workspace_root() -> Path:
    """The workspace tools read ``config/.env`` from: ``FLOWDESK_WORKSPACE``, the seed_compat root, else cwd."""
    explicit = os.environ.get("FLOWDESK_WORKSPACE")
    if explicit:
        return Path(explicit).expanduser()
    from flowdesk.core import seed_compat  # late: seed_compat is optional at runtime

    return seed_compat.installed_root() or Path.cwd()


def read_tool_json(path: Path) -> dict[str, Any]:
    """A tool ``config.json`` as a dict (cached on mtime; unreadable or broken -> ``{}``, logged)."""
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        return {}
    key = str(path)
    hit = _json_cache.get(key)
    if hit is not None and hit[0] == mtime:
        return hit[1]
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        _log.warning("%s: cannot read tool config: %s", path, exc)
        data = {}
    if not isinstance(data, dict):
        data = {}
    _json_cache[key] = (mtime, data)
    return data


def _param_lists(tool_config: Mapping[str, Any]) -> tuple[list[str], dict[str, Any]]:
    """``required_params`` and ``optional_params`` tolerant of list/dict spellings."""
    req = tool_config.get("required_params") or []
    opt = tool_config.get("optional_params") or {}
    required = list(req.keys()) if isinstance(req, Mapping) else [str(p) for p in req]
    optional = dict(opt) if isinstance(opt, Mapping) else {str(p): None for p in opt}
    return required, optional


class BaseTool:
    """A tool: built with ``Tool(profile="TEST")`` (values from env) or ``Tool(config={...})``."""

    tool_name: str = ""
    # Seed subclasses sometimes skip super().__init__(); these keep the helpers usable then.
    authenticated: bool = False
    profile: str = DEFAULT_PROFILE
    _required: list[str] | tuple[str, ...] = ()
    _secret_params: list[str] | tuple[str, ...] = ()
    _from_profile: bool = False
    _env_name: str = ""
    _resolved: ResolvedProfile | None = None

    def __init__(self, profile: str | None = None, config: dict[str, Any] | None = None) -> None:
        if isinstance(profile, Mapping) and config is None:  # seed code sometimes passed the config first
            profile, config = None, dict(profile)
        cls = type(self)
        self.tool_config: dict[str, Any] = cls.read_tool_config()
        folder = cls.tool_dir()
        self.tool_name = str(
            self.tool_config.get("tool_name")
            or cls.tool_name
            or (folder.name if folder else "")
            or cls.__name__.lower().removesuffix("tool")
        )
        self.profile: str = profile or DEFAULT_PROFILE
        self.authenticated = False
        self.logger = logging.getLogger(f"flowdesk.tools.{self.tool_name}")
        required, optional = _param_lists(self.tool_config)
        self._required = required
        self._secret_params = [str(p) for p in self.tool_config.get("secret_params") or []]
        self._from_profile = config is None and not is_input_profile(self.profile)
        if config is not None or not self._from_profile:
            values = {**optional, **(config or {})}
            self._resolved = ResolvedProfile(
                tool=self.tool_name,
                profile=self.profile,
                values=values,
                sources={k: SOURCE_CONFIG if k in (config or {}) else SOURCE_DEFAULT for k in values},
            )
        else:
            # Variables are named after the folder slug (the seed's google_calendar/ folder held
            # tool_name "calendar" and read GOOGLE_CALENDAR_*); tool_name is accepted as an alias,
            # and so is the seed's class-name prefix of a workspace tool (ExampleTool -> EXAMPLE_*).
            self._env_name = folder.name if folder is not None else self.tool_name
            aliases = [*(self.tool_config.get("aliases") or []), self.tool_name]
            if folder is None or folder.parent != Path(__file__).resolve().parent:
                aliases += class_name_prefixes(cls.__name__)
            resolver = ProfileResolver(workspace_root() / "config" / ".env")
            self._resolved = resolver.resolve(
                self._env_name, self.profile, required, optional,
                aliases=tool_aliases(self._env_name, aliases), secret_params=self._secret_params,
            )
            for warning in self._resolved.warnings:
                self.logger.warning("%s", warning)
        self.config: dict[str, Any] = dict(self._resolved.values)

    # -- where the tool lives ---------------------------------------------------------

    @classmethod
    def tool_dir(cls) -> Path | None:
        """The folder holding this tool's ``config.json`` (searched along the class hierarchy)."""
        for klass in cls.__mro__:
            if klass in (BaseTool, object):
                break
            try:
                folder = Path(inspect.getfile(klass)).resolve().parent
            except (TypeError, OSError):
                continue
            if (folder / "config.json").is_file():
                return folder
        return None

    @classmethod
    def read_tool_config(cls) -> dict[str, Any]:
        """This tool's ``config.json`` (``{}`` when there is none)."""
        folder = cls.tool_dir()
        return read_tool_json(folder / "config.json") if folder else {}

    # -- the seed contract ------------------------------------------------------------

    def authenticate(self) -> bool:
        """Check credentials; the default only checks that required parameters are set."""
        self.authenticated = self.validate_config()
        return self.authenticated

    def is_authenticated(self) -> bool:
        """True once ``authenticate()`` succeeded."""
        return bool(self.authenticated)

    def execute(self, action: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        """Run ``action``: calls ``action_<name>(params)``, or ``_<name>(params)`` for a declared action."""
        method = self._action_method(action)
        if method is None:
            available = ", ".join(self.get_available_actions()) or "none"
            return self.error(f"Action {action} not supported by tool {self.tool_name}; available: {available}")
        if params is not None and not isinstance(params, Mapping):
            return self.error(f"params of action {action} must be an object, got {type(params).__name__}")
        if not self.authenticated and not self.authenticate():
            missing = ", ".join(self.missing_variables())
            detail = f": missing {missing}" if missing else ""
            return self.error(f"Tool {self.tool_name} is not authenticated{detail}")
        try:
            result = method(dict(params or {}))
        except ToolParamError as exc:
            return self.error(str(exc))
        except Exception as exc:  # a tool bug must reach the workflow as a result, not kill it
            self.logger.exception("action %s of tool %s failed", action, self.tool_name)
            return self.error(f"{type(exc).__name__}: {exc}")
        if isinstance(result, dict) and result.get("status") in ("success", "error"):
            return result
        return self.success(result)

    def get_available_actions(self) -> list[str]:
        """Action names declared in ``config.json`` plus any ``action_<name>`` methods."""
        tool_config = getattr(self, "tool_config", None) or type(self).read_tool_config()
        declared = tool_config.get("actions") or {}
        if isinstance(declared, Mapping):
            names = [str(k) for k in declared]
        else:
            names = [str(a.get("name")) for a in declared if isinstance(a, Mapping) and a.get("name")]
        for attr in dir(type(self)):
            if attr.startswith("action_") and callable(getattr(type(self), attr)):
                name = attr[len("action_"):]
                if name not in names:
                    names.append(name)
        return names

    def validate_config(self) -> bool:
        """True when every required parameter has a value; logs the variables to set otherwise."""
        missing = self.missing_variables()
        if missing:
            where = " (in config/.env or the environment)" if self._from_profile else ""
            self.logger.warning("tool %s, profile %s: missing %s%s", self.tool_name, self.profile,
                                ", ".join(missing), where)
        return not missing

    def missing_params(self) -> list[str]:
        """Required parameters that have no value in ``self.config``."""
        config = getattr(self, "config", None) or {}
        return [p for p in self._required if config.get(p) in (None, "")]

    def missing_variables(self) -> list[str]:
        """The missing parameters, named as the user must set them (``MON_OUTIL_TEST_API_KEY``)."""
        if not self._from_profile:
            resolved = self._resolved
            by_param = dict(zip(resolved.missing_params, resolved.missing, strict=True)) if resolved else {}
            return [by_param.get(p, p) for p in self.missing_params()]
        return [profile_var(self._env_name or self.tool_name, self.profile, p) for p in self.missing_params()]

    def get_config_value(self, key: str, default: Any = None) -> Any:
        """``self.config[key]``, or ``default`` when it is unset."""
        value = self.config.get(key)
        return default if value is None else value

    @property
    def secrets(self) -> list[str]:
        """Values to mask in logs and outputs (secret-named params, ``secret_params``, input values)."""
        config = getattr(self, "config", None) or {}
        out = [str(v) for k, v in config.items()
               if v not in (None, "") and is_secret_param(str(k), self._secret_params)]
        extra = self._resolved.secrets if self._resolved else []
        return out + [s for s in extra if s not in out]

    @property
    def sources(self) -> dict[str, str]:
        """Where each config value came from: environment, config/.env, default, config or input."""
        return dict(self._resolved.sources) if self._resolved else {}

    # -- result helpers ---------------------------------------------------------------

    @staticmethod
    def success(data: Any = None, message: str | None = None) -> dict[str, Any]:
        """A seed-shaped success result ``{"status": "success", "data": ...}``."""
        result: dict[str, Any] = {"status": "success", "data": data}
        if message is not None:
            result["message"] = message
        return result

    @staticmethod
    def error(message: str, **extra: Any) -> dict[str, Any]:
        """A seed-shaped error result ``{"status": "error", "error": msg, "message": msg}``."""
        return {"status": "error", "error": message, "message": message, **extra}

    # -- internals --------------------------------------------------------------------

    def _action_method(self, action: Any) -> Callable[[dict[str, Any]], Any] | None:
        """The method behind ``action``; ``_<name>`` only for declared actions, so helpers stay private."""
        if not isinstance(action, str) or not action.isidentifier() or action.startswith("_"):
            return None
        method = getattr(self, f"action_{action}", None)
        if callable(method):
            return method
        if action in self.get_available_actions():
            method = getattr(self, f"_{action}", None)
            if callable(method):
                return method
        return None

    def __repr__(self) -> str:
        config = getattr(self, "config", None) or {}
        shown = {k: (MASK if v not in (None, "") and is_secret_param(str(k), self._secret_params) else v)
                 for k, v in config.items()}
        shown = mask_json(shown, self.secrets)
        return (f"<{type(self).__name__} tool={self.tool_name!r} profile={self.profile!r} "
                f"authenticated={self.authenticated} config={shown!r}>")


def __getattr__(name: str) -> Any:
    """``from ..base import GoogleOAuthTool``: the seed's OAuth bases, loaded only when asked for (PEP 562)."""
    if name in ("BaseOAuthTool", "GoogleOAuthTool"):
        from flowdesk.tools import base_oauth  # late: base_oauth imports this module

        return getattr(base_oauth, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
