"""Failures of a remote service (HTTP, SMTP, IMAP...) carried to a workflow as seed-shaped error results.

A tool action raises :class:`ApiError` from anywhere below it; :class:`ApiResultsMixin`
(listed before ``BaseTool`` in the tool's bases) turns it into
``{"status": "error", "error": ..., "message": ..., "code": ..., "http_status": ...,
"retry_after": ...}``. The mixin also reports *why* ``authenticate()`` failed (bad
token, service down) instead of BaseTool's generic "not authenticated".

Messages never contain request URLs or exception texts that could hold a secret
(the YouTube key travels in the query string); they name the service and the origin.
"""

from __future__ import annotations

import errno
import functools
import socket
import ssl
import time
from collections.abc import Callable
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

from flowdesk.tools.base import BaseTool


class ApiError(Exception):
    """A failed call to a service, with what a workflow needs to react (code, HTTP status, retry delay)."""

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None,
                 retry_after: float | None = None, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status
        self.retry_after = retry_after
        self.details = details or {}

    def to_result(self) -> dict[str, Any]:
        """The seed-shaped error result for this failure."""
        extra: dict[str, Any] = {}
        if self.code:
            extra["code"] = self.code
        if self.status is not None:
            extra["http_status"] = self.status
        if self.retry_after is not None:
            extra["retry_after"] = self.retry_after
        if self.details:
            extra["details"] = self.details
        return BaseTool.error(self.message, **extra)


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP date); ``None`` if absent or bad."""
    if not value:
        return None
    text = value.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, round(when.timestamp() - time.time(), 1))


def origin_of(url: str) -> str:
    """``scheme://host:port`` of ``url``: safe to show, unlike the full URL with its query string."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}" if parts.netloc else url


def _root_cause(exc: BaseException) -> BaseException:
    """The innermost cause or context of ``exc`` (requests and urllib wrap the socket error twice)."""
    seen: set[int] = set()
    current: BaseException = exc
    while id(current) not in seen:
        seen.add(id(current))
        inner = current.__cause__ or current.__context__
        reason = getattr(current, "reason", None)
        if isinstance(reason, BaseException):
            inner = reason
        if inner is None:
            break
        current = inner
    return current


def describe_network_error(exc: BaseException) -> tuple[str, str]:
    """``(code, human reason)`` for a connection-level failure, without echoing the exception text."""
    chain = [exc, _root_cause(exc)]
    text = " ".join(str(e) for e in chain)
    if any(isinstance(e, ConnectionRefusedError) for e in chain) or "Connection refused" in text \
            or any(getattr(e, "errno", None) == errno.ECONNREFUSED for e in chain):
        return "connection_refused", "connection refused (is the service running and the address right?)"
    if any(isinstance(e, (TimeoutError, socket.timeout)) for e in chain) or "timed out" in text.lower():
        return "timeout", "no answer in time"
    if any(isinstance(e, ssl.SSLError) for e in chain) or "SSL" in text or "certificate" in text.lower():
        return "tls_error", "TLS handshake failed (certificate not trusted or not TLS on this port)"
    if any(isinstance(e, socket.gaierror) for e in chain) or "Name or service not known" in text \
            or "getaddrinfo" in text or "Failed to resolve" in text:
        return "dns_error", "host name could not be resolved"
    if any(isinstance(e, ConnectionResetError) for e in chain) or "reset" in text.lower():
        return "connection_reset", "connection reset by the server"
    return "connection_error", f"connection failed ({type(_root_cause(exc)).__name__})"


def network_error(service: str, where: str, exc: BaseException) -> ApiError:
    """An :class:`ApiError` for a failure to reach ``service`` at ``where`` (an origin or host:port)."""
    code, reason = describe_network_error(exc)
    return ApiError(f"{service}: cannot reach {where}: {reason}", code=code)


def http_error(service: str, status: int, detail: str | None, *, code: str | None = None,
               retry_after: float | None = None, details: dict[str, Any] | None = None) -> ApiError:
    """An :class:`ApiError` for an HTTP error status, worded by class (credentials, rate limit, other)."""
    detail = (detail or "").strip() or f"HTTP {status}"
    if status == 429 or code in ("rate_limited", "ratelimited"):
        wait = f", retry after {retry_after:g} s" if retry_after is not None else ""
        message = f"{service}: rate limited (HTTP {status}){wait}: {detail}"
        code = code or "rate_limited"
    elif status == 401:
        message = f"{service}: credentials rejected (HTTP 401): {detail}"
        code = code or "unauthorized"
    elif status == 403:
        message = f"{service}: access refused (HTTP 403): {detail}"
        code = code or "forbidden"
    elif status == 404:
        message = f"{service}: not found (HTTP 404): {detail}"
        code = code or "not_found"
    else:
        message = f"{service}: HTTP {status}: {detail}"
        code = code or ("server_error" if status >= 500 else "bad_request")
    return ApiError(message, code=code, status=status, retry_after=retry_after, details=details)


class ApiResultsMixin:
    """Put before ``BaseTool`` in a tool's bases: ApiError -> error result, and auth failures explained."""

    auth_failure: dict[str, Any] | None = None

    def _action_method(self, action: Any) -> Callable[[dict[str, Any]], Any] | None:
        method = super()._action_method(action)  # type: ignore[misc]
        if method is None:
            return None

        @functools.wraps(method)
        def call(params: dict[str, Any]) -> Any:
            """The action, with ApiError turned into its error result."""
            try:
                return method(params)
            except ApiError as exc:
                return exc.to_result()

        return call

    def execute(self, action: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        """As ``BaseTool.execute``, but a failed authentication returns the service's own reason."""
        if not getattr(self, "authenticated", False) and self._action_method(action) is not None:
            self.auth_failure = None
            if not self.authenticate() and self.auth_failure is not None:  # type: ignore[attr-defined]
                return dict(self.auth_failure)
        return super().execute(action, params)  # type: ignore[misc]

    def fail_auth(self, error: ApiError | str) -> bool:
        """Record why authentication failed (returned later by ``execute``) and return ``False``."""
        exc = error if isinstance(error, ApiError) else ApiError(error, code="invalid_config")
        self.auth_failure = exc.to_result()
        self.authenticated = False
        getattr(self, "logger").warning("%s", exc.message)
        return False
