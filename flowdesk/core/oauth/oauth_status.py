"""OAuth status per tool profile (files, token, expiry, scopes, last error) and the run-time blocker.

Status is computed from local files only, so it is cheap enough to run before every run;
``verify=True`` additionally refreshes the token at the provider, the one way to learn
that a refresh token was revoked before a run trips over it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from flowdesk.core.errors import NotFound
from flowdesk.core.oauth.google_oauth import (
    OAuthError,
    ReconnectRequired,
    expiry_iso,
    load_client_config,
    missing_scopes,
    refresh_credentials,
    utcnow,
)
from flowdesk.core.oauth.oauth_targets import OAuthTarget, build_target, is_oauth_entry, list_targets
from flowdesk.core.oauth.token_store import (
    TokenFileError,
    credentials_from_info,
    mark_reconnect,
    read_token_info,
    reconnect_reason,
    save_credentials,
)
from flowdesk.core.profiles import ProfileResolver, is_input_profile
from flowdesk.core.registry import Registry
from flowdesk.core.run_messages import (
    LACKS_SCOPES,
    NO_TOKEN_FILE,
    NOT_CONFIGURED,
    NOT_CONNECTED_YET,
    RECONNECT,
    RECONNECT_BECAUSE,
    TOKEN_EXPIRED,
)

log = logging.getLogger(__name__)

AUTH_PATH = "/oauth/google/auth"


def auth_path(service: str, profile: str) -> str:
    """The listener path that starts the consent: ``/oauth/google/auth?service=..&profile=..``."""
    return f"{AUTH_PATH}?{urlencode({'service': service, 'profile': profile})}"


def connect_command(tool: str, profile: str) -> str:
    """The CLI line that connects a tool profile."""
    return f"flowdesk oauth connect {tool} --profile {profile}"


def reconnect_message(tool: str, profile: str, reason: str | None = None) -> str:
    """``reconnect google_calendar (profile WORK)``, with the reason after a colon when known."""
    return RECONNECT_BECAUSE(tool=tool, profile=profile, reason=reason) if reason else RECONNECT(tool=tool,
                                                                                                    profile=profile)


@dataclass
class TokenStatus:
    """What the files say about one token: present, valid, refreshable, scopes, and why it is not usable."""

    credentials_present: bool = False
    token_present: bool = False
    valid: bool = False
    expires_at: str | None = None
    refreshable: bool = False
    scopes: list[str] = field(default_factory=list)
    missing_scopes: list[str] = field(default_factory=list)
    last_error: str | None = None
    reason: str | None = None  # None when usable

    @property
    def authenticated(self) -> bool:
        """True when a run can use the token now (valid, or refreshable) with every needed scope."""
        return self.reason is None

    def to_dict(self) -> dict[str, Any]:
        """JSON shape (merged into the target status)."""
        return {
            "authenticated": self.authenticated, "credentials_present": self.credentials_present,
            "token_present": self.token_present, "valid": self.valid, "expires_at": self.expires_at,
            "refreshable": self.refreshable, "scopes": self.scopes, "missing_scopes": self.missing_scopes,
            "last_error": self.last_error, "reason": self.reason,
        }


def token_status(token_file: Path | None, credentials_file: Path | None, required_scopes: list[str],
                 *, verify: bool = False, timeout: float = 30.0) -> TokenStatus:
    """Inspect a token file against its credentials file; ``verify`` refreshes at the provider to prove it works."""
    st = TokenStatus()
    client = None
    if credentials_file is not None:
        try:
            client = load_client_config(credentials_file)
            st.credentials_present = True
        except OAuthError as exc:
            st.credentials_present = credentials_file.is_file()
            st.last_error = st.reason = str(exc)
    if token_file is None:
        st.reason = st.reason or NO_TOKEN_FILE()
        return st
    try:
        info = read_token_info(token_file)
    except TokenFileError as exc:
        st.token_present = True
        st.last_error = st.reason = str(exc)
        return st
    if info is None:
        st.reason = st.reason or NOT_CONNECTED_YET(path=str(token_file))
        return st
    st.token_present = True
    creds = credentials_from_info(info, client)
    dead = reconnect_reason(info)
    st.scopes = list(creds.scopes or [])
    st.missing_scopes = missing_scopes(required_scopes, creds.scopes)
    st.refreshable = bool(creds.refresh_token and creds.client_id and creds.client_secret and creds.token_uri) \
        and dead is None
    if verify and st.refreshable and st.reason is None:
        try:
            refresh_credentials(creds, timeout)
            save_credentials(token_file, creds)
        except ReconnectRequired as exc:
            dead = str(exc)
            mark_reconnect(token_file, dead)
            st.refreshable = False
        except OAuthError as exc:
            st.last_error = str(exc)
        except OSError as exc:  # refreshed, but the file could not be rewritten
            st.last_error = f"cannot write {token_file}: {exc.strerror or exc}"
    st.valid = bool(creds.token) and dead is None and (creds.expiry is None or creds.expiry > utcnow())
    st.expires_at = expiry_iso(creds.expiry)
    if dead is not None:
        st.last_error = dead
    if st.reason is None:
        if dead is not None:
            st.reason = dead
        elif not st.valid and not st.refreshable:
            st.reason = TOKEN_EXPIRED()
        elif st.missing_scopes:
            st.reason = LACKS_SCOPES(scopes=", ".join(st.missing_scopes))
    return st


def target_status(target: OAuthTarget, *, verify: bool = False, service: str | None = None) -> dict[str, Any]:
    """The JSON status of one OAuth tool profile, as ``GET /api/oauth/status/{tool}?profile=P`` answers."""
    out: dict[str, Any] = {
        "tool": target.tool, "display_name": target.display_name, "profile": target.profile,
        "provider": target.provider, "configured": target.configured, "missing": target.missing,
        "credentials_file": str(target.credentials_file) if target.credentials_file else None,
        "token_file": str(target.token_file) if target.token_file else None,
        "required_scopes": target.own_scopes, "requested_scopes": target.scopes, "shared_with": target.shared_with,
        "auth_url": auth_path(service or target.tool, target.profile),
        "connect_command": connect_command(target.tool, target.profile),
    }
    if not target.configured:
        out.update(TokenStatus(reason=NOT_CONFIGURED(names=", ".join(target.missing))).to_dict())
    else:
        out.update(token_status(target.token_file, target.credentials_file, target.own_scopes, verify=verify).to_dict())
    out["needs_reconnect"] = target.configured and not out["authenticated"]
    return out


def collect_statuses(registry: Registry, resolver: ProfileResolver, tool: str | None = None,
                     profile: str | None = None, *, verify: bool = False) -> list[dict[str, Any]]:
    """Statuses of every OAuth tool profile (or of one tool / one profile)."""
    return [target_status(t, verify=verify) for t in list_targets(registry, resolver, tool, profile)]


def oauth_blocker(registry: Registry, resolver: ProfileResolver) -> Callable[[str, str], str | None]:
    """``blocker(tool_slug, profile)``: why a run must be skipped, or None.

    The reason reads ``reconnect google_calendar (profile WORK): <why>``.
    """

    def blocker(tool: str, profile: str) -> str | None:
        """The skip reason for ``tool``'s ``profile``, or None when its token is usable."""
        if not profile or is_input_profile(profile):
            return None  # INPUT_ profiles carry their own credentials
        try:
            entry = registry.tool(tool)
        except NotFound:
            return None
        if not is_oauth_entry(entry):
            return None
        try:
            target = build_target(registry, resolver, entry.slug, profile, share=False)
            if not target.configured:
                return None  # the run service already reports missing variables
            status = token_status(target.token_file, target.credentials_file, target.own_scopes)
        except Exception:  # a status bug must not stop every run of the tool: let the run find out itself
            log.exception("OAuth status of %s (profile %s) failed", tool, profile)
            return None
        return None if status.authenticated else reconnect_message(target.tool, target.profile, status.reason)

    return blocker
