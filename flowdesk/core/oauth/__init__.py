"""OAuth for tools (Google): consent with state + PKCE, token files, shared scopes, status, run blocker."""

from flowdesk.core.oauth.google_oauth import (
    GOOGLE_AUTH_URI,
    GOOGLE_REVOKE_URI,
    GOOGLE_TOKEN_URI,
    ClientConfig,
    OAuthError,
    ReconnectRequired,
    load_client_config,
)
from flowdesk.core.oauth.oauth_connect import ConnectResult, disconnect, finish_connect, redirect_uri_for, start_connect
from flowdesk.core.oauth.oauth_state import OAuthStateStore, PendingFlow, StateError
from flowdesk.core.oauth.oauth_status import collect_statuses, oauth_blocker, target_status, token_status
from flowdesk.core.oauth.oauth_targets import OAuthTarget, build_target, list_targets

__all__ = [
    "GOOGLE_AUTH_URI", "GOOGLE_REVOKE_URI", "GOOGLE_TOKEN_URI", "ClientConfig", "ConnectResult", "OAuthError",
    "OAuthStateStore", "OAuthTarget", "PendingFlow", "ReconnectRequired", "StateError", "build_target",
    "collect_statuses", "disconnect", "finish_connect", "list_targets", "load_client_config", "oauth_blocker",
    "redirect_uri_for", "start_connect", "target_status", "token_status",
]
