"""Tool profiles: ``{TOOL}_{PROFILE}_{PARAM}`` variables, ``INPUT_<FIELD>`` profiles, availability.

A value is looked up in the process environment, then in ``config/.env``, then in the
tool's ``optional_params`` defaults. Inside one source the tool's own name beats its
aliases (``GOOGLE_CALENDAR_WORK_X`` beats ``CALENDAR_WORK_X``); across sources the
environment always wins, so a variable exported in a shell overrides the file.
An empty value (``KEY=``) counts as unset. A workspace tool also answers to the seed's
class-name prefix (``ExampleTool`` in folder ``sample`` reads ``EXAMPLE_*`` after ``SAMPLE_*``);
``ResolvedProfile.variables`` says which variable each value was read from.

``INPUT_<FIELD>`` rule (``tools_profiles: {"example": "INPUT_API_KEY"}``): the run input
field named ``<field>`` (FIELD lower-cased; an input key that normalizes to the same
upper-case name is accepted too) gives the value of one parameter: the parameter whose
normalized name equals FIELD if the tool has one (required or optional), else the
tool's first required parameter, else a parameter named ``<field>``. Other parameters
take their ``optional_params`` defaults; nothing is read from the environment. The
value is always treated as a secret.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flowdesk.core.env_file import read_env_file

DEFAULT_PROFILE = "DEFAULT"
INPUT_PREFIX = "INPUT_"
SOURCE_ENV = "environment"
SOURCE_FILE = "config/.env"
SOURCE_DEFAULT = "default"
SOURCE_INPUT = "input"
SOURCE_CONFIG = "config"

_SECRET_WORDS = ("key", "token", "secret", "password", "credential")
# These hold paths to secret files, not secrets: masking them would hide the path in
# "file not found" errors, the most common setup mistake.
_PATH_SUFFIXES = ("_file", "_path", "_dir")
_TRUE = {"1", "true", "yes", "on", "y"}
_FALSE = {"0", "false", "no", "off", "n", ""}

# Tool renames between the seed platform and FlowDesk; each name also finds the other's variables.
KNOWN_ALIASES: dict[str, tuple[str, ...]] = {
    "google_calendar": ("calendar",),
    "calendar": ("google_calendar",),
}


def normalize(name: str) -> str:
    """Upper-case ``name`` with every non-alphanumeric character turned into ``_``."""
    return re.sub(r"[^A-Za-z0-9]", "_", name).upper()


def profile_var(tool: str, profile: str, param: str) -> str:
    """The variable holding ``param`` of ``tool``'s ``profile``: ``GOOGLE_CALENDAR_WORK_CALENDAR_ID``."""
    return normalize(f"{tool}_{profile}_{param}")


def is_input_profile(profile: str | None) -> bool:
    """True for ``INPUT_<FIELD>`` profiles, whose value comes from the run input."""
    return bool(profile) and normalize(profile).startswith(INPUT_PREFIX) and len(profile) > len(INPUT_PREFIX)


def is_secret_param(name: str, secret_params: Iterable[str] = ()) -> bool:
    """True when a parameter's value must be masked (by its name, or listed in ``secret_params``)."""
    if name in set(secret_params):
        return True
    low = name.lower()
    if low.endswith(_PATH_SUFFIXES):
        return False
    return any(word in low for word in _SECRET_WORDS)


def coerce_like(value: str, default: Any) -> Any:
    """Convert an env string to the type of ``default`` (bool/int/float/list/dict); else keep the string."""
    if isinstance(default, bool):
        low = value.strip().lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        raise ValueError(f"expected a boolean (true/false), got {value!r}")
    if isinstance(default, int):
        return int(value.strip())
    if isinstance(default, float):
        return float(value.strip())
    if isinstance(default, (list, dict)):
        try:
            parsed = json.loads(value)
        except ValueError:
            parsed = None
        if isinstance(parsed, type(default)):
            return parsed
        if isinstance(default, list):  # SCOPES=a,b,c reads more naturally than JSON in a .env
            return [item.strip() for item in value.split(",") if item.strip()]
        raise ValueError(f"expected a JSON object, got {value!r}")
    return value


def class_name_prefixes(class_name: str) -> list[str]:
    """The seed's variable prefixes from a tool class name: ``ExampleTool`` -> ``example``;
    ``MonOutilTool`` -> ``mon_outil`` and the run-together ``monoutil``."""
    stem = class_name[:-4] if class_name.endswith("Tool") and len(class_name) > 4 else class_name
    snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", stem).lower()
    return list(dict.fromkeys(p for p in (snake, stem.lower()) if p))


def tool_aliases(tool_name: str, extra: Iterable[str] = ()) -> list[str]:
    """The other names whose variables a tool also reads (known renames plus ``extra``)."""
    out: list[str] = []
    for name in (*extra, *KNOWN_ALIASES.get(tool_name, ())):
        if name and normalize(name) != normalize(tool_name) and name not in out:
            out.append(name)
    return out


@dataclass
class ResolvedProfile:
    """A tool profile's values with where each came from and what is still missing."""

    tool: str
    profile: str
    values: dict[str, Any] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    variables: dict[str, str] = field(default_factory=dict)  # param -> the variable its value was read from
    missing: list[str] = field(default_factory=list)  # variable names (or input fields) to set
    missing_params: list[str] = field(default_factory=list)  # the same, as parameter names
    secrets: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def available(self) -> bool:
        """True when every required parameter has a value."""
        return not self.missing


def _secret_values(values: Mapping[str, Any], secret_params: Iterable[str]) -> list[str]:
    names = list(secret_params)
    return [str(v) for k, v in values.items() if v not in (None, "") and is_secret_param(k, names)]



def _coerced(raw: str, default: Any, label: str, warnings: list[str]) -> Any:
    """``raw`` typed like the param's default (``"30"`` -> 30); left a string, with a warning, when it does not fit."""
    if default is None:
        return raw
    try:
        return coerce_like(raw, default)
    except ValueError as exc:
        warnings.append(f"{label}: {exc}")
        return raw

class ProfileResolver:
    """Resolves tool profiles from the process environment and one ``config/.env`` file."""

    def __init__(self, env_file: Path, environ: Mapping[str, str] | None = None) -> None:
        self.env_file = Path(env_file)
        self._environ = environ

    @property
    def environ(self) -> Mapping[str, str]:
        """The process environment (live ``os.environ`` unless one was given)."""
        return os.environ if self._environ is None else self._environ

    def file_values(self) -> dict[str, str]:
        """The variables of ``config/.env`` (cached on the file's mtime and size)."""
        return read_env_file(self.env_file)

    def lookup(self, names: Iterable[str]) -> tuple[str, str, str] | None:
        """The first non-empty ``(value, source, variable)`` among ``names``: env first, then the file."""
        names = list(names)
        for source, mapping in ((SOURCE_ENV, self.environ), (SOURCE_FILE, self.file_values())):
            for name in names:
                value = mapping.get(name)
                if value:
                    return value, source, name
        return None

    def resolve(
        self,
        tool_name: str,
        profile: str | None,
        required_params: Iterable[str],
        optional_params: Mapping[str, Any] | None = None,
        aliases: Iterable[str] = (),
        secret_params: Iterable[str] = (),
    ) -> ResolvedProfile:
        """Every required and optional parameter of ``tool_name``'s ``profile``."""
        profile = profile or DEFAULT_PROFILE
        optional = dict(optional_params or {})
        required = list(required_params)
        prefixes = [tool_name, *tool_aliases(tool_name, aliases)]
        result = ResolvedProfile(tool=tool_name, profile=profile)
        for param in [*required, *[p for p in optional if p not in required]]:
            found = self.lookup(profile_var(prefix, profile, param) for prefix in prefixes)
            if found is not None:
                raw, source, var = found
                result.values[param] = _coerced(raw, optional.get(param), var, result.warnings)
                result.sources[param] = source
                result.variables[param] = var
            elif param in optional:
                result.values[param] = optional[param]
                result.sources[param] = SOURCE_DEFAULT
            if param in required and result.values.get(param) in (None, ""):
                result.missing.append(profile_var(tool_name, profile, param))
                result.missing_params.append(param)
        result.secrets = _secret_values(result.values, secret_params)
        return result

    def list_profiles(
        self,
        tool_name: str,
        aliases: Iterable[str] = (),
        known_tools: Iterable[str] = (),
        params: Iterable[str] = (),
    ) -> list[str]:
        """Profile names with at least one variable of ``tool_name`` (or an alias) set.

        A variable belongs to the longest matching tool name among ``known_tools``, so
        ``GOOGLE_CALENDAR_WORK_X`` is not a profile ``CALENDAR_WORK`` of tool ``google``.
        With ``params``, a profile name may contain ``_`` (``YOUTUBE_TECH_CHANNEL_API_KEY``
        is profile ``TECH_CHANNEL`` when ``api_key`` is a parameter); otherwise a profile
        name is the first word after the tool name.
        """
        mine = {normalize(n) for n in (tool_name, *tool_aliases(tool_name, aliases))}
        all_tools = sorted(mine | {normalize(t) for t in known_tools}, key=len, reverse=True)
        param_names = sorted({normalize(p) for p in params}, key=len, reverse=True)
        found: set[str] = set()
        for var in {*self.environ.keys(), *self.file_values().keys()}:
            if var != var.upper():
                continue  # lookups use upper-case names only, so such a variable is never read
            owner = next((t for t in all_tools if var.startswith(t + "_")), None)
            if owner is None or owner not in mine:
                continue
            rest = var[len(owner) + 1:]
            profile = next((rest[: -len(p) - 1] for p in param_names if rest.endswith("_" + p)
                            and len(rest) > len(p) + 1), None)
            if profile is None:
                profile = rest.split("_", 1)[0] if "_" in rest else None
            if profile:
                found.add(profile)
        return sorted(found)


def resolve_input_profile(
    profile: str,
    data: Mapping[str, Any],
    required_params: Iterable[str],
    optional_params: Mapping[str, Any] | None = None,
    tool_name: str = "",
    secret_params: Iterable[str] = (),
) -> ResolvedProfile:
    """Build a tool config from run input for an ``INPUT_<FIELD>`` profile (rule in the module doc)."""
    if not is_input_profile(profile):
        raise ValueError(f"not an INPUT_<FIELD> profile: {profile!r}")
    field_up = normalize(profile)[len(INPUT_PREFIX):]
    field_name = field_up.lower()
    required = list(required_params)
    optional = dict(optional_params or {})
    by_norm = {normalize(p): p for p in [*required, *optional]}
    target = by_norm.get(field_up) or (required[0] if required else field_name)

    value: Any = data.get(field_name)
    if value is None:
        value = next((v for k, v in data.items() if normalize(str(k)) == field_up), None)

    result = ResolvedProfile(tool=tool_name, profile=profile)
    for param, default in optional.items():
        result.values[param] = default
        result.sources[param] = SOURCE_DEFAULT
    if value not in (None, ""):
        if isinstance(value, str):
            value = _coerced(value, optional.get(target), f"input {field_name}", result.warnings)
        result.values[target] = value
        result.sources[target] = SOURCE_INPUT
    for param in required:
        if result.values.get(param) in (None, ""):
            result.missing.append(f"input field '{field_name}'" if param == target else param)
            result.missing_params.append(param)
    secrets = _secret_values(result.values, secret_params)
    if value not in (None, "") and str(value) not in secrets:
        secrets.append(str(value))
    result.secrets = secrets
    return result
