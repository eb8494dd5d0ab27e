"""OAuth targets (shared token files, scope union), per-profile status and the run blocker."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from flowdesk.core.errors import NotFound
from flowdesk.core.oauth.google_oauth import utcnow
from flowdesk.core.oauth.oauth_status import collect_statuses, oauth_blocker, target_status
from flowdesk.core.oauth.oauth_targets import build_target, list_targets
from flowdesk.core.oauth.token_store import mark_reconnect, read_token_info
from flowdesk.core.profiles import ProfileResolver
from flowdesk.core.registry import Registry
from flowdesk.core.workspace import Workspace
from tests.core.oauth.local_provider import CALENDAR, CALENDAR_RO, DRIVE_RO, SHEETS, LocalGoogle, write_google_workspace

ALL = [CALENDAR, CALENDAR_RO, DRIVE_RO, SHEETS]


@pytest.fixture()
def provider() -> Iterator[LocalGoogle]:
    p = LocalGoogle().start()
    yield p
    p.stop()


def open_ws(root: Path) -> tuple[Registry, ProfileResolver]:
    registry = Registry(Workspace(root))
    registry.reload()
    return registry, ProfileResolver(root / "config" / ".env", environ={})


def write_token(path: Path, data: dict) -> None:  # type: ignore[type-arg]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")


# -- targets and shared scopes ------------------------------------------------------


def test_one_token_file_shared_by_three_tools_asks_for_the_union(provider: LocalGoogle, tmp_path: Path) -> None:
    token = write_google_workspace(tmp_path, provider)
    registry, resolver = open_ws(tmp_path)
    target = build_target(registry, resolver, "calendar", "test")  # alias and lower-case profile
    assert (target.tool, target.profile, target.provider) == ("google_calendar", "TEST", "google")
    assert target.configured and target.token_file == token
    assert target.credentials_file == tmp_path / "etc/secrets/google_test_credentials.json"
    assert target.own_scopes == [CALENDAR, CALENDAR_RO]
    assert target.scopes == ALL
    assert target.shared_with == ["google_drive (TEST)", "google_sheets (TEST)"]
    drive = build_target(registry, resolver, "drive", "TEST")
    assert set(drive.scopes) == set(ALL) and drive.own_scopes == [DRIVE_RO]


def test_separate_token_files_are_not_shared(provider: LocalGoogle, tmp_path: Path) -> None:
    write_google_workspace(tmp_path, provider, extra={"GOOGLE_DRIVE_TEST_TOKEN_FILE": "etc/secrets/drive_token.json"})
    registry, resolver = open_ws(tmp_path)
    target = build_target(registry, resolver, "google_calendar", "TEST")
    assert target.scopes == [CALENDAR, CALENDAR_RO, SHEETS]
    assert target.shared_with == ["google_sheets (TEST)"]


def test_read_only_profile_asks_only_for_readonly_scopes(provider: LocalGoogle, tmp_path: Path) -> None:
    write_google_workspace(tmp_path, provider, tools=("google_calendar",),
                           extra={"GOOGLE_CALENDAR_TEST_SCOPES_READ_ONLY": "true"})
    registry, resolver = open_ws(tmp_path)
    assert build_target(registry, resolver, "google_calendar", "TEST").scopes == [CALENDAR_RO]


def test_unknown_and_non_oauth_tools(provider: LocalGoogle, tmp_path: Path) -> None:
    write_google_workspace(tmp_path, provider)
    registry, resolver = open_ws(tmp_path)
    with pytest.raises(NotFound, match="not installed"):
        build_target(registry, resolver, "nope", "TEST")
    with pytest.raises(NotFound, match="does not use OAuth"):
        build_target(registry, resolver, "date", "DEFAULT")


def test_list_targets_covers_every_oauth_tool_and_profile(provider: LocalGoogle, tmp_path: Path) -> None:
    write_google_workspace(tmp_path, provider, extra={
        "GOOGLE_CALENDAR_WORK_TOKEN_FILE": "etc/work_token.json",
        "GOOGLE_CALENDAR_WORK_CREDENTIALS_FILE": "etc/secrets/google_test_credentials.json"})
    registry, resolver = open_ws(tmp_path)
    found = {(t.tool, t.profile) for t in list_targets(registry, resolver)}
    assert {("google_calendar", "TEST"), ("google_calendar", "WORK"), ("google_drive", "TEST"),
            ("google_sheets", "TEST")} <= found
    assert [t.profile for t in list_targets(registry, resolver, "calendar", "work")] == ["WORK"]


# -- status -------------------------------------------------------------------------


def test_status_lifecycle(provider: LocalGoogle, tmp_path: Path) -> None:
    token = write_google_workspace(tmp_path, provider)
    registry, resolver = open_ws(tmp_path)
    target = build_target(registry, resolver, "google_calendar", "TEST")

    st = target_status(target)
    assert st["configured"] and st["credentials_present"] and not st["token_present"]
    assert not st["authenticated"] and st["needs_reconnect"] and "not connected yet" in st["reason"]
    assert st["auth_url"] == "/oauth/google/auth?service=google_calendar&profile=TEST"
    assert st["connect_command"] == "flowdesk oauth connect google_calendar --profile TEST"

    write_token(token, provider.token_file(ALL))
    st = target_status(target)
    assert st["authenticated"] and st["valid"] and st["refreshable"] and st["reason"] is None
    assert st["scopes"] == ALL and st["missing_scopes"] == [] and st["expires_at"].endswith("+00:00")

    expired = {**provider.token_file(ALL), "expiry": (utcnow() - timedelta(hours=1)).isoformat() + "Z"}
    write_token(token, expired)
    st = target_status(target)
    assert st["authenticated"] and not st["valid"] and st["refreshable"]  # a refresh will do

    write_token(token, {k: v for k, v in expired.items() if k != "refresh_token"})
    st = target_status(target)
    assert not st["authenticated"] and not st["refreshable"]
    assert st["reason"] == "the access token expired and there is no refresh token"

    write_token(token, provider.token_file([DRIVE_RO]))
    st = target_status(target)
    assert not st["authenticated"] and st["missing_scopes"] == [CALENDAR, CALENDAR_RO]
    assert "lacks scope" in st["reason"]

    token.write_text("{oops", encoding="utf-8")
    st = target_status(target)
    assert not st["authenticated"] and "not valid JSON" in st["reason"]


def test_verify_finds_a_revoked_grant_and_marks_the_file(provider: LocalGoogle, tmp_path: Path) -> None:
    token = write_google_workspace(tmp_path, provider)
    registry, resolver = open_ws(tmp_path)
    data = provider.token_file(ALL)
    write_token(token, data)
    target = build_target(registry, resolver, "google_calendar", "TEST")
    st = target_status(target, verify=True)  # works: refreshed and saved
    assert st["authenticated"] and read_token_info(token)["token"] != data["token"]  # type: ignore[index]

    provider.revoke_refresh_token(data["refresh_token"])
    assert target_status(target)["authenticated"]  # the files alone cannot know yet
    st = target_status(target, verify=True)
    assert not st["authenticated"] and not st["refreshable"] and not st["valid"]
    assert "invalid_grant" in st["last_error"] and st["needs_reconnect"]
    assert not target_status(target)["authenticated"]  # now remembered in the file


def test_status_of_an_unconfigured_profile_names_the_variables(provider: LocalGoogle, tmp_path: Path) -> None:
    write_google_workspace(tmp_path, provider)
    registry, resolver = open_ws(tmp_path)
    st = target_status(build_target(registry, resolver, "google_calendar", "NOPE"))
    assert not st["configured"] and not st["needs_reconnect"]
    assert st["missing"] == ["GOOGLE_CALENDAR_NOPE_TOKEN_FILE", "GOOGLE_CALENDAR_NOPE_CREDENTIALS_FILE"]


def test_missing_credentials_file(provider: LocalGoogle, tmp_path: Path) -> None:
    write_google_workspace(tmp_path, provider)
    (tmp_path / "etc/secrets/google_test_credentials.json").unlink()
    registry, resolver = open_ws(tmp_path)
    st = target_status(build_target(registry, resolver, "google_calendar", "TEST"))
    assert not st["credentials_present"] and "credentials file" in st["reason"] and "not found" in st["reason"]


def test_collect_statuses(provider: LocalGoogle, tmp_path: Path) -> None:
    write_google_workspace(tmp_path, provider)
    registry, resolver = open_ws(tmp_path)
    statuses = collect_statuses(registry, resolver)
    assert {(s["tool"], s["profile"]) for s in statuses} >= {("google_calendar", "TEST"), ("google_drive", "TEST")}
    assert [s["tool"] for s in collect_statuses(registry, resolver, "sheets")] == ["google_sheets"]


# -- blocker ------------------------------------------------------------------------


def test_blocker(provider: LocalGoogle, tmp_path: Path) -> None:
    token = write_google_workspace(tmp_path, provider)
    registry, resolver = open_ws(tmp_path)
    blocker = oauth_blocker(registry, resolver)
    message = blocker("google_calendar", "TEST")
    assert message is not None and message.startswith("reconnect google_calendar (profile TEST)")
    assert blocker("calendar", "TEST") == message  # the seed's name of the tool
    assert blocker("date", "DEFAULT") is None  # not an OAuth tool
    assert blocker("nope", "TEST") is None  # unknown tools are the run service's business
    assert blocker("google_calendar", "INPUT_TOKEN") is None
    assert blocker("google_calendar", "NOPE") is None  # missing variables: reported by the run service

    data = provider.token_file(ALL)
    write_token(token, data)
    assert blocker("google_calendar", "TEST") is None
    assert blocker("google_drive", "TEST") is None

    mark_reconnect(token, "Google refused the refresh token (invalid_grant: Token has been expired or revoked.)")
    assert blocker("google_sheets", "TEST") == ("reconnect google_sheets (profile TEST): Google refused the refresh "
                                                "token (invalid_grant: Token has been expired or revoked.)")
