"""Profile resolution: variable names, precedence, coercion, aliases, listing, INPUT_<FIELD>."""

from __future__ import annotations

from pathlib import Path

import pytest

from flowdesk.core.profiles import (
    ProfileResolver,
    is_input_profile,
    is_secret_param,
    profile_var,
    resolve_input_profile,
)

ENV = """\
GOOGLE_CALENDAR_WORK_CALENDAR_ID=work@company.com
GOOGLE_CALENDAR_WORK_TOKEN_FILE=etc/secrets/google_work_token.json
GOOGLE_CALENDAR_WORK_CREDENTIALS_FILE=etc/secrets/google_work_credentials.json
CALENDAR_TEST_TOKEN_FILE=etc/secrets/seed_test_token.json
CALENDAR_TEST_CREDENTIALS_FILE=etc/secrets/seed_test_credentials.json
CALENDAR_WORK_CALENDAR_ID=seed-name-loses@company.com
GOOGLE_PERSO_API_KEY=g-key-123
MON_OUTIL_TEST_API_KEY=test_api_key_123
MON_OUTIL_TEST_TIMEOUT=45
MON_OUTIL_TEST_VERBOSE=true
MON_OUTIL_BAD_TIMEOUT=soon
MON_OUTIL_EMPTY_API_KEY=
YOUTUBE_TECH_CHANNEL_API_KEY=yt-key-999
"""

CAL_REQUIRED = ["token_file", "credentials_file"]
CAL_OPTIONAL = {"calendar_id": "primary", "timezone": "Europe/Paris", "timeout": 30}
OUTIL_OPTIONAL = {"timeout": 30, "base_url": "https://api.example.com", "verbose": False, "ratio": 1.5}


@pytest.fixture
def resolver(tmp_path: Path) -> ProfileResolver:
    env = tmp_path / "config" / ".env"
    env.parent.mkdir()
    env.write_text(ENV, encoding="utf-8")
    return ProfileResolver(env, environ={})


def test_profile_var_naming() -> None:
    assert profile_var("google_calendar", "work", "calendar_id") == "GOOGLE_CALENDAR_WORK_CALENDAR_ID"
    assert profile_var("mon-outil", "Tech Channel", "api.key") == "MON_OUTIL_TECH_CHANNEL_API_KEY"


def test_values_from_file_and_defaults_with_sources(resolver: ProfileResolver) -> None:
    r = resolver.resolve("google_calendar", "WORK", CAL_REQUIRED, CAL_OPTIONAL)
    assert r.values == {
        "token_file": "etc/secrets/google_work_token.json",
        "credentials_file": "etc/secrets/google_work_credentials.json",
        "calendar_id": "work@company.com",
        "timezone": "Europe/Paris",
        "timeout": 30,
    }
    assert r.sources["calendar_id"] == "config/.env"
    assert r.sources["timezone"] == "default"
    assert r.available and r.missing == []


def test_environment_beats_file_beats_default(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text("MON_OUTIL_TEST_API_KEY=from-file\nMON_OUTIL_TEST_BASE_URL=http://file\n", encoding="utf-8")
    r = ProfileResolver(env, environ={"MON_OUTIL_TEST_API_KEY": "from-env"}).resolve(
        "mon_outil", "TEST", ["api_key"], OUTIL_OPTIONAL)
    assert r.values["api_key"] == "from-env" and r.sources["api_key"] == "environment"
    assert r.values["base_url"] == "http://file" and r.sources["base_url"] == "config/.env"
    assert r.values["timeout"] == 30 and r.sources["timeout"] == "default"


def test_process_environment_is_read_live(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MON_OUTIL_LIVE_API_KEY", "live-key")
    r = ProfileResolver(tmp_path / "missing.env").resolve("mon_outil", "live", ["api_key"], {})
    assert r.values["api_key"] == "live-key"


def test_coercion_to_default_types(resolver: ProfileResolver) -> None:
    r = resolver.resolve("mon_outil", "TEST", ["api_key"], OUTIL_OPTIONAL)
    assert r.values["timeout"] == 45 and isinstance(r.values["timeout"], int)
    assert r.values["verbose"] is True
    assert r.values["ratio"] == 1.5


def test_bad_coercion_keeps_the_string_and_warns(resolver: ProfileResolver) -> None:
    r = resolver.resolve("mon_outil", "BAD", [], OUTIL_OPTIONAL)
    assert r.values["timeout"] == "soon"
    assert r.warnings and "MON_OUTIL_BAD_TIMEOUT" in r.warnings[0]


def test_missing_required_params_are_named_by_variable(resolver: ProfileResolver) -> None:
    r = resolver.resolve("mon_outil", "PROD", ["api_key"], OUTIL_OPTIONAL)
    assert not r.available
    assert r.missing == ["MON_OUTIL_PROD_API_KEY"]
    assert r.missing_params == ["api_key"]


def test_empty_value_counts_as_missing(resolver: ProfileResolver) -> None:
    assert resolver.resolve("mon_outil", "EMPTY", ["api_key"], {}).missing == ["MON_OUTIL_EMPTY_API_KEY"]


def test_profile_none_is_default(tmp_path: Path) -> None:
    r = ProfileResolver(tmp_path / ".env", environ={"DATE_DEFAULT_TIMEZONE": "UTC"}).resolve(
        "date", None, [], {"timezone": "Europe/Paris"})
    assert r.profile == "DEFAULT" and r.values["timezone"] == "UTC"


def test_secrets_by_name_and_by_list(resolver: ProfileResolver) -> None:
    r = resolver.resolve("mon_outil", "TEST", ["api_key"], OUTIL_OPTIONAL, secret_params=["base_url"])
    assert "test_api_key_123" in r.secrets
    assert "https://api.example.com" in r.secrets
    cal = resolver.resolve("google_calendar", "WORK", CAL_REQUIRED, CAL_OPTIONAL)
    assert cal.secrets == []  # token/credentials *file* params hold paths


def test_is_secret_param() -> None:
    for name in ("api_key", "API_KEY", "access_token", "client_secret", "password", "credentials", "webhook_token_url"):
        assert is_secret_param(name)
    for name in ("calendar_id", "timeout", "token_file", "credentials_file", "base_url"):
        assert not is_secret_param(name)
    assert is_secret_param("token_file", ["token_file"])


def test_alias_is_found_and_primary_name_wins(resolver: ProfileResolver) -> None:
    test = resolver.resolve("google_calendar", "TEST", CAL_REQUIRED, CAL_OPTIONAL, aliases=["calendar"])
    assert test.values["token_file"] == "etc/secrets/seed_test_token.json"
    assert test.available
    work = resolver.resolve("google_calendar", "WORK", CAL_REQUIRED, CAL_OPTIONAL, aliases=["calendar"])
    assert work.values["calendar_id"] == "work@company.com"


def test_known_alias_applies_without_being_passed(resolver: ProfileResolver) -> None:
    r = resolver.resolve("google_calendar", "TEST", CAL_REQUIRED, CAL_OPTIONAL)
    assert r.available  # the seed's `calendar` tool is a known rename
    assert resolver.resolve("calendar", "WORK", CAL_REQUIRED, CAL_OPTIONAL).values["calendar_id"] == \
        "seed-name-loses@company.com"


def test_missing_uses_the_primary_name_even_with_alias(resolver: ProfileResolver) -> None:
    r = resolver.resolve("google_calendar", "NOPE", CAL_REQUIRED, {}, aliases=["calendar"])
    assert r.missing == ["GOOGLE_CALENDAR_NOPE_TOKEN_FILE", "GOOGLE_CALENDAR_NOPE_CREDENTIALS_FILE"]


def test_list_profiles_disambiguates_overlapping_tool_names(resolver: ProfileResolver) -> None:
    known = ["google", "google_calendar", "mon_outil", "youtube", "calendar"]
    assert resolver.list_profiles("google", known_tools=known) == ["PERSO"]
    assert resolver.list_profiles("google_calendar", known_tools=known) == ["TEST", "WORK"]
    assert resolver.list_profiles("mon_outil", known_tools=known) == ["BAD", "EMPTY", "TEST"]


def test_list_profiles_without_known_tools_overlaps(resolver: ProfileResolver) -> None:
    assert "CALENDAR" in resolver.list_profiles("google")


def test_list_profiles_with_params_allows_underscores_in_profile(resolver: ProfileResolver) -> None:
    assert resolver.list_profiles("youtube", params=["api_key"]) == ["TECH_CHANNEL"]
    assert resolver.list_profiles("youtube") == ["TECH"]


def test_list_profiles_includes_environment(tmp_path: Path) -> None:
    r = ProfileResolver(tmp_path / ".env", environ={"SLACK_MARKETING_BOT_TOKEN": "x", "slack_lower_x": "y"})
    assert r.list_profiles("slack", params=["bot_token"]) == ["MARKETING"]


def test_is_input_profile() -> None:
    assert is_input_profile("INPUT_API_KEY")
    assert not is_input_profile("INPUT_")
    assert not is_input_profile("TEST")
    assert not is_input_profile(None)


def test_input_profile_fills_the_param_of_the_same_name() -> None:
    r = resolve_input_profile("INPUT_API_KEY", {"api_key": "k-from-input", "other": 1},
                              ["token", "api_key"], {"base_url": "https://api.example.com", "timeout": 30},
                              tool_name="example")
    assert r.values == {"base_url": "https://api.example.com", "timeout": 30, "api_key": "k-from-input"}
    assert r.sources["api_key"] == "input"
    assert r.missing == ["token"]
    assert r.secrets == ["k-from-input"]


def test_input_profile_falls_back_to_first_required_param() -> None:
    r = resolve_input_profile("INPUT_USER_TOKEN", {"user_token": "abcd1234"}, ["access_token", "x"], {})
    assert r.values["access_token"] == "abcd1234"
    assert r.missing == ["x"]
    assert "abcd1234" in r.secrets


def test_input_profile_accepts_input_keys_in_other_spellings() -> None:
    r = resolve_input_profile("INPUT_API_KEY", {"API-Key": "zz-top"}, ["api_key"], {})
    assert r.values["api_key"] == "zz-top" and r.available


def test_input_profile_without_the_field_is_not_available() -> None:
    r = resolve_input_profile("INPUT_API_KEY", {}, ["api_key"], {"timeout": 30})
    assert not r.available
    assert r.missing == ["input field 'api_key'"]
    assert r.secrets == []


def test_input_profile_with_no_required_params_uses_the_field_name() -> None:
    r = resolve_input_profile("INPUT_TIMEOUT", {"timeout": "12"}, [], {"timeout": 30})
    assert r.values["timeout"] == 12
    r2 = resolve_input_profile("INPUT_NOTE", {"note": "hello"}, [], {})
    assert r2.values == {"note": "hello"}


def test_resolve_input_profile_rejects_other_profiles() -> None:
    with pytest.raises(ValueError):
        resolve_input_profile("TEST", {}, [], {})


def test_coercion_of_lists_and_dicts() -> None:
    from flowdesk.core.profiles import coerce_like

    assert coerce_like('["a", "b"]', []) == ["a", "b"]
    assert coerce_like("a, b,c", ["x"]) == ["a", "b", "c"]
    assert coerce_like('{"k": 1}', {}) == {"k": 1}
    with pytest.raises(ValueError):
        coerce_like("nope", {})
    with pytest.raises(ValueError):
        coerce_like("maybe", False)
