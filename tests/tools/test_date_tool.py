"""The built-in date tool: the seed's Date Calculator, with a pinned clock."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from flowdesk.core.seed_compat import load_tool_class
from flowdesk.tools import BaseTool
from flowdesk.tools.date.main import DateTool

REPO = Path(__file__).resolve().parents[2]
TOOL_CONFIG = REPO / "flowdesk" / "tools" / "date" / "config.json"
# The seed sample sits beside the repo in the dev setup; the literal checks below run everywhere.
SEED_CONFIG = REPO.parent / "shared" / "seed-samples" / "tools_date_config.json"

WEDNESDAY = datetime(2025, 1, 15, 10, 0, tzinfo=timezone.utc)  # 11:00 in Paris
MONDAY = datetime(2024, 12, 30, 9, 0, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def empty_workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No config/.env and no DATE_* variables: the tool must work with nothing set."""
    monkeypatch.setenv("FLOWDESK_WORKSPACE", str(tmp_path))
    for name in [n for n in os.environ if n.startswith("DATE_")]:
        monkeypatch.delenv(name)
    return tmp_path


def make(now: datetime = WEDNESDAY, **kwargs: Any) -> DateTool:
    tool = DateTool(**kwargs)
    tool.clock = lambda: now  # type: ignore[method-assign]
    return tool


def calc(params: dict[str, Any], now: datetime = WEDNESDAY, **kwargs: Any) -> dict[str, Any]:
    result = make(now, **kwargs).execute("calculate_date", params)
    assert result["status"] == "success", result
    return result["data"]


def error_of(result: dict[str, Any]) -> str:
    assert result["status"] == "error", result
    assert "Traceback" not in result["error"]
    return result["error"]


def _in_french(value: Any, french: dict) -> Any:
    """``value`` with every doc string replaced by its French side (the seed's text), as the window shows it in French."""
    if isinstance(value, dict):
        return {k: _in_french(v, french) for k, v in value.items()}
    if isinstance(value, list):
        return [_in_french(v, french) for v in value]
    forms = french.get(("BuiltinTools", value)) if isinstance(value, str) else None
    return forms[0] if forms else value


def test_config_json_keeps_the_seed_content() -> None:
    # The docs are English since issue 15; the seed's French is their translation (resources/i18n/flowdesk_fr.ts).
    from flowdesk.i18n.catalog import ts_path
    from flowdesk.i18n.extract import read_catalogue

    ours = json.loads(TOOL_CONFIG.read_text(encoding="utf-8"))
    french = read_catalogue(ts_path("fr"))
    assert ours["description"].startswith("Relative date calculation")
    if SEED_CONFIG.is_file():
        seed = json.loads(SEED_CONFIG.read_text(encoding="utf-8"))
        for key, value in seed.items():
            if key != "actions":
                assert _in_french(ours[key], french) == value, key
        assert _in_french(ours["actions"]["calculate_date"], french) == seed["actions"]["calculate_date"]
    assert ours["tool_name"] == "date"
    assert ours["display_name"] == "Date Calculator"
    assert ours["optional_params"] == {"default_format": "%d/%m/%Y", "timezone": "Europe/Paris", "locale": "fr_FR"}
    assert set(ours["profile_examples"]) == {"DEFAULT", "US", "ISO"}
    assert ours["required_params"] == []
    for action in ("get_current_date", "format_date"):
        entry = ours["actions"][action]
        assert entry["description"] and entry["parameters"] and entry["examples"]


def test_works_with_default_profile_and_no_env() -> None:
    tool = DateTool()
    assert tool.profile == "DEFAULT"
    assert tool.config == {"default_format": "%d/%m/%Y", "timezone": "Europe/Paris", "locale": "fr_FR"}
    assert tool.authenticate()
    assert tool.get_available_actions() == ["calculate_date", "get_current_date", "format_date"]
    assert isinstance(tool, BaseTool)


@pytest.mark.parametrize("params, iso, description", [
    ({}, "2025-01-15", "today"),
    ({"days": 1}, "2025-01-16", "tomorrow"),
    ({"days": -1}, "2025-01-14", "yesterday"),
    ({"days": 2}, "2025-01-17", "in 2 days"),
    ({"days": -3}, "2025-01-12", "3 days ago"),
    ({"days": 10}, "2025-01-25", "in 10 days"),
    ({"weeks": 1}, "2025-01-22", "in 1 week"),
    ({"weeks": -1}, "2025-01-08", "1 week ago"),
    ({"days": 3, "weeks": 2}, "2025-02-01", "in 2 weeks and 3 days"),
    ({"days": -2, "weeks": 1}, "2025-01-20", "in 5 days"),
    ({"days": "4"}, "2025-01-19", "in 4 days"),
])
def test_calculate_date_offsets(params: dict[str, Any], iso: str, description: str) -> None:
    data = calc(params)
    assert (data["iso"], data["description"]) == (iso, description)
    assert data["today"] == "2025-01-15"


def test_calculate_date_shape_and_default_format() -> None:
    data = calc({"days": 1})
    assert data["date"] == "16/01/2025"
    assert data["weekday"] == "Thursday" and data["weekday_number"] == 3
    assert data["weekday_localized"] == "Jeudi"
    assert data["days_from_today"] == 1 and data["timezone"] == "Europe/Paris"
    assert data["format"] == "%d/%m/%Y"


def test_calculate_date_custom_format() -> None:
    assert calc({"days": 7, "format": "%Y-%m-%d"})["date"] == "2025-01-22"


@pytest.mark.parametrize("weekday, iso", [
    (0, "2025-01-20"), (2, "2025-01-22"), (4, "2025-01-17"), (6, "2025-01-19"),
    ("lundi", "2025-01-20"), ("Friday", "2025-01-17"), ("sam", "2025-01-18"), ("1", "2025-01-21"),
])
def test_next_weekday_is_strictly_after_today(weekday: Any, iso: str) -> None:
    data = calc({"weekday": weekday})
    assert data["iso"] == iso
    assert data["description"].startswith("next ")


def test_next_monday_on_a_monday_is_in_seven_days() -> None:
    data = calc({"weekday": 0}, now=MONDAY)
    assert data["iso"] == "2025-01-06"
    assert data["description"] == "next Monday" and data["days_from_today"] == 7


def test_days_and_weeks_win_over_weekday() -> None:
    assert calc({"days": 1, "weekday": 0})["iso"] == "2025-01-16"
    assert calc({"weeks": 1, "weekday": 4})["iso"] == "2025-01-22"
    assert calc({"days": 0, "weekday": 4})["iso"] == "2025-01-17"  # a zero offset does not count


def test_today_is_taken_in_the_profile_timezone() -> None:
    late = datetime(2024, 12, 31, 23, 30, tzinfo=timezone.utc)
    assert calc({}, now=late)["iso"] == "2025-01-01"  # already New Year in Paris
    assert calc({"timezone": "America/New_York"}, now=late)["iso"] == "2024-12-31"
    assert calc({}, now=late, config={"timezone": "UTC"})["iso"] == "2024-12-31"


def test_naive_clock_means_profile_local_time() -> None:
    assert calc({}, now=datetime(2025, 1, 15, 23, 59))["iso"] == "2025-01-15"


def test_profile_from_env_file(empty_workspace: Path) -> None:
    (empty_workspace / "config").mkdir()
    (empty_workspace / "config" / ".env").write_text(
        "DATE_US_DEFAULT_FORMAT=%m/%d/%Y\nDATE_US_TIMEZONE=America/New_York\nDATE_US_LOCALE=en_US\n",
        encoding="utf-8")
    tool = make(profile="US")
    assert tool.sources["default_format"] == "config/.env"
    data = tool.execute("calculate_date", {"days": 1})["data"]
    assert data["date"] == "01/16/2025" and data["weekday_localized"] == "Thursday"


@pytest.mark.parametrize("params, fragment", [
    ({"days": "abc"}, "days must be an integer"),
    ({"weeks": 1.5}, "weeks must be an integer"),
    ({"days": True}, "days must be an integer"),
    ({"weekday": 7}, "weekday must be 0 (Monday) to 6 (Sunday)"),
    ({"weekday": "someday"}, "weekday must be"),
    ({"days": 10**9}, "date out of range"),
    ({"timezone": "Mars/Olympus"}, "unknown timezone"),
    ({"format": 12}, "format must be a strftime string"),
])
def test_calculate_date_bad_input_is_an_error_result(params: dict[str, Any], fragment: str) -> None:
    assert fragment in error_of(make().execute("calculate_date", params))


def test_get_current_date() -> None:
    data = make().execute("get_current_date")["data"]
    assert data["date"] == "15/01/2025" and data["time"] == "11:00:00"
    assert data["iso"] == "2025-01-15T11:00:00+01:00"
    assert data["weekday"] == "Wednesday"
    assert data["timestamp"] == int(WEDNESDAY.timestamp())
    utc = make().execute("get_current_date", {"format": "%Y-%m-%d", "timezone": "UTC"})["data"]
    assert (utc["date"], utc["time"], utc["timezone"]) == ("2025-01-15", "10:00:00", "UTC")


@pytest.mark.parametrize("params, date, iso", [
    ({"date": "2024-12-31"}, "31/12/2024", "2024-12-31"),
    ({"date": "2024-12-31T14:30:00Z", "format": "%H:%M %d/%m"}, "14:30 31/12", "2024-12-31T14:30:00+00:00"),
    ({"date": "12/31/2024", "input_format": "%m/%d/%Y", "format": "%Y-%m-%d"}, "2024-12-31", "2024-12-31"),
    ({"date": "31.12.2024 08:05", "input_format": "%d.%m.%Y %H:%M", "format": "%H:%M"}, "08:05",
     "2024-12-31T08:05:00"),
    ({"date": "2024-12-31", "format": "%A %d %B %Y"}, "Mardi 31 Décembre 2024", "2024-12-31"),
    ({"date": "2024-12-31", "format": "%d %b %Y"}, "31 Déc 2024", "2024-12-31"),
    ({"date": "2024-12-31", "format": "%%A %a"}, "%A Mar", "2024-12-31"),
])
def test_format_date(params: dict[str, Any], date: str, iso: str) -> None:
    data = make().execute("format_date", params)["data"]
    assert (data["date"], data["iso"]) == (date, iso)


def test_format_date_english_locale() -> None:
    tool = make(config={"locale": "en_US"})
    data = tool.execute("format_date", {"date": "2024-12-31", "format": "%A %d %B %Y"})["data"]
    assert data["date"] == "Tuesday 31 December 2024"


@pytest.mark.parametrize("params, fragment", [
    ({}, "date is required"),
    ({"date": "   "}, "date is required"),
    ({"date": "31/12/2024"}, "not an ISO 8601 date"),
    ({"date": "2024-12-31", "input_format": "%d/%m/%Y"}, "does not match input_format"),
    ({"date": 20241231}, "date must be a string"),
])
def test_format_date_bad_input(params: dict[str, Any], fragment: str) -> None:
    assert fragment in error_of(make().execute("format_date", params))


def test_unknown_action() -> None:
    assert "available: calculate_date, get_current_date, format_date" in error_of(make().execute("explode"))


def test_class_level_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    fixed: Callable[[], datetime] = lambda: MONDAY  # noqa: E731
    monkeypatch.setattr(DateTool, "clock", staticmethod(fixed))
    assert DateTool().execute("calculate_date")["data"]["iso"] == "2024-12-30"


def test_loadable_by_module_name() -> None:
    assert load_tool_class("flowdesk.tools.date.main") is DateTool
    assert load_tool_class("flowdesk.tools.date.main", "DateTool") is DateTool
