"""Building and checking a tool the way a worker would: profile summaries and ``authenticate()`` tests."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from flowdesk.core import seed_compat
from flowdesk.core.oauth.oauth_status import target_status
from flowdesk.core.oauth.oauth_targets import build_target, is_oauth_entry, profiles_of, resolve_profile
from flowdesk.core.profiles import (
    DEFAULT_PROFILE,
    ProfileResolver,
    ResolvedProfile,
    is_input_profile,
    normalize,
    profile_var,
)
from flowdesk.core.registry import Registry, ToolEntry
from flowdesk.core.translatable import Translatable, message_template, recognise

PREFIX_FOLDER, PREFIX_CLASS, PREFIX_ALIAS = "folder", "class-name", "alias"


def value_origins(entry: ToolEntry, resolved: ResolvedProfile) -> dict[str, dict[str, str]]:
    """Each value read from a variable: the variable, where it was set, and which prefix it used
    (``folder``: the FlowDesk name; ``class-name``: the seed's prefix from the class; ``alias``)."""
    kinds = [(PREFIX_FOLDER, [entry.slug]), (PREFIX_CLASS, entry.class_prefixes), (PREFIX_ALIAS, entry.env_aliases)]
    out: dict[str, dict[str, str]] = {}
    for param, var in resolved.variables.items():
        kind = next((k for k, names in kinds if any(profile_var(n, resolved.profile, param) == var for n in names)),
                    PREFIX_ALIAS)
        out[param] = {"variable": var, "source": resolved.sources.get(param, ""), "prefix": kind}
    return out


def origin_text(origin: dict[str, str]) -> str:
    """``EXAMPLE_DEFAULT_API_KEY (class-name prefix, config/.env)`` / ``SAMPLE_DEFAULT_API_KEY (config/.env)``."""
    notes = [f"{origin['prefix']} prefix"] if origin["prefix"] != PREFIX_FOLDER else []
    notes += [origin["source"]] if origin.get("source") else []
    return f"{origin['variable']} ({', '.join(notes)})" if notes else origin["variable"]


def profile_summary(entry: ToolEntry, registry: Registry, resolver: ProfileResolver, profile: str) -> dict[str, Any]:
    """One profile: configured or the variables to set, where each value came from; the token state for OAuth tools."""
    resolved = resolve_profile(entry, resolver, profile)
    out: dict[str, Any] = {"profile": profile, "configured": resolved.available, "missing": list(resolved.missing),
                           "sources": dict(resolved.sources), "variables": value_origins(entry, resolved)}
    if is_oauth_entry(entry):
        status = target_status(build_target(registry, resolver, entry.slug, profile))
        keys = ("authenticated", "needs_reconnect", "reason", "token_present", "valid", "expires_at", "refreshable",
                "scopes", "missing_scopes", "last_error", "token_file", "credentials_file", "shared_with", "auth_url",
                "connect_command")
        out["configured"] = status["configured"]
        out["missing"] = status["missing"]
        out["oauth"] = {k: status[k] for k in keys}
    return out


def tool_summary(entry: ToolEntry, registry: Registry, resolver: ProfileResolver, disabled: set[str]) -> dict[str, Any]:
    """The JSON shape of one tool in ``flowdesk tools --json``."""
    cfg = entry.config
    out: dict[str, Any] = {
        "name": entry.slug, "display_name": entry.display_name, "source": "built-in" if entry.builtin else "workspace",
        "builtin": entry.builtin, "overrides_builtin": entry.overrides_builtin, "path": str(entry.path),
        "error": entry.error, "enabled": bool(cfg and cfg.enabled) and entry.slug not in disabled,
        "description": cfg.description if cfg else None, "aliases": list(cfg.aliases) if cfg else [],
        "actions": [a.name for a in entry.actions] if cfg else [],
        # Actions only get_available_actions() lists (seed tools without "actions" in config.json).
        "code_actions": [a.name for a in entry.actions[len(cfg.actions):]] if cfg else [],
        "class_name": entry.class_name,
        "required_params": list(cfg.required_params) if cfg else [],
        "oauth": ({"provider": cfg.oauth_config.provider, "scopes": list(cfg.oauth_config.scopes)}
                  if cfg and cfg.oauth_config else None),
        "profiles": [], "warnings": list(entry.warnings),
    }
    if cfg is not None and not entry.broken:
        names = profiles_of(entry, registry, resolver) or [DEFAULT_PROFILE]
        out["profiles"] = [profile_summary(entry, registry, resolver, p) for p in names]
    return out


@contextlib.contextmanager
def tool_environment(root: Path) -> Iterator[None]:
    """Import and build tools as a worker would: seed import shims and FLOWDESK_WORKSPACE on ``root``."""
    previous_root = seed_compat.installed_root()
    previous_env = os.environ.get("FLOWDESK_WORKSPACE")
    os.environ["FLOWDESK_WORKSPACE"] = str(root)
    seed_compat.install(root)
    try:
        yield
    finally:
        if previous_root is None:
            seed_compat.uninstall()
        else:
            seed_compat.install(previous_root)
        if previous_env is None:
            os.environ.pop("FLOWDESK_WORKSPACE", None)
        else:
            os.environ["FLOWDESK_WORKSPACE"] = previous_env


LABELLED = message_template("ToolTest", "{tool} (profile {profile}): {reason}")
SUCCEEDED = message_template("ToolTest", "authenticate() succeeded")
RETURNED_FALSE = message_template("ToolTest", "authenticate() returned False")
MISSING = message_template("ToolTest", "missing {names}")
INPUT_PROFILE = message_template("ToolTest", "INPUT_ profiles take their value from a run's input; test a named profile")
REASONS = (SUCCEEDED, RETURNED_FALSE, MISSING, INPUT_PROFILE)


def recognise_test_message(text: str) -> str:
    """A test result read back as English text (it crossed a process boundary) as a translatable message."""
    found = LABELLED.recognise(text) if isinstance(text, str) and not isinstance(text, Translatable) else None
    if found is None:
        return text
    return LABELLED(tool=found.arguments["tool"], profile=found.arguments["profile"],
                    reason=recognise(found.arguments["reason"], REASONS))


def test_tool(registry: Registry, resolver: ProfileResolver, name: str, profile: str) -> tuple[bool, str]:
    """Build ``name`` with ``profile`` as the engine does and run ``authenticate()``: (ok, message)."""
    entry = registry.tool(name)
    profile = normalize(profile or DEFAULT_PROFILE)
    def labelled(reason: str) -> str:
        return LABELLED(tool=entry.slug, profile=profile, reason=reason)

    if entry.broken or entry.config is None:
        return False, labelled(entry.error or "")
    if is_input_profile(profile):
        return False, labelled(INPUT_PROFILE())
    resolved = resolve_profile(entry, resolver, profile)
    if not resolved.available:
        return False, labelled(MISSING(names=", ".join(resolved.missing)))
    with tool_environment(registry.workspace.root):
        try:
            cls = seed_compat.load_tool_class(entry.module, entry.class_name)
            tool = cls(profile=profile, config=dict(resolved.values))
            ok = bool(tool.authenticate())
        except Exception as exc:  # noqa: BLE001 - any failure of user code is the answer to print
            return False, labelled(f"{type(exc).__name__}: {exc}")
    if ok:
        return True, labelled(SUCCEEDED())
    reason = getattr(tool, "auth_error", None) or (
        MISSING(names=", ".join(tool.missing_variables())) if hasattr(tool, "missing_variables")
        and tool.missing_variables() else RETURNED_FALSE())
    return False, labelled(reason)


test_tool.__test__ = False  # type: ignore[attr-defined]  # not a pytest test despite its name
