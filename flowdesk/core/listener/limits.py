"""How long and how much the listener waits for and accepts from a client; tests pass small values."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_HEADER_TIMEOUT = 15.0
DEFAULT_BODY_TIMEOUT = 30.0
DEFAULT_IDLE_TIMEOUT = 75.0
DEFAULT_MAX_FORM_FIELDS = 1000


@dataclass(frozen=True)
class ListenerLimits:
    """Transport limits of the listener (seconds, counts); every one is a defence against a slow or greedy client."""

    header_timeout: float = DEFAULT_HEADER_TIMEOUT  # connection open (or a new request begun) to complete headers
    body_timeout: float = DEFAULT_BODY_TIMEOUT  # headers in to whole body read, for routes that read one
    idle_timeout: float = DEFAULT_IDLE_TIMEOUT  # keep-alive connection without a request
    max_connections: int | None = None  # None: a safe fraction of the open-file limit (see fd_limit)
    max_form_fields: int = DEFAULT_MAX_FORM_FIELDS  # fields of an application/x-www-form-urlencoded body
