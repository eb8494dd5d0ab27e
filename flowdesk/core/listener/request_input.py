"""Read run input from a request: JSON body (or ``{"data": ...}``), form body and URL parameters."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web
from multidict import MultiDictProxy

from flowdesk.core.listener.http_errors import BadRequest

CONTROL_PARAMS = {"wait"}  # our own query parameters, never passed to the workflow


def query_data(query: MultiDictProxy[str]) -> dict[str, Any]:
    """URL parameters as input; a repeated key becomes a list."""
    out: dict[str, Any] = {}
    for key in query.keys():
        if key in CONTROL_PARAMS or key in out:
            continue
        values = query.getall(key)
        out[key] = values if len(values) > 1 else values[0]
    return out


def parse_body(raw: bytes, content_type: str) -> dict[str, Any]:
    """A JSON object, a form, or nothing; anything else is a 400."""
    if not raw.strip():
        return {}
    if content_type == "application/x-www-form-urlencoded":
        pairs = parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True)
        out: dict[str, Any] = {}
        for key, value in pairs:
            out[key] = [*out[key], value] if isinstance(out.get(key), list) else ([out[key], value] if key in out else value)
        return out
    try:
        data = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        message = f"line {exc.lineno} column {exc.colno}: {exc.msg}" if isinstance(exc, json.JSONDecodeError) else str(exc)
        raise BadRequest(f"invalid JSON body: {message}") from None
    if not isinstance(data, dict):
        raise BadRequest("the JSON body must be an object")
    return data


def unwrap_data(body: dict[str, Any], field_names: set[str]) -> dict[str, Any]:
    """The seed accepts ``{"data": {...}}`` or the data itself; ``data`` as a real input field stays as is."""
    if set(body) == {"data"} and isinstance(body["data"], dict) and "data" not in field_names:
        return body["data"]
    return body


async def read_body(request: web.Request) -> bytes:
    """The raw body (size-limited by the app's client_max_size)."""
    return await request.read() if request.can_read_body else b""


def int_param(request: web.Request, name: str, default: int, low: int, high: int) -> int:
    """A whole-number query parameter clamped to [low, high]; a non-number is a 400."""
    value = request.query.get(name)
    if value is None or value == "":
        return default
    try:
        return max(low, min(high, int(value)))
    except ValueError:
        raise BadRequest(f"query parameter {name}: not a whole number: {value!r}") from None
