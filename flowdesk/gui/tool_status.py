"""What the Tools view shows, gathered on the core thread: each tool, its profiles and their status (Qt-free)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from flowdesk.core.tool_testing import origin_text, profile_summary
from flowdesk.core.errors import NotFound
from flowdesk.core.oauth.oauth_targets import is_oauth_entry, profiles_of
from flowdesk.core.profiles import DEFAULT_PROFILE, is_input_profile, normalize
from flowdesk.core.registry import Registry, ToolEntry
from flowdesk.core.run_service import tool_profiles

if TYPE_CHECKING:
    from flowdesk.core.runtime import Runtime

DISABLED_SETTING = "disabled_tools"


@dataclass
class ProfileState:
    """One profile of a tool: missing variables (by name), where values come from, OAuth token state."""

    profile: str
    configured: bool
    missing: list[str] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)
    origins: dict[str, str] = field(default_factory=dict)  # param -> "EXAMPLE_DEFAULT_API_KEY (class-name prefix, ...)"
    used_by: list[str] = field(default_factory=list)
    oauth: dict[str, Any] | None = None

    @property
    def ready(self) -> bool:
        """Configured and, for OAuth tools, holding a usable token."""
        return self.configured and (self.oauth is None or bool(self.oauth.get("authenticated")))


@dataclass
class ToolState:
    """One tool as the view lists it."""

    entry: ToolEntry
    enabled: bool
    disabled_in_config: bool
    profiles: list[ProfileState] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return self.entry.slug

    @property
    def is_oauth(self) -> bool:
        return is_oauth_entry(self.entry)


def profiles_in_use(registry: Registry) -> dict[str, dict[str, list[str]]]:
    """tool slug -> profile -> workflows that run the tool with it (``INPUT_`` profiles left out)."""
    out: dict[str, dict[str, list[str]]] = {}
    for slug, wf in sorted(dict(registry.workflows).items()):
        if wf.config is None:
            continue
        chosen = tool_profiles(wf)
        for name in wf.config.tools_required:
            profile = chosen.get(name, DEFAULT_PROFILE)
            if is_input_profile(profile):
                continue
            try:
                tool = registry.tool(name).slug
            except NotFound:
                continue
            out.setdefault(tool, {}).setdefault(normalize(profile), []).append(slug)
    return out


def tool_state(rt: Runtime, entry: ToolEntry, disabled: set[str], in_use: dict[str, list[str]]) -> ToolState:
    """The state of one tool (reads config/.env and token files: call off the GUI thread)."""
    cfg = entry.config
    state = ToolState(entry, enabled=bool(cfg and cfg.enabled) and entry.slug not in disabled,
                      disabled_in_config=bool(cfg and not cfg.enabled))
    if cfg is None or entry.broken:
        return state
    names = sorted(set(profiles_of(entry, rt.registry, rt.resolver)) | set(in_use)) or [DEFAULT_PROFILE]
    for name in names:
        summary = profile_summary(entry, rt.registry, rt.resolver, name)
        state.profiles.append(ProfileState(
            profile=name, configured=bool(summary["configured"]), missing=list(summary["missing"]),
            sources=dict(summary.get("sources") or {}), used_by=list(in_use.get(name, [])),
            origins={k: origin_text(v) for k, v in (summary.get("variables") or {}).items()},
            oauth=summary.get("oauth")))
    return state


def collect_tools(rt: Runtime) -> list[ToolState]:
    """Every tool of the registry, by name (call off the GUI thread)."""
    disabled = rt.disabled_tools()
    in_use = profiles_in_use(rt.registry)
    return [tool_state(rt, entry, disabled, in_use.get(slug, {}))
            for slug, entry in sorted(dict(rt.registry.tools).items())]


def set_tool_enabled(rt: Runtime, slug: str, enabled: bool) -> set[str]:
    """Switch a tool on or off in the ``disabled_tools`` setting; returns the new set (core thread)."""
    disabled = rt.disabled_tools()
    if enabled:
        disabled.discard(slug)
    else:
        disabled.add(slug)
    rt.store.set_setting(DISABLED_SETTING, sorted(disabled))
    return disabled
