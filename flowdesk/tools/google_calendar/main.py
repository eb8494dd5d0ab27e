"""Built-in ``google_calendar`` tool (the seed's ``calendar``): events over the Calendar REST API v3.

Times without a UTC offset are in the profile's ``timezone`` (or the action's
``timezone`` parameter); a bare date (``2024-07-01``) makes an all-day event.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flowdesk.tools.base import BaseTool, ToolParamError
from flowdesk.tools.google_api import GoogleApiMixin, api_action

WRITE_SCOPE = "https://www.googleapis.com/auth/calendar"
# events.list returns at most maxResults events a page (Google's default and our page size: 250;
# its ceiling is 2500) and may return fewer, with nextPageToken set while more remain. A larger
# count is gathered over several pages; MAX_COUNT only stops a runaway loop.
PAGE_SIZE = 250
MAX_COUNT = 2500
MAX_PAGES = 100  # Google may send short or even empty pages with a token; stop there (next_page_token says so)


def _text(params: dict[str, Any], name: str, required: bool = False) -> str | None:
    value = params.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ToolParamError(f"{name} is required")
        return None
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise ToolParamError(f"{name} must be text, got {type(value).__name__}")
    return str(value).strip()


def _count(params: dict[str, Any]) -> int:
    """``count`` (or ``max_results``): default 10, clamped to 1..MAX_COUNT as the seed let Google do."""
    value = params.get("count", params.get("max_results"))
    if value in (None, ""):
        return 10
    try:
        if isinstance(value, bool):
            raise ValueError
        count = int(value)
        if isinstance(value, float) and not value.is_integer():
            raise ValueError
    except (TypeError, ValueError):
        raise ToolParamError(f"count must be an integer, got {value!r}") from None
    return max(1, min(MAX_COUNT, count))


def _attendees(value: Any) -> list[dict[str, str]]:
    if value in (None, "", []):
        return []
    items = [v.strip() for v in value.split(",")] if isinstance(value, str) else value
    if not isinstance(items, list):
        raise ToolParamError("attendees must be a list of e-mail addresses")
    out = []
    for item in items:
        email = item.get("email") if isinstance(item, dict) else item
        if not isinstance(email, str) or "@" not in email:
            raise ToolParamError(f"attendees: {item!r} is not an e-mail address")
        out.append({"email": email.strip()})
    return out


def parse_when(value: str, name: str) -> date | datetime:
    """An ISO 8601 date or date-time (``Z`` accepted); ToolParamError naming ``name`` otherwise."""
    text = value.strip()
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        return datetime.fromisoformat(text)
    except ValueError:
        raise ToolParamError(f"{name} must be an ISO date-time such as 2024-07-01T10:00:00, got {value!r}") from None


def simplify_event(event: dict[str, Any]) -> dict[str, Any]:
    """The fields workflows use, flat; ``raw`` keeps Google's whole event."""
    start, end = event.get("start") or {}, event.get("end") or {}
    return {
        "id": event.get("id"),
        "summary": event.get("summary"),
        "description": event.get("description"),
        "location": event.get("location"),
        "start": start.get("dateTime") or start.get("date"),
        "end": end.get("dateTime") or end.get("date"),
        "all_day": "date" in start and "dateTime" not in start,
        "timezone": start.get("timeZone"),
        "attendees": [a.get("email") for a in event.get("attendees") or [] if isinstance(a, dict)],
        "status": event.get("status"),
        "html_link": event.get("htmlLink"),
        "organizer": (event.get("organizer") or {}).get("email"),
        "created": event.get("created"),
        "updated": event.get("updated"),
        "raw": event,
    }


class CalendarTool(GoogleApiMixin, BaseTool):
    """Google Calendar: list_events, create_event, update_event, delete_event."""

    tool_name = "google_calendar"
    default_base_url = "https://www.googleapis.com/calendar/v3"
    api_name = "Google Calendar API"
    service = "calendar"

    # -- helpers ----------------------------------------------------------------------

    def _calendar(self, params: dict[str, Any]) -> str:
        return _text(params, "calendar_id") or str(self.get_config_value("calendar_id", "primary"))

    def _zone(self, params: dict[str, Any]) -> str:
        name = _text(params, "timezone") or str(self.get_config_value("timezone", "UTC"))
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ToolParamError(f"unknown timezone {name!r} (use an IANA name such as Europe/Paris)") from None
        return name

    def _events_path(self, calendar_id: str, event_id: str | None = None) -> str:
        path = f"/calendars/{quote(calendar_id, safe='')}/events"
        return f"{path}/{quote(event_id, safe='')}" if event_id else path

    def _rfc3339(self, value: str, name: str, zone: str) -> str:
        when = parse_when(value, name)
        if not isinstance(when, datetime):
            when = datetime(when.year, when.month, when.day)
        if when.tzinfo is None:
            when = when.replace(tzinfo=ZoneInfo(zone))
        return when.isoformat()

    def _event_times(self, params: dict[str, Any], zone: str, required: bool) -> dict[str, Any]:
        start_text, end_text = _text(params, "start_time", required), _text(params, "end_time", required)
        start = parse_when(start_text, "start_time") if start_text else None
        end = parse_when(end_text, "end_time") if end_text else None
        if start is not None and end is not None:
            if isinstance(start, datetime) != isinstance(end, datetime):
                raise ToolParamError("start_time and end_time must both be dates or both be date-times")
            if not isinstance(start, datetime) and end == start:
                end = start + timedelta(days=1)  # Google's all-day end date is exclusive
            comparable = not isinstance(start, datetime) or (start.tzinfo is None) == (end.tzinfo is None)
            if comparable and end <= start:  # type: ignore[operator]
                raise ToolParamError(f"end_time ({end_text}) must be after start_time ({start_text})")
        body: dict[str, Any] = {}
        for key, when in (("start", start), ("end", end)):
            if isinstance(when, datetime):
                body[key] = {"dateTime": when.isoformat(), "timeZone": zone}
            elif when is not None:
                body[key] = {"date": when.isoformat()}
        return body

    def _event_fields(self, params: dict[str, Any], required: bool) -> dict[str, Any]:
        zone = self._zone(params)
        body = self._event_times(params, zone, required)
        summary = _text(params, "summary", required)
        if summary is not None:
            body["summary"] = summary
        for name in ("description", "location"):
            if params.get(name) is not None:
                body[name] = str(params[name])
        if "attendees" in params and params["attendees"] is not None:
            body["attendees"] = _attendees(params["attendees"])
        return body

    def _require_write(self, action: str) -> None:
        if not self.has_scope(WRITE_SCOPE):
            raise ToolParamError(
                f"{action} needs the {WRITE_SCOPE} scope but the token of {self.tool_name} (profile {self.profile}) "
                "is read-only; set GOOGLE_CALENDAR_" f"{self.profile}_SCOPES_READ_ONLY=false and reconnect")

    # -- actions ----------------------------------------------------------------------

    @api_action
    def _list_events(self, params: dict[str, Any]) -> dict[str, Any]:
        """Upcoming events (``count``, paged through), from ``time_min`` (default now) to ``time_max``."""
        calendar_id, count, zone = self._calendar(params), _count(params), self._zone(params)
        query: dict[str, Any] = {"singleEvents": "true", "orderBy": "startTime"}
        time_min, time_max = _text(params, "time_min"), _text(params, "time_max")
        query["timeMin"] = self._rfc3339(time_min, "time_min", zone) if time_min else \
            datetime.now(timezone.utc).isoformat(timespec="seconds")
        if time_max:
            query["timeMax"] = self._rfc3339(time_max, "time_max", zone)
        text = _text(params, "query") or _text(params, "q")
        if text:
            query["q"] = text
        page_token = _text(params, "page_token")
        events: list[dict[str, Any]] = []
        for _ in range(MAX_PAGES):
            page_query = {**query, "maxResults": min(PAGE_SIZE, count - len(events))}
            if page_token:
                page_query["pageToken"] = page_token
            data = self.api_request("GET", self._events_path(calendar_id), params=page_query,
                                    not_found=f"calendar {calendar_id!r} not found") or {}
            events.extend(simplify_event(e) for e in data.get("items") or [])
            page_token = data.get("nextPageToken")
            if not page_token or len(events) >= count:
                break  # an empty page with a token is not the end: Google documents those
        events = events[:count]
        return self.success({"events": events, "count": len(events), "calendar_id": calendar_id,
                             "next_page_token": page_token},
                            message=f"{len(events)} event(s) in calendar {calendar_id}")

    @api_action
    def _create_event(self, params: dict[str, Any]) -> dict[str, Any]:
        """A new event from summary, start_time, end_time (+ description, location, attendees)."""
        body = self._event_fields(params, required=True)
        self._require_write("create_event")
        calendar_id = self._calendar(params)
        event = self.api_request("POST", self._events_path(calendar_id), json_body=body,
                                 not_found=f"calendar {calendar_id!r} not found")
        simple = simplify_event(event or {})
        return self.success({"event": simple, "event_id": simple["id"], "html_link": simple["html_link"],
                             "calendar_id": calendar_id}, message=f"Event created: {simple['summary']}")

    @api_action
    def _update_event(self, params: dict[str, Any]) -> dict[str, Any]:
        """Change the given fields of ``event_id`` (PATCH: other fields are kept)."""
        event_id = _text(params, "event_id", required=True)
        assert event_id is not None
        body = self._event_fields(params, required=False)
        if not body:
            raise ToolParamError("update_event: give at least one of summary, start_time, end_time, "
                                 "description, location, attendees")
        self._require_write("update_event")
        calendar_id = self._calendar(params)
        event = self.api_request("PATCH", self._events_path(calendar_id, event_id), json_body=body,
                                 not_found=f"event {event_id!r} not found in calendar {calendar_id!r}")
        simple = simplify_event(event or {})
        return self.success({"event": simple, "event_id": event_id, "calendar_id": calendar_id,
                             "updated_fields": sorted(body)}, message=f"Event updated: {simple['summary']}")

    @api_action
    def _delete_event(self, params: dict[str, Any]) -> dict[str, Any]:
        """Delete ``event_id``."""
        event_id = _text(params, "event_id", required=True)
        assert event_id is not None
        self._require_write("delete_event")
        calendar_id = self._calendar(params)
        self.api_request("DELETE", self._events_path(calendar_id, event_id),
                         not_found=f"event {event_id!r} not found in calendar {calendar_id!r}")
        return self.success({"event_id": event_id, "calendar_id": calendar_id, "deleted": True},
                            message=f"Event {event_id} deleted")
