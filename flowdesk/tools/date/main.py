"""Built-in ``date`` tool: the seed's Date Calculator (relative dates, current date, formatting).

Rules of ``calculate_date``:
* ``days`` and ``weeks`` add up (both may be negative); when their sum is not zero they
  win over ``weekday``.
* ``weekday`` (0=Monday ... 6=Sunday, or a name: ``monday``, ``lundi``) gives the next
  such day strictly after today: asking for Monday on a Monday gives the Monday in 7
  days, as the seed's "prochain lundi".
* "today" is the date in the profile's ``timezone`` (or the ``timezone`` param).

"Now" comes from ``DateTool.clock`` (a callable returning a datetime; naive means in
the profile's timezone) so tests and callers can pin it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flowdesk.tools.base import BaseTool, ToolParamError
from flowdesk.tools.date.wording import (
    WEEKDAYS_EN,
    describe_offset,
    localized_strftime,
    parse_weekday_name,
    weekday_name,
)

_TIME_DIRECTIVES = re.compile(r"%[HIMSfpXcTRzZ]")
_SEED_DEFAULTS = {"default_format": "%d/%m/%Y", "timezone": "Europe/Paris", "locale": "fr_FR"}


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


def int_param(params: dict[str, Any], name: str, default: int = 0) -> int:
    """An integer parameter; numeric strings and whole floats are accepted."""
    value = params.get(name)
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        raise ToolParamError(f"{name} must be an integer, got {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            pass
    raise ToolParamError(f"{name} must be an integer, got {value!r}")


def weekday_param(value: Any) -> int | None:
    """0-6 from a number, a numeric string or a weekday name; ``None`` when not given."""
    if value is None or value == "":
        return None
    number: int | None
    if isinstance(value, str) and not value.strip().lstrip("-").isdigit():
        number = parse_weekday_name(value)
    else:
        number = int_param({"weekday": value}, "weekday")
    if number is None or not 0 <= number <= 6:
        raise ToolParamError(f"weekday must be 0 (Monday) to 6 (Sunday) or a day name, got {value!r}")
    return number


class DateTool(BaseTool):
    """Relative dates, the current date and date formatting, in the profile's timezone and format."""

    tool_name = "date"
    clock: Callable[[], datetime] = staticmethod(_utc_now)

    # -- profile values ---------------------------------------------------------------

    def _timezone(self, params: dict[str, Any]) -> tzinfo:
        name = params.get("timezone") or self.get_config_value("timezone", _SEED_DEFAULTS["timezone"])
        try:
            return ZoneInfo(str(name))
        except (ZoneInfoNotFoundError, ValueError):
            raise ToolParamError(f"unknown timezone {name!r} (use an IANA name such as Europe/Paris)") from None

    def _format(self, params: dict[str, Any]) -> str:
        fmt = params.get("format") or self.get_config_value("default_format", _SEED_DEFAULTS["default_format"])
        if not isinstance(fmt, str):
            raise ToolParamError(f"format must be a strftime string, got {fmt!r}")
        return fmt

    @property
    def locale(self) -> str:
        """The profile's locale (``fr_FR``, ``en_US``...), used for day and month names."""
        return str(self.get_config_value("locale", _SEED_DEFAULTS["locale"]))

    def now(self, tz: tzinfo) -> datetime:
        """The current time in ``tz``, from ``clock``."""
        current = self.clock()
        return current.replace(tzinfo=tz) if current.tzinfo is None else current.astimezone(tz)

    def _describe(self, value: date | datetime, fmt: str) -> dict[str, Any]:
        day = value.date() if isinstance(value, datetime) else value
        return {
            "date": localized_strftime(value, fmt, self.locale),
            "weekday": WEEKDAYS_EN[day.weekday()],
            "weekday_number": day.weekday(),
            "weekday_localized": weekday_name(day, self.locale),
            "format": fmt,
        }

    # -- actions ----------------------------------------------------------------------

    def action_calculate_date(self, params: dict[str, Any]) -> dict[str, Any]:
        """A date relative to today from ``days``/``weeks`` or the next ``weekday``."""
        tz = self._timezone(params)
        fmt = self._format(params)
        days, weeks = int_param(params, "days"), int_param(params, "weeks")
        weekday = weekday_param(params.get("weekday"))
        today = self.now(tz).date()
        if days + 7 * weeks != 0 or weekday is None:
            offset = days + 7 * weeks
            description = describe_offset(days, weeks)
        else:
            offset = (weekday - today.weekday()) % 7 or 7
            description = f"next {WEEKDAYS_EN[weekday]}"
        try:
            target = today + timedelta(days=offset)
        except OverflowError:
            raise ToolParamError(f"date out of range: {offset} days from {today.isoformat()}") from None
        data = {
            **self._describe(target, fmt),
            "iso": target.isoformat(),
            "description": description,
            "days_from_today": offset,
            "today": today.isoformat(),
            "timezone": str(tz),
        }
        return self.success(data, message=f"{description}: {data['date']}")

    def action_get_current_date(self, params: dict[str, Any]) -> dict[str, Any]:
        """The current date and time in the profile's (or the given) timezone."""
        tz = self._timezone(params)
        fmt = self._format(params)
        current = self.now(tz)
        data = {
            **self._describe(current, fmt),
            "time": current.strftime("%H:%M:%S"),
            "iso": current.isoformat(timespec="seconds"),
            "timestamp": int(current.timestamp()),
            "timezone": str(tz),
        }
        return self.success(data)

    def action_format_date(self, params: dict[str, Any]) -> dict[str, Any]:
        """Re-format ``date`` (ISO 8601, or ``input_format``) with ``format``."""
        fmt = self._format(params)
        parsed = self._parse_date(params.get("date"), params.get("input_format"))
        data = {**self._describe(parsed, fmt), "iso": parsed.isoformat(), "input": str(params.get("date"))}
        return self.success(data)

    @staticmethod
    def _parse_date(value: Any, input_format: Any) -> date | datetime:
        if isinstance(value, (date, datetime)):
            return value
        if value is None or (isinstance(value, str) and not value.strip()):
            raise ToolParamError("date is required (for example 2024-12-31)")
        if not isinstance(value, str):
            raise ToolParamError(f"date must be a string such as 2024-12-31, got {value!r}")
        text = value.strip()
        if input_format:
            try:
                parsed = datetime.strptime(text, str(input_format))
            except ValueError as exc:
                raise ToolParamError(f"date {value!r} does not match input_format {input_format!r}: {exc}") from None
            # A format without time fields describes a day; answer with a date, as for ISO input.
            return parsed if _TIME_DIRECTIVES.search(str(input_format)) else parsed.date()
        for parse in (date.fromisoformat, datetime.fromisoformat):
            try:
                return parse(text)
            except ValueError:
                continue
        raise ToolParamError(f"date {value!r} is not an ISO 8601 date; give input_format to parse other formats")
