"""Reading action parameters leniently (workflows pass strings from forms) and failing with ToolParamError."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta, timezone
from typing import Any

from flowdesk.tools.base import ToolParamError

_TRUE = {"1", "true", "yes", "on", "y", "oui"}
_FALSE = {"0", "false", "no", "off", "n", "non", ""}


def first_present(params: Mapping[str, Any], *names: str) -> Any:
    """The value of the first of ``names`` that is set (not ``None`` nor empty string)."""
    for name in names:
        value = params.get(name)
        if value is not None and value != "":
            return value
    return None


def require_str(params: Mapping[str, Any], *names: str) -> str:
    """A required text parameter, accepted under any of ``names`` (the seed used several spellings)."""
    value = first_present(params, *names)
    if value is None or (isinstance(value, str) and not value.strip()):
        spelled = " or ".join(names)
        raise ToolParamError(f"{spelled} is required")
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise ToolParamError(f"{names[0]} must be text, got {type(value).__name__}")
    return str(value).strip()


def optional_str(params: Mapping[str, Any], *names: str, default: str | None = None) -> str | None:
    """An optional text parameter (``default`` when unset)."""
    value = first_present(params, *names)
    if value is None:
        return default
    if isinstance(value, (dict, list)):
        raise ToolParamError(f"{names[0]} must be text, got {type(value).__name__}")
    return str(value).strip()


def int_in_range(params: Mapping[str, Any], name: str, default: int, low: int, high: int) -> int:
    """An integer parameter clamped to ``[low, high]``; numeric strings accepted, junk refused."""
    value = params.get(name)
    if value is None or value == "":
        number = default
    elif isinstance(value, bool):
        raise ToolParamError(f"{name} must be an integer, got {value!r}")
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    else:
        try:
            number = int(str(value).strip())
        except ValueError:
            raise ToolParamError(f"{name} must be an integer, got {value!r}") from None
    return max(low, min(high, number))


def bool_param(params: Mapping[str, Any], name: str, default: bool = False) -> bool:
    """A boolean parameter; ``"true"``/``"false"``/``1``/``0`` strings accepted."""
    value = params.get(name)
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return bool(value)
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ToolParamError(f"{name} must be true or false, got {value!r}")


def str_list(value: Any, name: str) -> list[str]:
    """A list of strings from a list, a JSON list string, or a comma/semicolon separated string."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                value = json.loads(text)
            except ValueError:
                raise ToolParamError(f"{name}: invalid JSON list {text[:60]!r}") from None
        else:
            return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]
    if isinstance(value, Sequence) and not isinstance(value, (str, bytes)):
        out = []
        for item in value:
            if not isinstance(item, (str, int)) or isinstance(item, bool):
                raise ToolParamError(f"{name} must be a list of strings, got an item {item!r}")
            if str(item).strip():
                out.append(str(item).strip())
        return out
    raise ToolParamError(f"{name} must be a list or a comma-separated string, got {type(value).__name__}")


def json_value(value: Any, name: str, kind: type | tuple[type, ...]) -> Any:
    """``value`` itself, or parsed from a JSON string, checked to be of ``kind`` (dict or list)."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise ToolParamError(f"{name} must be JSON, got {value[:60]!r}") from None
    if not isinstance(value, kind):
        expected = " or ".join(k.__name__ for k in (kind if isinstance(kind, tuple) else (kind,)))
        raise ToolParamError(f"{name} must be a {expected}, got {type(value).__name__}")
    return value


def config_number(value: Any, name: str, default: float) -> float:
    """A numeric profile value such as ``timeout`` (a string from ``config/.env`` is accepted)."""
    if value is None or value == "":
        return default
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ToolParamError(f"{name} must be a number, got {value!r}") from None
    if number <= 0:
        raise ToolParamError(f"{name} must be positive, got {value!r}")
    return number


_UNITS = {
    "s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1, "seconde": 1, "secondes": 1,
    "m": 60, "min": 60, "mins": 60, "minute": 60, "minutes": 60,
    "h": 3600, "hr": 3600, "hrs": 3600, "hour": 3600, "hours": 3600, "heure": 3600, "heures": 3600,
    "d": 86400, "day": 86400, "days": 86400, "jour": 86400, "jours": 86400, "j": 86400,
    "w": 604800, "week": 604800, "weeks": 604800, "semaine": 604800, "semaines": 604800,
    "month": 2592000, "months": 2592000, "mois": 2592000,
    "y": 31536000, "year": 31536000, "years": 31536000, "an": 31536000, "ans": 31536000,
}
_RELATIVE = re.compile(r"^(\d+(?:\.\d+)?)\s*([a-z]+)(?:\s+ago)?$")


def time_param(value: Any, name: str, now: datetime | None = None) -> datetime | None:
    """An aware UTC datetime from ISO 8601 (``2024-07-01``, ``...T10:00:00Z``), a Unix timestamp,
    or a duration back from now (``7days``, ``24hours``, ``2 weeks``, ``30min``)."""
    if value is None or value == "":
        return None
    now = now or datetime.now(timezone.utc)
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc) if value.tzinfo else value.replace(tzinfo=timezone.utc)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, timezone.utc)
    text = str(value).strip().lower()
    if text in ("today", "aujourd'hui"):
        return now.replace(hour=0, minute=0, second=0, microsecond=0)
    if text in ("yesterday", "hier"):
        return now.replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=1)
    match = _RELATIVE.match(text)
    if match and match.group(2) in _UNITS:
        return now - timedelta(seconds=float(match.group(1)) * _UNITS[match.group(2)])
    if text.isdigit():
        return datetime.fromtimestamp(int(text), timezone.utc)
    try:
        parsed = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise ToolParamError(f"{name}: expected an ISO 8601 date or a duration such as 7days or 24hours, "
                             f"got {value!r}") from None
    return parsed.astimezone(timezone.utc) if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def rfc3339(moment: datetime) -> str:
    """``2024-07-01T10:00:00Z``: the RFC 3339 UTC form most REST APIs expect."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
