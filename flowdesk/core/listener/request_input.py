"""Read run input from a request: JSON body (or ``{"data": ...}``), form body and URL parameters, within limits."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web
from aiohttp.web_protocol import RequestPayloadError
from multidict import MultiDictProxy

from flowdesk.core.json_limits import JsonLimitError, loads_limited
from flowdesk.core.listener.app_keys import LIMITS, MAX_BODY
from flowdesk.core.listener.http_errors import BadRequest, PayloadTooLarge, RequestTimeout
from flowdesk.core.listener.limits import DEFAULT_BODY_TIMEOUT, DEFAULT_MAX_FORM_FIELDS

CONTROL_PARAMS = {"wait"}  # our own query parameters, never passed to the workflow
OFF_LOOP_BYTES = 64 * 1024  # bodies larger than this are parsed in a thread, away from the event loop
MAX_PARAM_DIGITS = 18  # a clamped whole-number query parameter never needs more


def query_data(query: MultiDictProxy[str]) -> dict[str, Any]:
    """URL parameters as input; a repeated key becomes a list."""
    return _grouped((k, v) for k, v in query.items() if k not in CONTROL_PARAMS)


def _grouped(pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """Pairs as a dict in one pass; a key given twice or more maps to the list of its values."""
    out: dict[str, Any] = {}
    repeated: dict[str, list[str]] = {}
    for key, value in pairs:
        if key in repeated:
            repeated[key].append(value)
        elif key in out:
            repeated[key] = out[key] = [out[key], value]
        else:
            out[key] = value
    return out


def parse_body(raw: bytes, content_type: str, *, max_fields: int = DEFAULT_MAX_FORM_FIELDS) -> dict[str, Any]:
    """A JSON object, a form, or nothing; anything else (or too many fields, too deep, too long a number) is a 400."""
    if not raw.strip():
        return {}
    if content_type == "application/x-www-form-urlencoded":
        try:
            pairs = parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True, max_num_fields=max_fields)
        except ValueError:  # parse_qsl counts the separators before it parses anything
            raise BadRequest(f"form body has more than {max_fields} fields (the limit)") from None
        return _grouped(pairs)
    try:
        data = loads_limited(raw)
    except JsonLimitError as exc:
        raise BadRequest(f"invalid JSON body: {exc}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        message = f"line {exc.lineno} column {exc.colno}: {exc.msg}" if isinstance(exc, json.JSONDecodeError) else str(exc)
        raise BadRequest(f"invalid JSON body: {message}") from None
    if not isinstance(data, dict):
        raise BadRequest("the JSON body must be an object")
    return data


async def parse_request_body(request: web.Request, raw: bytes) -> dict[str, Any]:
    """``parse_body`` with the app's field limit, in a worker thread when the body is over 64 KiB."""
    limits = request.app.get(LIMITS)
    max_fields = limits.max_form_fields if limits else DEFAULT_MAX_FORM_FIELDS
    if len(raw) <= OFF_LOOP_BYTES:  # small bodies parse in microseconds: a thread hop would cost more
        return parse_body(raw, request.content_type, max_fields=max_fields)
    return await asyncio.to_thread(parse_body, raw, request.content_type, max_fields=max_fields)


def unwrap_data(body: dict[str, Any], field_names: set[str]) -> dict[str, Any]:
    """The seed accepts ``{"data": {...}}`` or the data itself; ``data`` as a real input field stays as is."""
    if set(body) == {"data"} and isinstance(body["data"], dict) and "data" not in field_names:
        return body["data"]
    return body


async def read_body_limited(request: web.Request, limit: int, timeout: float) -> bytes:
    """The raw body, at most ``limit`` bytes and all of it within ``timeout`` seconds (413 / 408 otherwise)."""
    if not request.can_read_body:
        return b""
    declared = request.content_length
    if declared is not None and declared > limit:
        raise PayloadTooLarge(f"request body too large: {declared} bytes declared (limit {limit} bytes)")
    chunks: list[bytes] = []
    size = 0
    try:
        async with asyncio.timeout(timeout):
            while chunk := await request.content.readany():
                size += len(chunk)
                if size > limit:
                    raise PayloadTooLarge(f"request body too large (limit {limit} bytes)")
                chunks.append(chunk)
    except TimeoutError:
        raise RequestTimeout(f"request body not received within {timeout:g} s ({size} bytes arrived)") from None
    except RequestPayloadError as exc:  # broken chunked encoding, bad compression...
        raise BadRequest(f"request body could not be read: {exc}") from None
    return b"".join(chunks)


async def read_body(request: web.Request) -> bytes:
    """The raw body, limited to the app's MAX_BODY and its body timeout."""
    limits = request.app.get(LIMITS)
    return await read_body_limited(request, request.app[MAX_BODY], limits.body_timeout if limits else DEFAULT_BODY_TIMEOUT)


def int_param(request: web.Request, name: str, default: int, low: int, high: int) -> int:
    """A whole-number query parameter clamped to [low, high]; a non-number is a 400."""
    value = request.query.get(name)
    if value is None or value == "":
        return default
    if len(value.strip()) > MAX_PARAM_DIGITS:
        raise BadRequest(f"query parameter {name}: number too long ({len(value)} characters)")
    try:
        return max(low, min(high, int(value)))
    except ValueError:
        raise BadRequest(f"query parameter {name}: not a whole number: {value[:40]!r}") from None


def choice_param(request: web.Request, name: str, allowed: Iterable[str]) -> str | None:
    """A query parameter that must be one of ``allowed`` (None when absent or empty); anything else is a 400."""
    value = request.query.get(name)
    if not value:
        return None
    choices = sorted(allowed)
    if value not in choices:
        raise BadRequest(f"query parameter {name}: unknown value {value[:40]!r} (expected one of {', '.join(choices)})")
    return value
