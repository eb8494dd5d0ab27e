"""JSON error bodies with the right status for every refusal, from one middleware."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from flowdesk.core.listener.app_keys import MAX_BODY

from flowdesk.core.errors import (
    ConfigError,
    ConfigErrors,
    InputValidationError,
    NotFound,
    QueueFull,
    StoreUnavailable,
    TriggerNotAllowed,
    WorkflowBroken,
    WorkflowInactive,
)
from flowdesk.core.json_limits import JsonLimitError
from flowdesk.core.request_refusals import INVALID_JSON_BODY

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

STATUS_OF: list[tuple[type[Exception], int]] = [
    (NotFound, 404),
    (InputValidationError, 422),
    (TriggerNotAllowed, 403),
    (WorkflowInactive, 403),
    (WorkflowBroken, 409),
    (ConfigErrors, 422),
    (ConfigError, 422),
    (StoreUnavailable, 503),  # the run database is down (PostgreSQL): retry shortly, before QueueFull's 429
    (QueueFull, 429),
    (JsonLimitError, 400),
]


def json_error(status: int, message: str, **extra: Any) -> web.Response:
    """``{"error": message, ...}`` with ``status``."""
    headers = {"Retry-After": "1"} if status in (429, 503) else None
    return web.json_response({"error": message, **extra}, status=status, headers=headers)


class BadRequest(Exception):
    """A request whose body or parameters cannot be read (400)."""

    status = 400


class PayloadTooLarge(BadRequest):
    """A body over the route's size limit (413)."""

    status = 413


class RequestTimeout(BadRequest):
    """A body that did not arrive in time (408)."""

    status = 408


def _for_exception(exc: Exception) -> web.Response | None:
    if isinstance(exc, BadRequest):
        response = json_error(exc.status, str(exc))
        if exc.status != 400:
            response.force_close()  # the rest of the body is still on the wire: do not read it as a request
        return response
    if isinstance(exc, json.JSONDecodeError):
        return json_error(400, INVALID_JSON_BODY(line=exc.lineno, column=exc.colno, reason=exc.msg))
    for kind, status in STATUS_OF:
        if isinstance(exc, kind):
            extra: dict[str, Any] = {}
            if isinstance(exc, InputValidationError):
                extra["fields"] = exc.errors
            if isinstance(exc, QueueFull) and "stopping" in str(exc):
                status = 503
            return json_error(status, str(exc), **extra)
    return None


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Turn core exceptions and aiohttp's own HTTP errors into JSON; never leak a traceback."""
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400 or exc.content_type == "application/json":
            raise
        reason = exc.text if exc.text and not exc.text.startswith(f"{exc.status}:") else exc.reason
        if exc.status == 413:
            reason = f"request body too large (limit {request.app[MAX_BODY]} bytes)"
        return json_error(exc.status, reason or "error", path=request.path)
    except ConnectionError:
        if request.transport is None or request.transport.is_closing():
            raise  # the client went away: aiohttp drops the answer, the client-error log filter notes it in one line
        log.exception("unhandled error on %s %s", request.method, request.path)  # ours, e.g. a worker's pipe
        return json_error(500, "internal error: lost a connection while answering")
    except Exception as exc:  # noqa: BLE001 - every refusal becomes a JSON answer
        response = _for_exception(exc)
        if response is not None:
            return response
        log.exception("unhandled error on %s %s", request.method, request.path)
        return json_error(500, f"internal error: {type(exc).__name__}: {exc}")
