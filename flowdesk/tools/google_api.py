"""Plumbing shared by the built-in Google tools: token file, early refresh + write-back, REST calls and their errors.

A tool class is ``class CalendarTool(GoogleApiMixin, BaseTool)``: the mixin is not a
BaseTool subclass, so the registry and the engine still find the tool class itself.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar
from urllib.parse import urlsplit

import requests
from google.auth import exceptions as google_exceptions
from google.auth.transport.requests import AuthorizedSession
from google.oauth2.credentials import Credentials

from flowdesk.core.oauth.google_oauth import (
    OAuthError,
    ReconnectRequired,
    expiry_iso,
    load_client_config,
    missing_scopes,
    needs_refresh,
    oauth_error_from_refresh,
    refresh_credentials,
    scope_granted,
)
from flowdesk.core.oauth.oauth_status import auth_path, connect_command, reconnect_message
from flowdesk.core.oauth.oauth_targets import scopes_for, workspace_path
from flowdesk.core.oauth.token_store import (
    TokenFileError,
    credentials_from_info,
    mark_reconnect,
    read_token_info,
    reconnect_reason,
    save_credentials,
)
from flowdesk.tools.base import BaseTool, workspace_root

if TYPE_CHECKING:
    _Base = BaseTool
else:
    _Base = object

F = TypeVar("F", bound=Callable[..., Any])
DEFAULT_LISTENER_URL = "http://127.0.0.1:8000"  # what the listener binds (not ::1, which localhost may mean)


class GoogleApiError(Exception):
    """A Google API call that failed; becomes an error result (never a traceback)."""

    def __init__(self, message: str, *, status: int | None = None, auth_required: bool = False,
                 retry_after: float | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.auth_required = auth_required
        self.retry_after = retry_after

    def extra(self) -> dict[str, Any]:
        """Fields added to the error result."""
        out: dict[str, Any] = {}
        if self.status is not None:
            out["http_status"] = self.status
        if self.auth_required:
            out["auth_required"] = True
        if self.retry_after is not None:
            out["retry_after"] = self.retry_after
        return out


def api_action(method: F) -> F:
    """Turn GoogleApiError raised by an action into the tool's error result."""

    @functools.wraps(method)
    def wrapper(self: Any, params: dict[str, Any]) -> Any:
        """The action, with GoogleApiError turned into an error result."""
        try:
            return method(self, params)
        except GoogleApiError as exc:
            return self.error(str(exc), **exc.extra())

    return wrapper  # type: ignore[return-value]


def listener_url() -> str:
    """Where the FlowDesk listener answers (``FLOWDESK_LISTENER_URL``, default the seed's port 8000)."""
    return (os.environ.get("FLOWDESK_LISTENER_URL") or DEFAULT_LISTENER_URL).rstrip("/")


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, (parsedate_to_datetime(value) - datetime.now(timezone.utc)).total_seconds())
    except (TypeError, ValueError):
        return None


def _google_error(response: requests.Response) -> tuple[str, set[str]]:
    """Google's ``{"error": {"message", "errors": [{"reason"}], "status"}}`` as (message, reasons)."""
    try:
        body = response.json()
    except ValueError:
        return (response.text or response.reason or "").strip()[:300], set()
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        reasons = {str(e.get("reason")) for e in error.get("errors") or [] if isinstance(e, dict)}
        if error.get("status"):
            reasons.add(str(error["status"]))
        return str(error.get("message") or response.reason), reasons
    if isinstance(error, str):  # token-endpoint style {"error": "...", "error_description": "..."}
        return str(body.get("error_description") or error), {error}
    return str(response.reason), set()


class GoogleApiMixin(_Base):
    """OAuth authentication and authorised REST calls for a Google tool (mix in before BaseTool)."""

    default_base_url: ClassVar[str] = ""
    api_name: ClassVar[str] = "Google API"
    service: ClassVar[str] = ""  # the seed's ?service= name, e.g. "calendar"

    auth_error: str | None = None
    _credentials: Credentials | None = None
    _session: AuthorizedSession | None = None
    _saved_token: str | None = None

    # -- files and scopes -------------------------------------------------------------

    @property
    def token_path(self) -> Path | None:
        """The token file, relative paths taken from the workspace root."""
        return workspace_path(self.config.get("token_file"), workspace_root())

    @property
    def credentials_path(self) -> Path | None:
        """The OAuth client file, relative paths taken from the workspace root."""
        return workspace_path(self.config.get("credentials_file"), workspace_root())

    def required_scopes(self) -> list[str]:
        """``oauth_config.scopes``; only the ``.readonly`` ones when ``scopes_read_only`` is on."""
        declared = [str(s) for s in (self.tool_config.get("oauth_config") or {}).get("scopes") or []]
        return scopes_for(declared, self.config)

    def has_scope(self, scope: str) -> bool:
        """True when the loaded token covers ``scope``."""
        return self._credentials is not None and scope_granted(scope, self._credentials.scopes or [])

    def reconnect_hint(self, reason: str | None = None) -> str:
        """``reconnect google_calendar (profile WORK): reason``"""
        return reconnect_message(self.tool_name, self.profile, reason)

    def auth_url(self) -> str:
        """The listener URL that starts the consent for this profile."""
        return listener_url() + auth_path(self.service or self.tool_name, self.profile)

    def _timeout(self) -> float:
        try:
            return float(self.config.get("timeout") or 30)
        except (TypeError, ValueError):
            return 30.0

    # -- authentication ---------------------------------------------------------------

    def authenticate(self) -> bool:
        """Load the token, check its scopes, refresh it when it expires within 5 minutes (and write it back)."""
        self.authenticated = False
        self.auth_error = None
        if not self.validate_config():
            self.auth_error = f"{self.tool_name} (profile {self.profile}) is not configured: missing " \
                              f"{', '.join(self.missing_variables())}"
            return False
        token_path, creds_path = self.token_path, self.credentials_path
        assert token_path is not None and creds_path is not None
        try:
            client = load_client_config(creds_path)
            info = read_token_info(token_path)
            if info is None:
                raise ReconnectRequired(f"not connected yet (no token file at {token_path})")
            dead = reconnect_reason(info)
            if dead:
                raise ReconnectRequired(dead)
            creds = credentials_from_info(info, client)
            lacking = missing_scopes(self.required_scopes(), creds.scopes)
            if lacking:
                raise ReconnectRequired(f"the token lacks scope(s) {', '.join(lacking)}")
            if needs_refresh(creds):
                refresh_credentials(creds, self._timeout())
        except ReconnectRequired as exc:
            if exc.code:  # refused by the provider: remember it for status and the run blocker
                mark_reconnect(token_path, str(exc))
            self.auth_error = f"{self.reconnect_hint(str(exc))} (open {self.auth_url()} or run " \
                              f"`{connect_command(self.tool_name, self.profile)}`)"
            return False
        except (OAuthError, TokenFileError) as exc:
            self.auth_error = f"{self.tool_name} (profile {self.profile}): {exc}"
            return False
        self._credentials = creds
        self._saved_token = info.get("token") or info.get("access_token")  # what the file holds now
        self._write_back_refreshed_token()  # after a refresh; a disk that refuses only costs a warning
        self._session = AuthorizedSession(creds)
        self.authenticated = True
        return True

    def get_oauth_status(self) -> dict[str, Any]:
        """The seed's status shape: ``{authenticated, auth_url, ...}`` for this tool profile."""
        ok = self.authenticated or self.authenticate()
        creds = self._credentials
        return {
            "authenticated": ok, "tool": self.tool_name, "profile": self.profile, "auth_url": self.auth_url(),
            "connect_command": connect_command(self.tool_name, self.profile), "error": self.auth_error,
            "token_file": str(self.token_path) if self.token_path else None,
            "credentials_file": str(self.credentials_path) if self.credentials_path else None,
            "scopes": list(creds.scopes or []) if creds and ok else [],
            "expires_at": expiry_iso(creds.expiry) if creds and ok else None,
            "missing": self.missing_variables(),
        }

    def execute(self, action: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        """As BaseTool.execute, but an authentication failure says what to do (reconnect, set a variable)."""
        if action in self.get_available_actions() and not self.authenticated and not self.authenticate():
            return self.error(self.auth_error or f"{self.tool_name} is not authenticated",
                              auth_required=True, auth_url=self.auth_url())
        return super().execute(action, params)

    # -- REST -------------------------------------------------------------------------

    def base_url(self) -> str:
        """The API root (profile ``base_url`` overrides the real Google endpoint)."""
        return str(self.config.get("base_url") or self.default_base_url).rstrip("/")

    def api_request(self, method: str, path: str, *, params: dict[str, Any] | None = None,
                    json_body: Any = None, not_found: str | None = None) -> Any:
        """One authorised call; JSON body back (``None`` for 204), GoogleApiError with a clear message otherwise."""
        if self._session is None and not self.authenticate():
            raise GoogleApiError(self.auth_error or "not authenticated", auth_required=True)
        assert self._session is not None
        url = self.base_url() + path
        try:
            response = self._session.request(method, url, params=params, json=json_body, timeout=self._timeout())
        except google_exceptions.RefreshError as exc:
            error = oauth_error_from_refresh(exc)
            if isinstance(error, ReconnectRequired) and self.token_path is not None:
                mark_reconnect(self.token_path, str(error))
                raise GoogleApiError(self.reconnect_hint(str(error)), auth_required=True) from None
            raise GoogleApiError(f"{self.tool_name}: {error}") from None
        except (requests.RequestException, google_exceptions.TransportError) as exc:
            raise GoogleApiError(f"cannot reach {self.api_name} at {urlsplit(url).netloc} "
                                 f"({type(exc).__name__})") from None
        finally:
            self._write_back_refreshed_token()
        if response.status_code == 204:
            return None
        if 200 <= response.status_code < 300:
            try:
                return response.json() if response.content else {}
            except ValueError:
                raise GoogleApiError(f"{self.api_name} sent a response that is not JSON") from None
        raise self._http_error(response, not_found)

    def _write_back_refreshed_token(self) -> None:
        """AuthorizedSession refreshes on its own (401, expiry); keep the file in step with it."""
        creds = self._credentials
        if creds is None or creds.token == self._saved_token or self.token_path is None:
            return
        try:
            save_credentials(self.token_path, creds)
            self._saved_token = creds.token
        except OSError as exc:
            self.logger.warning("could not write the refreshed token to %s: %s", self.token_path, exc.strerror)

    def _http_error(self, response: requests.Response, not_found: str | None) -> GoogleApiError:
        status = response.status_code
        message, reasons = _google_error(response)
        api = self.api_name
        if status == 401:
            return GoogleApiError(self.reconnect_hint(f"{api} rejected the access token (401: {message})"),
                                  status=status, auth_required=True)
        if status == 429 or (status == 403 and reasons & {"rateLimitExceeded", "userRateLimitExceeded"}):
            wait = _retry_after(response.headers.get("Retry-After"))
            after = f"; retry after {wait:g} s" if wait is not None else "; retry later"
            return GoogleApiError(f"rate limited by {api} ({status}: {message}){after}", status=status,
                                  retry_after=wait)
        if status == 403 and (reasons & {"insufficientPermissions", "ACCESS_TOKEN_SCOPE_INSUFFICIENT"}
                              or "scope" in message.lower()):
            granted = ", ".join(self._credentials.scopes or []) if self._credentials else "none"
            return GoogleApiError(self.reconnect_hint(f"the token's scopes do not allow this request "
                                                      f"(403: {message}; granted: {granted})"),
                                  status=status, auth_required=True)
        if status == 403:
            return GoogleApiError(f"{api} refused the request (403: {message})", status=status)
        if status in (404, 410):
            gone = " (already deleted)" if status == 410 else ""
            return GoogleApiError(f"{not_found or 'not found'}{gone} ({status}: {message})", status=status)
        if status >= 500:
            return GoogleApiError(f"{api} is failing ({status}: {message}); try again later", status=status)
        return GoogleApiError(f"{api} rejected the request ({status}: {message})", status=status)
