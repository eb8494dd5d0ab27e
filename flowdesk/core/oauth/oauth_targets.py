"""Which credentials and token files an OAuth tool profile uses, and the scopes one consent must ask for.

Tools declare ``oauth_config: {provider, scopes}``. Profiles of tools of the same provider
whose ``token_file`` resolves to the same file share that token, so the consent for any
of them asks for the union of all their scopes (one Google sign-in covers Calendar,
Drive and Sheets of profile WORK). Relative paths are relative to the workspace root.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flowdesk.core.errors import NotFound
from flowdesk.core.oauth.google_oauth import merge_scopes
from flowdesk.core.profiles import DEFAULT_PROFILE, ProfileResolver, ResolvedProfile, normalize, profile_var
from flowdesk.core.registry import Registry, ToolEntry

TOKEN_PARAM = "token_file"
CREDENTIALS_PARAM = "credentials_file"
_TRUE = {"1", "true", "yes", "on", "y"}


@dataclass
class OAuthTarget:
    """One OAuth tool profile: its files, its own scopes and the scopes shared through its token file."""

    tool: str
    display_name: str
    profile: str
    provider: str
    own_scopes: list[str]
    scopes: list[str]
    token_file: Path | None
    credentials_file: Path | None
    missing: list[str] = field(default_factory=list)
    shared_with: list[str] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def configured(self) -> bool:
        """True when every required variable is set (so both file paths are known)."""
        return not self.missing and self.token_file is not None and self.credentials_file is not None

    @property
    def label(self) -> str:
        """``google_calendar (profile WORK)``"""
        return f"{self.tool} (profile {self.profile})"


def workspace_path(value: Any, root: Path) -> Path | None:
    """A profile's path value made absolute against the workspace root (``~`` expanded)."""
    if value in (None, ""):
        return None
    path = Path(str(value)).expanduser()
    return path if path.is_absolute() else root / path


def is_oauth_entry(entry: ToolEntry, provider: str | None = None) -> bool:
    """True for usable tools with ``oauth_config`` (of ``provider`` when given)."""
    cfg = entry.config
    if entry.broken or cfg is None or cfg.oauth_config is None:
        return False
    return provider is None or cfg.oauth_config.provider.lower() == provider.lower()


def oauth_entries(registry: Registry, provider: str | None = None) -> list[ToolEntry]:
    """The registry's OAuth tools, by name."""
    return [e for _, e in sorted(registry.tools.items()) if is_oauth_entry(e, provider)]


def oauth_entry(registry: Registry, name: str) -> ToolEntry:
    """An OAuth tool by name or alias; NotFound when unknown or not an OAuth tool."""
    entry = registry.tool(name)
    if not is_oauth_entry(entry):
        if entry.broken:
            raise NotFound(f"tool {name!r} is broken: {entry.error}")
        raise NotFound(f"tool {name!r} does not use OAuth")
    return entry


def resolve_profile(entry: ToolEntry, resolver: ProfileResolver, profile: str) -> ResolvedProfile:
    """The profile's values, looked up exactly as the run service does."""
    cfg = entry.config
    assert cfg is not None
    return resolver.resolve(entry.slug, profile, cfg.required_params, cfg.optional_params,
                            aliases=entry.env_aliases, secret_params=cfg.secret_params or ())


def _truthy(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() in _TRUE)


def scopes_for(declared: list[str], values: Mapping[str, Any]) -> list[str]:
    """``declared`` scopes for a profile's values; ``scopes_read_only`` keeps only the ``.readonly`` ones."""
    if _truthy(values.get("scopes_read_only")):
        return [s for s in declared if s.endswith(".readonly")] or list(declared)
    return list(declared)


def tool_scopes(entry: ToolEntry, values: Mapping[str, Any]) -> list[str]:
    """The scopes this tool profile needs (``oauth_config.scopes``, narrowed by ``scopes_read_only``)."""
    cfg = entry.config
    return scopes_for(list(cfg.oauth_config.scopes) if cfg and cfg.oauth_config else [], values)


def profiles_of(entry: ToolEntry, registry: Registry, resolver: ProfileResolver) -> list[str]:
    """Profiles with at least one variable of this tool set in the environment or ``config/.env``."""
    cfg = entry.config
    assert cfg is not None
    return resolver.list_profiles(entry.slug, aliases=entry.env_aliases, known_tools=list(registry.tools),
                                  params=cfg.param_names)


def _same_file(a: Path | None, b: Path | None) -> bool:
    if a is None or b is None:
        return False
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return a.absolute() == b.absolute()


def build_target(registry: Registry, resolver: ProfileResolver, tool: str, profile: str | None,
                 *, share: bool = True) -> OAuthTarget:
    """The OAuth target of ``tool``'s ``profile``; with ``share``, scopes of tools on the same token file too."""
    entry = oauth_entry(registry, tool)
    profile = normalize(profile or DEFAULT_PROFILE)
    root = registry.workspace.root
    resolved = resolve_profile(entry, resolver, profile)
    cfg = entry.config
    assert cfg is not None and cfg.oauth_config is not None
    missing = list(resolved.missing)
    for param in (TOKEN_PARAM, CREDENTIALS_PARAM):
        # Seed OAuth tools always require both; a tool that forgot to declare one still needs it.
        if param not in cfg.required_params and resolved.values.get(param) in (None, ""):
            missing.append(profile_var(entry.slug, profile, param))
    own = tool_scopes(entry, resolved.values)
    target = OAuthTarget(
        tool=entry.slug, display_name=entry.display_name, profile=profile,
        provider=cfg.oauth_config.provider.lower(), own_scopes=own, scopes=list(own),
        token_file=workspace_path(resolved.values.get(TOKEN_PARAM), root),
        credentials_file=workspace_path(resolved.values.get(CREDENTIALS_PARAM), root),
        missing=missing, values=dict(resolved.values),
    )
    if share and target.token_file is not None:
        _add_shared_scopes(target, registry, resolver)
    return target


def _add_shared_scopes(target: OAuthTarget, registry: Registry, resolver: ProfileResolver) -> None:
    root = registry.workspace.root
    groups = [target.own_scopes]
    for other in oauth_entries(registry, target.provider):
        for profile in profiles_of(other, registry, resolver):
            if other.slug == target.tool and profile == target.profile:
                continue
            values = resolve_profile(other, resolver, profile).values
            if _same_file(workspace_path(values.get(TOKEN_PARAM), root), target.token_file):
                groups.append(tool_scopes(other, values))
                target.shared_with.append(f"{other.slug} ({profile})")
    target.scopes = merge_scopes(*groups)


def list_targets(registry: Registry, resolver: ProfileResolver, tool: str | None = None,
                 profile: str | None = None) -> list[OAuthTarget]:
    """Every OAuth tool (or ``tool``) times its profiles (or ``profile``); DEFAULT when none is set."""
    entries = [oauth_entry(registry, tool)] if tool else oauth_entries(registry)
    out: list[OAuthTarget] = []
    for entry in entries:
        profiles = [normalize(profile)] if profile else (profiles_of(entry, registry, resolver) or [DEFAULT_PROFILE])
        out.extend(build_target(registry, resolver, entry.slug, p) for p in profiles)
    return out
