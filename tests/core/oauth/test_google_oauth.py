"""Google OAuth protocol steps against the local provider: client files, PKCE URL, exchange, refresh, revoke, state."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from flowdesk.core.oauth.google_oauth import (
    GOOGLE_AUTH_URI,
    GOOGLE_REVOKE_URI,
    GOOGLE_TOKEN_URI,
    OAuthError,
    ReconnectRequired,
    authorization_url,
    client_config_from_dict,
    code_challenge,
    exchange_code,
    load_client_config,
    merge_scopes,
    missing_scopes,
    needs_refresh,
    new_code_verifier,
    refresh_credentials,
    revoke_token,
    utcnow,
)
from flowdesk.core.oauth.oauth_state import OAuthStateStore, StateError
from tests.core.oauth.local_provider import CALENDAR, CALENDAR_RO, DRIVE_RO, LocalGoogle

REDIRECT = "http://localhost:8000/oauth/google/callback"


@pytest.fixture()
def provider() -> Iterator[LocalGoogle]:
    p = LocalGoogle().start()
    yield p
    p.stop()


def consent(provider: LocalGoogle, scopes: list[str], verifier: str, state: str = "st4te") -> dict[str, str]:
    """Open the consent URL like a browser and read the redirect back: {code, state, scope}."""
    client = client_config_from_dict(provider.client_file())
    url = authorization_url(client, scopes, REDIRECT, state, verifier)
    response = requests.get(url, allow_redirects=False, timeout=10)
    assert response.status_code == 302, response.text
    location = response.headers["Location"]
    assert location.startswith(REDIRECT + "?")
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- client files -------------------------------------------------------------------


def test_web_and_installed_client_files_keep_their_own_endpoints(provider: LocalGoogle, tmp_path: Path) -> None:
    for kind in ("web", "installed"):
        path = tmp_path / f"{kind}.json"
        path.write_text(json.dumps(provider.client_file(kind)), encoding="utf-8")
        client = load_client_config(path)
        assert client.client_type == kind
        assert client.auth_uri == f"{provider.url}/auth"
        assert client.token_uri == f"{provider.url}/token"
        assert client.revoke_uri == f"{provider.url}/revoke"  # next to a non-Google token endpoint


def test_google_defaults_and_environment_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    bare = {"installed": {"client_id": "id", "client_secret": "secret"}}
    client = client_config_from_dict(bare)
    assert (client.auth_uri, client.token_uri, client.revoke_uri) == (GOOGLE_AUTH_URI, GOOGLE_TOKEN_URI,
                                                                      GOOGLE_REVOKE_URI)
    monkeypatch.setenv("GOOGLE_AUTH_URI", "http://127.0.0.1:9/a")
    monkeypatch.setenv("GOOGLE_TOKEN_URI", "http://127.0.0.1:9/t")
    monkeypatch.setenv("GOOGLE_REVOKE_URI", "http://127.0.0.1:9/r")
    client = client_config_from_dict(bare)
    assert (client.auth_uri, client.token_uri, client.revoke_uri) == ("http://127.0.0.1:9/a", "http://127.0.0.1:9/t",
                                                                      "http://127.0.0.1:9/r")
    # The file's own endpoints still win over the environment.
    own = client_config_from_dict({"web": {**bare["installed"], "token_uri": "https://oauth2.googleapis.com/token"}})
    assert own.token_uri == GOOGLE_TOKEN_URI and own.auth_uri == "http://127.0.0.1:9/a"


def test_client_file_errors_say_what_is_wrong(tmp_path: Path) -> None:
    with pytest.raises(OAuthError, match="not found"):
        load_client_config(tmp_path / "absent.json")
    broken = tmp_path / "broken.json"
    broken.write_text("{nope", encoding="utf-8")
    with pytest.raises(OAuthError, match="not valid JSON"):
        load_client_config(broken)
    with pytest.raises(OAuthError, match="is a token file"):
        client_config_from_dict({"type": "authorized_user", "refresh_token": "x", "client_id": "a"})
    with pytest.raises(OAuthError, match="client_secret missing"):
        client_config_from_dict({"web": {"client_id": "a"}})
    with pytest.raises(OAuthError, match="expected a \"web\" or \"installed\""):
        client_config_from_dict({"something": 1})


# -- consent URL and code exchange --------------------------------------------------


def test_pkce_challenge_matches_rfc7636_example() -> None:
    rfc_verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"  # RFC 7636 appendix B
    rfc_challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    assert code_challenge(rfc_verifier) == rfc_challenge
    verifier = new_code_verifier()
    assert 43 <= len(verifier) <= 128 and verifier != new_code_verifier()


def test_authorization_url_asks_offline_access_with_state_and_pkce(provider: LocalGoogle) -> None:
    client = client_config_from_dict(provider.client_file())
    url = authorization_url(client, [CALENDAR, DRIVE_RO], REDIRECT, "abc", "v" * 50)
    query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    assert url.startswith(f"{provider.url}/auth?")
    assert query["scope"] == f"{CALENDAR} {DRIVE_RO}"
    assert query["state"] == "abc" and query["redirect_uri"] == REDIRECT
    assert query["access_type"] == "offline" and query["prompt"] == "consent"
    assert query["code_challenge"] == code_challenge("v" * 50) and query["code_challenge_method"] == "S256"


def test_exchange_gives_refreshable_credentials_with_granted_scopes(provider: LocalGoogle) -> None:
    verifier = new_code_verifier()
    back = consent(provider, [CALENDAR, CALENDAR_RO], verifier)
    assert back["state"] == "st4te"
    client = client_config_from_dict(provider.client_file())
    creds = exchange_code(client, back["code"], REDIRECT, verifier, [CALENDAR, CALENDAR_RO])
    assert creds.token and creds.refresh_token and creds.token_uri == f"{provider.url}/token"
    assert creds.scopes == [CALENDAR, CALENDAR_RO]
    assert timedelta(minutes=59) < creds.expiry - utcnow() <= timedelta(hours=1)
    with pytest.raises(OAuthError, match="invalid_grant"):  # a code works once
        exchange_code(client, back["code"], REDIRECT, verifier, [CALENDAR])


def test_exchange_with_wrong_verifier_is_refused_but_is_not_a_reconnect(provider: LocalGoogle) -> None:
    back = consent(provider, [CALENDAR], new_code_verifier())
    client = client_config_from_dict(provider.client_file())
    with pytest.raises(OAuthError) as caught:
        exchange_code(client, back["code"], REDIRECT, new_code_verifier(), [CALENDAR])
    assert caught.value.code == "invalid_grant" and not isinstance(caught.value, ReconnectRequired)
    assert "Invalid code verifier" in str(caught.value)


def test_partial_consent_reports_only_granted_scopes(provider: LocalGoogle) -> None:
    provider.grant_only = [CALENDAR]
    verifier = new_code_verifier()
    back = consent(provider, [CALENDAR, DRIVE_RO], verifier)
    creds = exchange_code(client_config_from_dict(provider.client_file()), back["code"], REDIRECT, verifier,
                          [CALENDAR, DRIVE_RO])
    assert creds.scopes == [CALENDAR]
    assert missing_scopes([CALENDAR, DRIVE_RO], creds.scopes) == [DRIVE_RO]


# -- refresh and revoke -------------------------------------------------------------


def _fresh_credentials(provider: LocalGoogle, scopes: list[str]):  # type: ignore[no-untyped-def]
    verifier = new_code_verifier()
    back = consent(provider, scopes, verifier)
    return exchange_code(client_config_from_dict(provider.client_file()), back["code"], REDIRECT, verifier, scopes)


def test_refresh_gets_a_new_access_token(provider: LocalGoogle) -> None:
    creds = _fresh_credentials(provider, [CALENDAR])
    old = creds.token
    refresh_credentials(creds)
    assert creds.token != old and creds.refresh_token
    assert provider.count("token") == 2


def test_revoked_refresh_token_needs_reconnect(provider: LocalGoogle) -> None:
    creds = _fresh_credentials(provider, [CALENDAR])
    provider.revoke_refresh_token(creds.refresh_token)
    with pytest.raises(ReconnectRequired) as caught:
        refresh_credentials(creds)
    assert caught.value.code == "invalid_grant"
    assert "Token has been expired or revoked." in str(caught.value)


def test_refresh_without_refresh_token_needs_reconnect(provider: LocalGoogle) -> None:
    creds = _fresh_credentials(provider, [CALENDAR])
    creds._refresh_token = None
    with pytest.raises(ReconnectRequired, match="no refresh token"):
        refresh_credentials(creds)


def test_unreachable_token_endpoint_is_a_plain_error(provider: LocalGoogle) -> None:
    creds = _fresh_credentials(provider, [CALENDAR])
    creds._token_uri = f"http://127.0.0.1:{free_port()}/token"
    with pytest.raises(OAuthError) as caught:
        refresh_credentials(creds, timeout=5)
    assert not isinstance(caught.value, ReconnectRequired)
    client = client_config_from_dict({"web": {"client_id": "a", "client_secret": "b",
                                              "token_uri": f"http://127.0.0.1:{free_port()}/token"}})
    with pytest.raises(OAuthError, match="cannot reach"):
        exchange_code(client, "code", REDIRECT, "v" * 43, [CALENDAR], timeout=5)


def test_revoke_then_revoke_again(provider: LocalGoogle) -> None:
    creds = _fresh_credentials(provider, [CALENDAR])
    uri = f"{provider.url}/revoke"
    assert revoke_token(uri, creds.refresh_token) is True
    assert provider.grants[creds.refresh_token].revoked
    assert revoke_token(uri, creds.refresh_token) is False  # already invalid: not an error


def test_needs_refresh_five_minutes_ahead(provider: LocalGoogle) -> None:
    creds = _fresh_credentials(provider, [CALENDAR])
    now = utcnow()
    creds.expiry = now + timedelta(minutes=4)
    assert needs_refresh(creds, now=now)
    creds.expiry = now + timedelta(minutes=10)
    assert not needs_refresh(creds, now=now)


def test_scope_helpers() -> None:
    assert missing_scopes([CALENDAR_RO], [CALENDAR]) == []  # read-write covers read-only
    assert missing_scopes([CALENDAR], [CALENDAR_RO]) == [CALENDAR]
    assert merge_scopes([CALENDAR, CALENDAR_RO], [DRIVE_RO, CALENDAR]) == [CALENDAR, CALENDAR_RO, DRIVE_RO]


# -- pending consent state ----------------------------------------------------------


def _flow(store: OAuthStateStore, tool: str = "google_calendar"):  # type: ignore[no-untyped-def]
    return store.create(tool=tool, profile="WORK", scopes=(CALENDAR,), redirect_uri=REDIRECT, code_verifier="v" * 43,
                        token_file=Path("t.json"), credentials_file=Path("c.json"))


def test_state_is_single_use_and_bound_to_its_flow() -> None:
    store = OAuthStateStore()
    flow = _flow(store)
    assert len(flow.state) >= 40 and flow.state != _flow(store).state
    got = store.pop(flow.state)
    assert (got.tool, got.profile, got.scopes) == ("google_calendar", "WORK", (CALENDAR,))
    with pytest.raises(StateError, match="already used"):
        store.pop(flow.state)
    with pytest.raises(StateError, match="unknown"):
        store.pop("forged")
    with pytest.raises(StateError, match="no state"):
        store.pop(None)


def test_state_expires_after_ten_minutes() -> None:
    now = [1000.0]
    store = OAuthStateStore(clock=lambda: now[0])
    flow = _flow(store)
    now[0] += 601
    with pytest.raises(StateError, match="10 minutes"):
        store.pop(flow.state)
    assert len(store) == 0


def test_abandoned_flows_are_capped() -> None:
    now = [0.0]

    def clock() -> float:
        now[0] += 1
        return now[0]

    store = OAuthStateStore(clock=clock, max_pending=3)
    first = _flow(store)
    for _ in range(3):
        _flow(store)
    assert len(store) == 3 and store.peek(first.state) is None
