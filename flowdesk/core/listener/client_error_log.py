"""Client protocol errors and accept failures logged as one short line per kind per minute, never a traceback.

aiohttp reports a malformed request through ``aiohttp.server`` with a full traceback, and asyncio
reports a failed ``accept()`` (EMFILE...) through its loop exception handler, which logs to the
``asyncio`` logger; both are driven by whoever connects. Real errors keep their tracebacks.
"""

from __future__ import annotations

import errno
import logging
import time
from collections.abc import Callable

from aiohttp.http_exceptions import HttpProcessingError
from aiohttp.web_protocol import RequestPayloadError

from flowdesk.core.log_rate_limit import DEFAULT_INTERVAL, RateLimitedLogFilter

# Where aiohttp and asyncio log what a client can trigger (a filter only sees its own logger's records).
NOISY_LOGGERS = ("aiohttp.server", "aiohttp.access", "aiohttp.internal", "aiohttp.web", "asyncio")
MALFORMED = "malformed HTTP request"
DISCONNECTED = "client disconnected"
ACCEPT_FAILED = "accept() failed"
_ACCEPT_MESSAGE = "socket.accept() out of system resource"
_DISCONNECTS = (ConnectionError, RequestPayloadError)


def classify(record: logging.LogRecord) -> str | None:
    """The kind of client-driven noise ``record`` is, or None for a record to leave alone."""
    exc = record.exc_info[1] if record.exc_info else None
    if record.name == "asyncio":
        if str(record.msg).startswith(_ACCEPT_MESSAGE):
            code = getattr(exc, "errno", None)
            return f"{ACCEPT_FAILED} ({errno.errorcode.get(code, code)})" if code else ACCEPT_FAILED
        return None
    if isinstance(exc, HttpProcessingError):
        return MALFORMED
    if isinstance(exc, _DISCONNECTS):
        return DISCONNECTED
    return None


class ClientErrorLog:
    """The rate-limited filter on the noisy loggers, for the lifetime of one listener."""

    def __init__(self, interval: float = DEFAULT_INTERVAL, clock: Callable[[], float] = time.monotonic) -> None:
        self.filter = RateLimitedLogFilter(classify, interval, clock=clock)

    def install(self) -> None:
        """Start filtering (idempotent: logging ignores a filter added twice)."""
        self.filter.detach()
        self.filter.attach(*NOISY_LOGGERS)

    def uninstall(self) -> None:
        """Stop filtering."""
        self.filter.detach()
