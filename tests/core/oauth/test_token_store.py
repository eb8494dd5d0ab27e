"""Token files: google-auth/seed format round trip, 0600 atomic writes, reconnect marks."""

from __future__ import annotations

import json
import os
import stat
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from google.oauth2.credentials import Credentials

from flowdesk.core.oauth.google_oauth import GOOGLE_TOKEN_URI, client_config_from_dict, utcnow
from flowdesk.core.oauth.token_store import (
    RECONNECT_KEY,
    TokenFileError,
    credentials_from_info,
    delete_token,
    load_credentials,
    mark_reconnect,
    parse_expiry,
    read_token_info,
    reconnect_reason,
    save_credentials,
)

SCOPES = ["https://www.googleapis.com/auth/calendar", "https://www.googleapis.com/auth/drive.readonly"]
posix_only = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def sample(token_uri: str = "http://127.0.0.1:9999/token") -> Credentials:
    return Credentials(token="ya29.abc", refresh_token="1//rt", token_uri=token_uri, client_id="cid",
                       client_secret="csecret", scopes=SCOPES, expiry=datetime(2030, 7, 1, 10, 0, 0, 123456))


@posix_only
def test_save_writes_0600_atomically_in_a_private_folder(tmp_path: Path) -> None:
    path = tmp_path / "etc" / "secrets" / "token.json"
    save_credentials(path, sample())
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700
    assert [p.name for p in path.parent.iterdir()] == ["token.json"]  # no temp file left behind
    path.chmod(0o644)  # a file made by hand, too open: the next save tightens it
    save_credentials(path, sample())
    assert mode(path) == 0o600


def test_written_file_is_what_google_auth_writes(tmp_path: Path) -> None:
    path = tmp_path / "token.json"
    creds = sample()
    save_credentials(path, creds)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data == json.loads(creds.to_json())
    for key in ("token", "refresh_token", "token_uri", "client_id", "client_secret", "scopes", "expiry"):
        assert key in data
    assert data["expiry"] == "2030-07-01T10:00:00.123456Z"
    # ... so google-auth itself (and the seed platform's code) reads it back.
    again = Credentials.from_authorized_user_file(str(path))
    assert again.refresh_token == "1//rt" and list(again.scopes) == SCOPES


def test_round_trip_keeps_the_file_token_uri(tmp_path: Path) -> None:
    path = tmp_path / "token.json"
    save_credentials(path, sample())
    loaded = load_credentials(path)
    assert loaded is not None
    # google-auth's from_authorized_user_info would force Google's endpoint; a local provider must stay.
    assert loaded.token_uri == "http://127.0.0.1:9999/token"
    assert (loaded.token, loaded.refresh_token, list(loaded.scopes)) == ("ya29.abc", "1//rt", SCOPES)
    assert loaded.expiry == datetime(2030, 7, 1, 10, 0, 0, 123456)


def test_seed_and_older_formats_load() -> None:
    seed = {"token": "t", "refresh_token": "r", "client_id": "c", "client_secret": "s",
            "scopes": " ".join(SCOPES), "expiry": "2024-07-01T10:00:00Z"}
    creds = credentials_from_info(seed)
    assert creds.token_uri == GOOGLE_TOKEN_URI and list(creds.scopes) == SCOPES
    assert creds.expiry == datetime(2024, 7, 1, 10, 0)
    oauth2client = {"access_token": "t2", "refresh_token": "r", "token_expiry": "2024-07-01T12:00:00+02:00"}
    client = client_config_from_dict({"installed": {"client_id": "fromfile", "client_secret": "sec",
                                                    "token_uri": "http://127.0.0.1:1/token"}})
    creds = credentials_from_info(oauth2client, client)
    assert (creds.token, creds.client_id, creds.client_secret) == ("t2", "fromfile", "sec")
    assert creds.token_uri == "http://127.0.0.1:1/token"
    assert creds.expiry == datetime(2024, 7, 1, 10, 0)


def test_expiry_parsing() -> None:
    assert parse_expiry("2030-01-02T03:04:05.5Z") == datetime(2030, 1, 2, 3, 4, 5, 500000)
    assert parse_expiry("2030-01-02T03:04:05") == datetime(2030, 1, 2, 3, 4, 5)
    assert parse_expiry("garbage") is None and parse_expiry(None) is None


def test_missing_and_broken_files(tmp_path: Path) -> None:
    assert read_token_info(tmp_path / "none.json") is None
    assert load_credentials(tmp_path / "none.json") is None
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    with pytest.raises(TokenFileError, match="not valid JSON"):
        read_token_info(bad)
    bad.write_text("[]", encoding="utf-8")
    with pytest.raises(TokenFileError, match="expected a JSON object"):
        read_token_info(bad)


@posix_only
def test_reconnect_mark_is_kept_until_the_next_save(tmp_path: Path) -> None:
    path = tmp_path / "token.json"
    save_credentials(path, sample())
    mark_reconnect(path, "Google refused the refresh token (invalid_grant: Token has been expired or revoked.)")
    info = read_token_info(path)
    assert info is not None and info["refresh_token"] == "1//rt"
    assert "invalid_grant" in (reconnect_reason(info) or "")
    assert mode(path) == 0o600
    save_credentials(path, sample())
    info = read_token_info(path)
    assert info is not None and RECONNECT_KEY not in info and reconnect_reason(info) is None
    mark_reconnect(tmp_path / "gone.json", "x")  # nothing to mark: no file is created
    assert not (tmp_path / "gone.json").exists()


def test_delete(tmp_path: Path) -> None:
    path = tmp_path / "token.json"
    save_credentials(path, sample())
    assert delete_token(path) is True
    assert delete_token(path) is False


def test_refreshed_expiry_in_the_future_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "token.json"
    creds = sample()
    creds.expiry = utcnow().replace(microsecond=0) + timedelta(hours=1)
    save_credentials(path, creds)
    loaded = load_credentials(path)
    assert loaded is not None and loaded.valid
