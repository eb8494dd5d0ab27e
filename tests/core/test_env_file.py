"""config/.env reading (cache, interpolation) and in-place editing (layout kept, atomic, quoting)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from dotenv import dotenv_values

from flowdesk.core import env_file
from flowdesk.core.env_file import quote_value, read_env_file, update_env_file

SAMPLE = """\
# Profil TEST pour Google Calendar
GOOGLE_CALENDAR_TEST_CREDENTIALS_FILE=etc/secrets/google_test_credentials.json
GOOGLE_CALENDAR_TEST_CALENDAR_ID=test@company.com  # main calendar

export MON_OUTIL_TEST_API_KEY='test key 123'
MULTI="line1
line2"
BARE_KEY
"""


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_missing_file_is_empty(tmp_path: Path) -> None:
    assert read_env_file(tmp_path / "nope" / ".env") == {}


def test_read_values_and_skip_keys_without_value(tmp_path: Path) -> None:
    values = read_env_file(write(tmp_path / ".env", SAMPLE))
    assert values["GOOGLE_CALENDAR_TEST_CALENDAR_ID"] == "test@company.com"
    assert values["MON_OUTIL_TEST_API_KEY"] == "test key 123"
    assert values["MULTI"] == "line1\nline2"
    assert "BARE_KEY" not in values


def test_read_is_cached_until_the_file_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path / ".env", "A=1\n")
    calls = []
    real = env_file.dotenv_values
    monkeypatch.setattr(env_file, "dotenv_values", lambda *a, **k: calls.append(1) or real(*a, **k))
    assert read_env_file(path) == {"A": "1"}
    assert read_env_file(path) == {"A": "1"}
    assert len(calls) == 1
    write(path, "A=22\n")  # another size, so seen even within one mtime tick
    assert read_env_file(path) == {"A": "22"}
    assert len(calls) == 2


def test_returned_dict_is_a_copy(tmp_path: Path) -> None:
    path = write(tmp_path / ".env", "A=1\n")
    read_env_file(path)["A"] = "changed"
    assert read_env_file(path) == {"A": "1"}


def test_interpolation_follows_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path / ".env", "BASE=/srv\nTOKEN_FILE=${BASE}/token.json\nHOME_DIR=${FD_TEST_HOME}/x\n")
    monkeypatch.setenv("FD_TEST_HOME", "/home/a")
    assert read_env_file(path)["TOKEN_FILE"] == "/srv/token.json"
    assert read_env_file(path)["HOME_DIR"] == "/home/a/x"
    monkeypatch.setenv("FD_TEST_HOME", "/home/b")
    assert read_env_file(path)["HOME_DIR"] == "/home/b/x"  # cache holds raw values only


def test_update_keeps_comments_blank_lines_and_order(tmp_path: Path) -> None:
    path = write(tmp_path / ".env", SAMPLE)
    update_env_file(path, {"GOOGLE_CALENDAR_TEST_CALENDAR_ID": "work@company.com"})
    expected = SAMPLE.replace("test@company.com  # main", "work@company.com  # main")
    assert path.read_text(encoding="utf-8") == expected


def test_update_replaces_quoted_and_multiline_values_and_keeps_export(tmp_path: Path) -> None:
    path = write(tmp_path / ".env", SAMPLE)
    update_env_file(path, {"MULTI": "single", "MON_OUTIL_TEST_API_KEY": "new"})
    text = path.read_text(encoding="utf-8")
    assert "export MON_OUTIL_TEST_API_KEY=new\nMULTI=single\nBARE_KEY\n" in text
    assert text.startswith("# Profil TEST pour Google Calendar\n")
    assert "\n\nexport" in text


def test_update_appends_new_and_removes(tmp_path: Path) -> None:
    path = write(tmp_path / ".env", "# head\nA=1\n\nB=2\nC=3")  # no final newline
    update_env_file(path, {"D": "4"}, remove=["B"])
    assert path.read_text(encoding="utf-8") == "# head\nA=1\n\nC=3\nD=4\n"
    assert read_env_file(path) == {"A": "1", "C": "3", "D": "4"}


def test_update_creates_missing_file_and_folder(tmp_path: Path) -> None:
    path = tmp_path / "config" / ".env"
    update_env_file(path, {"X_DEFAULT_TOKEN": "abc"})
    assert read_env_file(path) == {"X_DEFAULT_TOKEN": "abc"}


def test_update_duplicate_keys_all_take_the_new_value(tmp_path: Path) -> None:
    path = write(tmp_path / ".env", "A=1\nA=2\n")
    update_env_file(path, {"A": "3"})
    assert path.read_text(encoding="utf-8") == "A=3\nA=3\n"


@pytest.mark.parametrize("value", [
    "plain", "with space", "has#hash", "x # not a comment", "quote\"d", "single'q", "back\\slash\\",
    "new\nline", "tab\there", "", "  padded  ", "ünïcödé", "a=b", "$notvar", "trailing\\",
])
def test_values_round_trip(tmp_path: Path, value: str) -> None:
    path = write(tmp_path / ".env", "# c\n")
    update_env_file(path, {"K": value})
    assert dotenv_values(path)["K"] == value
    assert read_env_file(path)["K"] == value


def test_values_that_need_it_are_quoted() -> None:
    assert quote_value("abc_123") == "abc_123"
    for value in ("a b", "a#b", "a'b", 'a"b', "a\nb"):
        assert quote_value(value).startswith('"')


def test_crlf_files_stay_crlf(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    path.write_bytes(b"# c\r\nA=1\r\n")
    update_env_file(path, {"A": "2", "B": "3"})
    assert path.read_bytes() == b"# c\r\nA=2\r\nB=3\r\n"


def test_invalid_keys_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        update_env_file(tmp_path / ".env", {"BAD KEY\nX": "1"})


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_written_file_is_private_and_no_temp_left(tmp_path: Path) -> None:
    path = write(tmp_path / ".env", "A=1\n")
    update_env_file(path, {"A": "2"})
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == [".env"]


def test_update_invalidates_the_cache(tmp_path: Path) -> None:
    path = write(tmp_path / ".env", "A=1\n")
    assert read_env_file(path) == {"A": "1"}
    update_env_file(path, {"A": "9"})
    assert read_env_file(path) == {"A": "9"}


def test_non_utf8_file_is_still_read(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    path.write_bytes("NAME=Andr\u00e9\n".encode("latin-1"))
    assert read_env_file(path) == {"NAME": "Andr\u00e9"}
