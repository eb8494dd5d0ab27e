"""The seed's ``BaseOAuthTool`` and ``GoogleOAuthTool``, with the seed's method names, on FlowDesk's OAuth.

Seed tools import them as ``from ..base_oauth import GoogleOAuthTool`` (or ``tools.base_oauth``,
``app.private.tools.base_oauth``...): ``seed_compat`` serves this module under those names
unless the workspace has a ``base_oauth`` module of its own. A profile's ``token_file`` and
``credentials_file`` are the same files ``flowdesk oauth connect`` and the window's Connect
button write; a token is refreshed ahead of expiry and written back (``GoogleApiMixin``).
``build_service()`` hands out a google-api-python-client service when that package is
installed in the workspace's environment, and says which package is missing otherwise.
"""

from __future__ import annotations

import importlib
from typing import Any, ClassVar

from google.auth.transport.requests import AuthorizedSession
from google.oauth2.credentials import Credentials

from flowdesk.core.oauth.google_oauth import OAuthError, load_client_config, refresh_credentials
from flowdesk.core.oauth.oauth_connect import disconnect
from flowdesk.core.oauth.oauth_status import connect_command
from flowdesk.core.oauth.oauth_targets import OAuthTarget, scopes_for
from flowdesk.core.oauth.token_store import TokenFileError, load_credentials, save_credentials
from flowdesk.tools.base import BaseTool
from flowdesk.tools.google_api import GoogleApiMixin

API_CLIENT_PACKAGE = "google-api-python-client"


class MissingDependency(ImportError):
    """A seed helper needs a package the workspace's environment does not have; the message names it."""


class BaseOAuthTool(BaseTool):
    """A tool whose profile holds an OAuth token: scopes, credentials, status and revocation."""

    oauth_provider: ClassVar[str] = ""
    SCOPES: ClassVar[list[str]] = []  # seed tools often declared their scopes on the class

    def __init__(self, profile: str | None = None, config: dict[str, Any] | None = None, *,
                 scopes: list[str] | None = None, **_seed_kwargs: Any) -> None:
        # Seed subclasses passed extra keywords (tool_name=..., service=...) that FlowDesk reads from
        # config.json instead; accepting them keeps those constructors working unchanged.
        super().__init__(profile, config)
        self._scopes_override = list(scopes) if scopes else None

    def get_scopes(self) -> list[str]:
        """The scopes this profile needs: the constructor's, else ``oauth_config.scopes``, else ``SCOPES``."""
        declared = self._scopes_override or [
            str(s) for s in (self.tool_config.get("oauth_config") or {}).get("scopes") or []] or list(self.SCOPES)
        return scopes_for(declared, self.config)

    def get_credentials(self) -> Any:
        """Usable credentials (loaded, refreshed when close to expiry), or ``None`` when not connected."""
        raise NotImplementedError(f"{type(self).__name__} must implement get_credentials()")

    def is_authenticated(self) -> bool:
        """True when the profile's token is usable (authenticating on first call, as the seed did)."""
        return bool(self.authenticated) or bool(self.authenticate())

    def get_auth_url(self) -> str:
        """Where the user connects this profile (the listener's consent route)."""
        raise NotImplementedError(f"{type(self).__name__} must implement get_auth_url()")

    def oauth_target(self) -> OAuthTarget:
        """This profile as FlowDesk's OAuth layer describes it (files, scopes)."""
        token = getattr(self, "token_path", None)
        creds = getattr(self, "credentials_path", None)
        scopes = self.get_scopes()
        return OAuthTarget(tool=self.tool_name, display_name=self.tool_name, profile=self.profile,
                           provider=self.oauth_provider, own_scopes=scopes, scopes=scopes,
                           token_file=token, credentials_file=creds, missing=self.missing_variables(),
                           values=dict(self.config))

    def revoke_credentials(self) -> bool:
        """Revoke the token at the provider (when possible) and delete the token file; True if a file went."""
        result = disconnect(self.oauth_target())
        self.authenticated = False
        return result.token_deleted

    revoke = revoke_credentials  # the shorter seed spelling


class GoogleOAuthTool(GoogleApiMixin, BaseOAuthTool):
    """A Google tool: FlowDesk's Google token handling plus the seed's helpers (``build_service``...)."""

    oauth_provider = "google"
    SERVICE_NAME: ClassVar[str | None] = None  # e.g. "calendar"; build_service() defaults to it
    SERVICE_VERSION: ClassVar[str | None] = None  # e.g. "v3"

    def required_scopes(self) -> list[str]:
        """Scopes the token must cover (``GoogleApiMixin`` checks them before any call)."""
        return self.get_scopes()

    def get_credentials(self) -> Credentials | None:
        """google-auth credentials of the profile, refreshed ahead of expiry; ``None`` when not connected."""
        if not self.is_authenticated():
            self.logger.warning("%s", self.auth_error or f"{self.tool_name} is not authenticated")
            return None
        return self._credentials

    def load_credentials(self) -> Credentials | None:
        """The token file's credentials as they are (no refresh); ``None`` when there is no token file."""
        if self.token_path is None:
            return None
        try:
            client = load_client_config(self.credentials_path) if self.credentials_path else None
            return load_credentials(self.token_path, client)
        except (OAuthError, TokenFileError) as exc:
            self.auth_error = f"{self.tool_name} (profile {self.profile}): {exc}"
            return None

    def refresh_credentials(self) -> bool:
        """Get a new access token now and write it to the token file; False (with ``auth_error``) when refused."""
        credentials = self._credentials or self.load_credentials()
        if credentials is None:
            return False
        try:
            refresh_credentials(credentials, self._timeout())
        except OAuthError as exc:
            self.auth_error = self.reconnect_hint(str(exc))
            return False
        self.save_credentials(credentials)
        return True

    def save_credentials(self, credentials: Credentials) -> None:
        """Write ``credentials`` to the profile's token file (0600, atomic) and use them from now on."""
        if self.token_path is None:
            raise ValueError(f"{self.tool_name} (profile {self.profile}): no token_file configured "
                             f"(missing {', '.join(self.missing_variables())})")
        save_credentials(self.token_path, credentials)
        self._credentials, self._saved_token = credentials, credentials.token
        self._session = AuthorizedSession(credentials)

    def get_auth_url(self) -> str:
        """The listener URL that starts Google's consent for this profile."""
        return self.auth_url()

    def get_connect_command(self) -> str:
        """The command line that connects this profile (``flowdesk oauth connect ...``)."""
        return connect_command(self.tool_name, self.profile)

    def get_authorized_session(self) -> AuthorizedSession | None:
        """A ``requests`` session that sends (and refreshes) the profile's token; ``None`` when not connected."""
        return self._session if self.is_authenticated() else None

    def build_service(self, service_name: str | None = None, version: str | None = None, **kwargs: Any) -> Any:
        """``googleapiclient.discovery.build(service_name, version)`` with this profile's credentials.

        A profile ``base_url`` becomes the client's ``api_endpoint`` (local stand-ins, gateways).
        Raises MissingDependency naming the package when google-api-python-client is absent.
        """
        name = service_name or self.SERVICE_NAME or self.service
        version = version or self.SERVICE_VERSION
        if not name or not version:
            raise ValueError("build_service() needs a service name and version, e.g. build_service('calendar', 'v3')")
        try:
            discovery = importlib.import_module("googleapiclient.discovery")
        except ImportError as exc:
            raise MissingDependency(
                f"{type(self).__name__}.build_service() needs the {API_CLIENT_PACKAGE} package (and "
                f"google-auth-httplib2), which is not installed in this workspace's environment: add "
                f"{API_CLIENT_PACKAGE} to the workspace's dependencies, or call the REST API through "
                "get_authorized_session()", name="googleapiclient") from exc
        credentials = self.get_credentials()
        if credentials is None:
            raise PermissionError(self.auth_error or f"{self.tool_name} (profile {self.profile}) is not connected")
        options = dict(kwargs.pop("client_options", None) or {})
        if self.config.get("base_url") and "api_endpoint" not in options:
            options["api_endpoint"] = self.base_url() + "/"  # the client joins method paths onto it
        kwargs.setdefault("cache_discovery", False)  # the file cache only warns with google-auth credentials
        return discovery.build(name, version, credentials=credentials, client_options=options or None, **kwargs)

    get_service = build_service  # another seed spelling
