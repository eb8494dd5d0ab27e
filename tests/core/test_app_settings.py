"""settings.json: defaults, round trip with unknown keys kept, bad values named, broken file ignored."""

from __future__ import annotations

from pathlib import Path

import pytest

from flowdesk.core.app_settings import AppSettings, SettingsError, load_app_settings, save_app_settings


def test_defaults_and_round_trip(tmp_path: Path) -> None:
    assert load_app_settings(tmp_path) == AppSettings()
    save_app_settings(tmp_path, AppSettings.from_dict({"port": 8123, "retention_days": None, "newer": [1]}))
    loaded = load_app_settings(tmp_path)
    assert loaded.port == 8123 and loaded.retention_days is None and loaded.to_dict()["newer"] == [1]


@pytest.mark.parametrize(("data", "key"), [({"port": 70000}, "port"), ({"port": "80"}, "port"),
                                           ({"notifications": "yes"}, "notifications"),
                                           ({"retention_days": 0}, "retention_days"), ({"workspace": 3}, "workspace")])
def test_bad_values_name_the_key(data: dict, key: str) -> None:
    with pytest.raises(SettingsError, match=key):
        AppSettings.from_dict(data)


def test_a_broken_file_falls_back_to_defaults(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / "settings.json").write_text('{"port": true}')
    assert load_app_settings(tmp_path) == AppSettings()
    assert "settings.json" in caplog.text and "port" in caplog.text
