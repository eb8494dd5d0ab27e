"""Google token files (``authorized_user`` JSON as google-auth and the seed platform write it): 0600, atomic.

A token whose refresh was refused keeps its content but gains a ``flowdesk_reconnect``
entry, so every process (workers, CLI, listener) sees it is dead without asking Google
again; any later save (a new consent, a successful refresh) drops it.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flowdesk.core.atomic_files import write_json_atomic
from flowdesk.core.oauth.google_oauth import GOOGLE_TOKEN_URI, ClientConfig

if TYPE_CHECKING:  # google-auth loads when a token is turned into credentials
    from google.oauth2.credentials import Credentials

RECONNECT_KEY = "flowdesk_reconnect"
_lock = threading.Lock()


class TokenFileError(Exception):
    """A token file that exists but cannot be read as a token."""


def write_secret_json(path: Path, data: Mapping[str, Any]) -> None:
    """Write JSON readable by the owner only (0600), through a temp file and ``os.replace``."""
    path = Path(path)
    if not path.parent.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with _lock:
        write_json_atomic(path, dict(data), mode=0o600)


def read_token_info(path: Path) -> dict[str, Any] | None:
    """The token file as a dict; ``None`` when it does not exist, TokenFileError when it is unusable."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise TokenFileError(f"token file {path} cannot be read: {exc.strerror or exc}") from None
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise TokenFileError(f"token file {path} is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise TokenFileError(f"token file {path} is not a token (expected a JSON object)")
    return data


def parse_expiry(value: Any) -> datetime | None:
    """``2024-07-01T10:00:00.123Z`` / ``...+00:00`` / naive -> naive UTC (google-auth's convention)."""
    if not value or not isinstance(value, str):
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(timezone.utc).replace(tzinfo=None)
    return parsed


def _scopes_of(info: Mapping[str, Any]) -> list[str] | None:
    scopes = info.get("scopes", info.get("scope"))
    if isinstance(scopes, str):
        return scopes.split()
    if isinstance(scopes, (list, tuple)):
        return [str(s) for s in scopes]
    return None


def credentials_from_info(info: Mapping[str, Any], client: ClientConfig | None = None) -> Credentials:
    """Credentials from a token dict; the file's ``token_uri`` is kept (google-auth would force Google's)."""
    from google.oauth2.credentials import Credentials

    token_uri = info.get("token_uri") or (client.token_uri if client else GOOGLE_TOKEN_URI)
    return Credentials(
        # access_token / token_expiry: files written by the older oauth2client library.
        token=info.get("token") or info.get("access_token"),
        refresh_token=info.get("refresh_token"),
        token_uri=str(token_uri),
        client_id=info.get("client_id") or (client.client_id if client else None),
        client_secret=info.get("client_secret") or (client.client_secret if client else None),
        scopes=_scopes_of(info),
        expiry=parse_expiry(info.get("expiry") or info.get("token_expiry")),
    )


def load_credentials(path: Path, client: ClientConfig | None = None) -> Credentials | None:
    """The credentials of a token file, or ``None`` when there is none."""
    info = read_token_info(path)
    return None if info is None else credentials_from_info(info, client)


def credentials_to_info(creds: Credentials) -> dict[str, Any]:
    """The dict google-auth's ``to_json()`` writes (token, refresh_token, token_uri, client_id, ...)."""
    return json.loads(creds.to_json())


def save_credentials(path: Path, creds: Credentials) -> None:
    """Write credentials to ``path`` (0600, atomic); clears any reconnect mark."""
    write_secret_json(Path(path), credentials_to_info(creds))


def mark_reconnect(path: Path, reason: str) -> bool:
    """Record in the token file that its refresh token was refused; best effort (False when not written)."""
    try:
        info = read_token_info(path)
        if info is None:
            return False
        info[RECONNECT_KEY] = {"reason": reason, "at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        write_secret_json(Path(path), info)
    except (TokenFileError, OSError):
        return False
    return True


def reconnect_reason(info: Mapping[str, Any]) -> str | None:
    """Why a token was marked dead, if it was."""
    mark = info.get(RECONNECT_KEY)
    if isinstance(mark, Mapping):
        return str(mark.get("reason") or "the refresh token was refused")
    return None


def delete_token(path: Path) -> bool:
    """Remove a token file; False when there was none."""
    try:
        Path(path).unlink()
    except FileNotFoundError:
        return False
    return True
