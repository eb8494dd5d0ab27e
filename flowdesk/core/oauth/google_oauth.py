"""Google OAuth 2.0 protocol: client files, consent URL (state + PKCE S256), code exchange, refresh, revoke.

google-auth-oauthlib's ``Flow`` builds the same consent URL and PKCE pair, but its
oauthlib layer refuses any auth or token URI that is not https (``InsecureTransportError``)
unless ``OAUTHLIB_INSECURE_TRANSPORT`` is set for the whole process. That would rule
out loopback providers (tests, local gateways) or weaken every other OAuth client in the
process, so the two small protocol steps are done here with ``requests``; credentials,
refresh and authorised calls stay google-auth's (``Credentials``, ``AuthorizedSession``).

Endpoints: a client file's own ``auth_uri`` / ``token_uri`` (and ``revoke_uri``) win;
else the environment variables ``GOOGLE_AUTH_URI`` / ``GOOGLE_TOKEN_URI`` /
``GOOGLE_REVOKE_URI``; else Google's real endpoints (the module constants).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import os
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urljoin, urlsplit

if TYPE_CHECKING:  # requests, google-auth and the cryptography under it (~20 MB) load when a token is used
    import requests
    from google.auth import exceptions as google_exceptions
    from google.oauth2.credentials import Credentials

GOOGLE_AUTH_URI = "https://accounts.google.com/o/oauth2/auth"
GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"
GOOGLE_REVOKE_URI = "https://oauth2.googleapis.com/revoke"
# Refresh a little before google-auth's own 3m45s threshold, so a long action never starts
# with a token about to die.
REFRESH_MARGIN = timedelta(minutes=5)
HTTP_TIMEOUT = 30.0
# Token-endpoint errors after which only a new consent helps (RFC 6749 section 5.2).
RECONNECT_ERRORS = {"invalid_grant", "invalid_client", "unauthorized_client"}


class OAuthError(Exception):
    """An OAuth step failed; ``code`` is the provider's error code (``invalid_grant``...) when it sent one."""

    def __init__(self, message: str, code: str | None = None, status: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.status = status


class ReconnectRequired(OAuthError):
    """The refresh token is dead (revoked, expired, other client): only a new consent helps."""


@dataclass(frozen=True)
class ClientConfig:
    """An OAuth client as downloaded from Google Cloud Console (``web`` or ``installed``)."""

    client_id: str
    client_secret: str
    client_type: str
    auth_uri: str
    token_uri: str
    revoke_uri: str
    redirect_uris: tuple[str, ...] = ()


def _env_endpoint(name: str, default: str) -> str:
    return os.environ.get(name, "").strip() or default


def default_revoke_uri(token_uri: str) -> str:
    """``GOOGLE_REVOKE_URI`` (env or constant) for Google's token host, else ``revoke`` next to ``token_uri``."""
    explicit = os.environ.get("GOOGLE_REVOKE_URI", "").strip()
    if explicit:
        return explicit
    host = (urlsplit(token_uri).hostname or "").lower()
    if host == "googleapis.com" or host.endswith(".googleapis.com") or host.endswith(".google.com"):
        return GOOGLE_REVOKE_URI
    return urljoin(token_uri, "revoke")


def client_config_from_dict(data: Any, source: str = "credentials file") -> ClientConfig:
    """Read a client secrets document; errors say what the file is instead."""
    if not isinstance(data, Mapping):
        raise OAuthError(f"{source}: not a Google OAuth client file (expected a JSON object)")
    section: Mapping[str, Any] | None = None
    client_type = "installed"
    for kind in ("web", "installed"):
        if isinstance(data.get(kind), Mapping):
            section, client_type = data[kind], kind
            break
    if section is None:
        if data.get("type") == "authorized_user" or "refresh_token" in data:
            raise OAuthError(f"{source} is a token file, not an OAuth client file: point ..._CREDENTIALS_FILE "
                             "at the client JSON downloaded from Google Cloud Console")
        if "client_id" not in data:
            raise OAuthError(f"{source}: not a Google OAuth client file (expected a \"web\" or \"installed\" section)")
        section = data
    missing = [k for k in ("client_id", "client_secret") if not section.get(k)]
    if missing:
        raise OAuthError(f"{source}: {', '.join(missing)} missing from the {client_type} section")
    token_uri = str(section.get("token_uri") or _env_endpoint("GOOGLE_TOKEN_URI", GOOGLE_TOKEN_URI))
    return ClientConfig(
        client_id=str(section["client_id"]),
        client_secret=str(section["client_secret"]),
        client_type=client_type,
        auth_uri=str(section.get("auth_uri") or _env_endpoint("GOOGLE_AUTH_URI", GOOGLE_AUTH_URI)),
        token_uri=token_uri,
        revoke_uri=str(section.get("revoke_uri") or default_revoke_uri(token_uri)),
        redirect_uris=tuple(str(u) for u in section.get("redirect_uris") or ()),
    )


def load_client_config(path: Path) -> ClientConfig:
    """The OAuth client of a credentials file; a missing or broken file raises OAuthError naming it."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise OAuthError(f"credentials file {path} not found (download the OAuth client JSON from "
                         "Google Cloud Console > APIs & Services > Credentials)", code="credentials_missing") from None
    except OSError as exc:
        raise OAuthError(f"credentials file {path} cannot be read: {exc.strerror or exc}") from None
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise OAuthError(f"credentials file {path} is not valid JSON: {exc}") from None
    return client_config_from_dict(data, source=f"credentials file {path}")


# -- consent URL --------------------------------------------------------------------


def new_code_verifier() -> str:
    """A PKCE code verifier: 86 characters of the RFC 7636 unreserved set (43-128 allowed)."""
    return secrets.token_urlsafe(64)


def code_challenge(verifier: str) -> str:
    """The S256 challenge of ``verifier``: base64url(sha256(verifier)) without padding."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def authorization_url(client: ClientConfig, scopes: Iterable[str], redirect_uri: str, state: str,
                      code_verifier: str, login_hint: str | None = None) -> str:
    """The consent URL: offline access (a refresh token), forced consent, incremental scopes, PKCE."""
    params = {
        "response_type": "code",
        "client_id": client.client_id,
        "redirect_uri": redirect_uri,
        "scope": " ".join(scopes),
        "state": state,
        "access_type": "offline",
        # Without a forced consent Google omits the refresh token when the user consented before.
        "prompt": "consent",
        "include_granted_scopes": "true",
        "code_challenge": code_challenge(code_verifier),
        "code_challenge_method": "S256",
    }
    if login_hint:
        params["login_hint"] = login_hint
    separator = "&" if urlsplit(client.auth_uri).query else "?"
    return client.auth_uri + separator + urlencode(params)


# -- token endpoint -----------------------------------------------------------------


def utcnow() -> datetime:
    """Naive UTC now, the convention of google-auth's ``Credentials.expiry``."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def expiry_iso(expiry: datetime | None) -> str | None:
    """A google-auth (naive UTC) expiry as ISO 8601 with its UTC offset."""
    return expiry.replace(tzinfo=timezone.utc).isoformat() if expiry else None


def _endpoint_error(url: str, response: requests.Response, what: str) -> OAuthError:
    try:
        body = response.json()
    except ValueError:
        body = {}
    code = body.get("error") if isinstance(body, Mapping) else None
    code = code if isinstance(code, str) else None
    description = body.get("error_description") if isinstance(body, Mapping) else None
    detail = f"{code}: {description}" if code and description else code or f"HTTP {response.status_code}"
    kind = ReconnectRequired if code in RECONNECT_ERRORS else OAuthError
    return kind(f"{what} refused by {urlsplit(url).netloc} ({detail})", code=code, status=response.status_code)


def _post_form(url: str, form: Mapping[str, str], what: str, timeout: float) -> requests.Response:
    import requests

    try:
        return requests.post(url, data=dict(form), headers={"Accept": "application/json"}, timeout=timeout)
    except requests.RequestException as exc:
        raise OAuthError(f"{what}: cannot reach {urlsplit(url).netloc} ({type(exc).__name__})") from None


def exchange_code(client: ClientConfig, code: str, redirect_uri: str, code_verifier: str,
                  requested_scopes: Iterable[str], timeout: float = HTTP_TIMEOUT) -> Credentials:
    """Trade an authorization code for credentials (access + refresh token, granted scopes, expiry)."""
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri,
        "client_id": client.client_id,
        "client_secret": client.client_secret,
        "code_verifier": code_verifier,
    }
    response = _post_form(client.token_uri, form, "code exchange", timeout)
    if response.status_code != 200:
        # A bad code is not a dead refresh token: the user just has to start over.
        error = _endpoint_error(client.token_uri, response, "code exchange")
        raise OAuthError(str(error), code=error.code, status=error.status)
    try:
        data = response.json()
        token = str(data["access_token"])
    except (ValueError, KeyError, TypeError):
        raise OAuthError(f"code exchange: {urlsplit(client.token_uri).netloc} sent no access token") from None
    granted = str(data.get("scope") or "").split() or list(requested_scopes)
    expires_in = data.get("expires_in")
    expiry = utcnow() + timedelta(seconds=int(expires_in)) if expires_in is not None else None
    from google.oauth2.credentials import Credentials

    return Credentials(token=token, refresh_token=data.get("refresh_token"), token_uri=client.token_uri,
                       client_id=client.client_id, client_secret=client.client_secret, scopes=granted,
                       expiry=expiry)


def oauth_error_from_refresh(exc: google_exceptions.GoogleAuthError) -> OAuthError:
    """google-auth's refresh failure as OAuthError; dead refresh tokens become ReconnectRequired."""
    data = exc.args[1] if len(exc.args) > 1 and isinstance(exc.args[1], Mapping) else {}
    code = data.get("error") if isinstance(data.get("error"), str) else None
    description = data.get("error_description")
    if code:
        detail = f"{code}: {description}" if description else code
    else:
        detail = str(exc.args[0]) if exc.args else type(exc).__name__
    from google.auth import exceptions as google_exceptions

    if isinstance(exc, google_exceptions.TransportError):
        return OAuthError(f"token refresh: cannot reach the token endpoint ({detail})")
    if code in RECONNECT_ERRORS or (code is None and "necessary fields" in detail):
        return ReconnectRequired(f"Google refused the refresh token ({detail})", code=code)
    return OAuthError(f"token refresh failed ({detail})", code=code)


def auth_transport(timeout: float = HTTP_TIMEOUT) -> Any:
    """google-auth's request adapter with our timeout (its default is 120 s)."""
    import requests
    from google.auth.transport.requests import Request as GoogleRequest

    return functools.partial(GoogleRequest(requests.Session()), timeout=timeout)


def refresh_credentials(creds: Credentials, timeout: float = HTTP_TIMEOUT) -> None:
    """Get a new access token in place; ReconnectRequired when the refresh token is dead or absent."""
    if not creds.refresh_token:
        raise ReconnectRequired("the token has no refresh token (connect again to get one)")
    from google.auth import exceptions as google_exceptions

    try:
        creds.refresh(auth_transport(timeout))
    except google_exceptions.GoogleAuthError as exc:
        raise oauth_error_from_refresh(exc) from None


def needs_refresh(creds: Credentials, margin: timedelta = REFRESH_MARGIN, now: datetime | None = None) -> bool:
    """True when there is no access token or it expires within ``margin``."""
    if not creds.token:
        return True
    if creds.expiry is None:
        return False
    return creds.expiry - (now or utcnow()) < margin


def revoke_token(revoke_uri: str, token: str, timeout: float = HTTP_TIMEOUT) -> bool:
    """Revoke a token at the provider; False when it was already invalid, OAuthError otherwise."""
    response = _post_form(revoke_uri, {"token": token}, "revocation", timeout)
    if response.status_code == 200:
        return True
    error = _endpoint_error(revoke_uri, response, "revocation")
    if error.code == "invalid_token":
        return False
    raise OAuthError(str(error), code=error.code, status=error.status)


# -- scopes -------------------------------------------------------------------------


def scope_granted(required: str, granted: Iterable[str]) -> bool:
    """True when ``required`` is granted, directly or through its read-write form (``x`` covers ``x.readonly``)."""
    have = set(granted)
    return required in have or (required.endswith(".readonly") and required.removesuffix(".readonly") in have)


def missing_scopes(required: Iterable[str], granted: Iterable[str] | None) -> list[str]:
    """The required scopes the token does not cover."""
    have = list(granted or [])
    return [s for s in required if not scope_granted(s, have)]


def merge_scopes(*groups: Iterable[str]) -> list[str]:
    """Scopes of several tools, first-seen order, no repeats."""
    return list(dict.fromkeys(s for group in groups for s in group if s))
