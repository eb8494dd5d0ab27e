"""One consent round trip, shared by the listener and ``flowdesk oauth connect``: start it, finish it."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path

from flowdesk.core.oauth.google_oauth import (
    OAuthError,
    authorization_url,
    exchange_code,
    load_client_config,
    missing_scopes,
    new_code_verifier,
    revoke_token,
)
from flowdesk.core.oauth.oauth_state import OAuthStateStore, PendingFlow
from flowdesk.core.oauth.oauth_targets import OAuthTarget
from flowdesk.core.oauth.token_store import (
    TokenFileError,
    credentials_from_info,
    delete_token,
    load_credentials,
    read_token_info,
    save_credentials,
)

CALLBACK_PATH = "/oauth/google/callback"


def tool_callback_path(tool: str) -> str:
    """The seed platform's per-tool callback, ``/oauth/<tool>/callback``."""
    return f"/oauth/{tool}/callback"


def redirect_uri_for(port: int, path: str = CALLBACK_PATH) -> str:
    """``http://127.0.0.1:<port>/oauth/google/callback`` (or another callback path): the address the listener binds.

    ``localhost`` may resolve to ``::1`` or, on a tampered hosts file, elsewhere; Google accepts any
    loopback IP port for desktop clients, and a "web" client registers this exact URI.
    """
    return f"http://127.0.0.1:{port}{path}"


@dataclass
class ConnectResult:
    """A finished consent: where the token went and what Google granted."""

    tool: str
    profile: str
    token_file: Path
    scopes: list[str]
    missing_scopes: list[str] = field(default_factory=list)

    @property
    def message(self) -> str:
        """The sentence shown in the browser tab and printed by the CLI."""
        text = f"Connected {self.tool} (profile {self.profile}). You can close this tab."
        if self.missing_scopes:
            text += f" Google did not grant: {', '.join(self.missing_scopes)}; actions that need them will fail."
        return text


def start_connect(target: OAuthTarget, redirect_uri: str, states: OAuthStateStore) -> tuple[str, PendingFlow]:
    """The provider's consent URL for ``target`` (union of shared scopes) and the pending flow behind it."""
    if not target.configured:
        raise OAuthError(f"{target.label} is not configured: set {', '.join(target.missing)} in config/.env")
    assert target.credentials_file is not None and target.token_file is not None
    client = load_client_config(target.credentials_file)
    verifier = new_code_verifier()
    flow = states.create(tool=target.tool, profile=target.profile, scopes=tuple(target.scopes),
                         redirect_uri=redirect_uri, code_verifier=verifier, token_file=target.token_file,
                         credentials_file=target.credentials_file)
    return authorization_url(client, target.scopes, redirect_uri, flow.state, verifier), flow


def _previous_refresh_token(token_file: Path, client_id: str) -> str | None:
    try:
        info = read_token_info(token_file)
    except TokenFileError:
        return None
    if not info or info.get("client_id") not in (None, client_id):
        return None
    return credentials_from_info(info).refresh_token


def finish_connect(flow: PendingFlow, code: str) -> ConnectResult:
    """Exchange the code of a pending flow and write the token file (blocking: call it off the event loop)."""
    client = load_client_config(flow.credentials_file)
    creds = exchange_code(client, code, flow.redirect_uri, flow.code_verifier, flow.scopes)
    if not creds.refresh_token:
        # Google may omit it on a repeated consent; the old one of the same client still works.
        previous = _previous_refresh_token(flow.token_file, client.client_id)
        if previous:
            from google.oauth2.credentials import Credentials  # loaded by exchange_code already

            creds = Credentials(token=creds.token, refresh_token=previous, token_uri=creds.token_uri,
                                client_id=creds.client_id, client_secret=creds.client_secret,
                                scopes=creds.scopes, expiry=creds.expiry)
    save_credentials(flow.token_file, creds)
    granted = list(creds.scopes or [])
    return ConnectResult(tool=flow.tool, profile=flow.profile, token_file=flow.token_file, scopes=granted,
                         missing_scopes=missing_scopes(flow.scopes, granted))


@dataclass
class DisconnectResult:
    """What ``disconnect`` did: revoked at the provider, token file deleted."""

    revoked: bool
    token_deleted: bool
    revoke_error: str | None = None


def disconnect(target: OAuthTarget, timeout: float = 30.0) -> DisconnectResult:
    """Revoke the token at the provider when possible, then delete the token file (blocking)."""
    if target.token_file is None:
        return DisconnectResult(revoked=False, token_deleted=False)
    revoked, error = False, None
    try:
        client = load_client_config(target.credentials_file) if target.credentials_file else None
        creds = load_credentials(target.token_file, client)
        # Revoking the refresh token also kills the access tokens issued from it.
        token = (creds.refresh_token or creds.token) if creds else None
        if creds is not None and token and client is not None:
            revoked = revoke_token(client.revoke_uri, token, timeout)
    except (OAuthError, TokenFileError) as exc:
        error = str(exc)
    return DisconnectResult(revoked=revoked, token_deleted=delete_token(target.token_file), revoke_error=error)


def html_page(title: str, message: str, ok: bool) -> str:
    """The small page a browser tab shows at the end of a consent."""
    color = "#15803d" if ok else "#b91c1c"
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{html.escape(title)}</title>"
        "<style>body{font-family:system-ui,sans-serif;margin:3rem auto;max-width:40rem;line-height:1.5}"
        f"h1{{color:{color};font-size:1.4rem}}</style></head>\n"
        f"<body><h1>{html.escape(title)}</h1><p>{html.escape(message)}</p></body></html>\n"
    )
