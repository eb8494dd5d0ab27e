"""Log records from any thread to the GUI thread: a logging.Handler feeding a queued Qt signal."""

from __future__ import annotations

import logging
import re
import threading
from collections import deque
from dataclasses import dataclass
from datetime import datetime

from flowdesk.gui.qt import QObject, Signal

DEFAULT_CAPACITY = 5000
MASK = "***"
# Credentials that can reach a log line by accident (URLs with tokens, Authorization headers).
_REDACTIONS = (
    (re.compile(r"(?i)(\bbearer\s+)[A-Za-z0-9._~+/=-]{4,}"), r"\1" + MASK),
    (re.compile(r"(?i)([?&](?:token|access_token|refresh_token|id_token|code|client_secret|api_key|key|password)=)"
                r"[^&\s\"'#]+"), r"\1" + MASK),
    (re.compile(r"(?i)(\"(?:access_token|refresh_token|client_secret|password)\"\s*:\s*\")[^\"]+"), r"\1" + MASK),
)


def redact(text: str) -> str:
    """``text`` with bearer tokens and credential URL parameters replaced by ``***``."""
    for pattern, replacement in _REDACTIONS:
        text = pattern.sub(replacement, text)
    return text


@dataclass(frozen=True)
class LogLine:
    """One log record, already formatted and redacted, safe to hand to another thread."""

    created: float
    level: int
    level_name: str
    logger: str
    thread: str
    message: str

    @property
    def text(self) -> str:
        """``12:03:04.120 WARNING flowdesk.core.x: message`` (plus traceback lines)."""
        stamp = datetime.fromtimestamp(self.created).strftime("%H:%M:%S.%f")[:-3]
        return f"{stamp} {self.level_name:<8} {self.logger}: {self.message}"


def to_line(record: logging.LogRecord, formatter: logging.Formatter) -> LogLine:
    """A LogLine from a record: message, exception and stack text, redacted."""
    message = record.getMessage()
    if record.exc_info and not record.exc_text:
        record.exc_text = formatter.formatException(record.exc_info)
    if record.exc_text:
        message = f"{message}\n{record.exc_text}"
    if record.stack_info:
        message = f"{message}\n{formatter.formatStack(record.stack_info)}"
    return LogLine(record.created, record.levelno, record.levelname, record.name, record.threadName or "",
                   redact(message))


class LogEmitter(QObject):
    """Lives on the GUI thread; ``line`` reaches its receivers there whatever thread logged."""

    line = Signal(object)  # LogLine

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        super().__init__()
        self._history: deque[LogLine] = deque(maxlen=capacity)
        self._lock = threading.Lock()

    def remember(self, line: LogLine) -> None:
        """Keep ``line`` for views opened later (thread-safe)."""
        with self._lock:
            self._history.append(line)

    def history(self) -> list[LogLine]:
        """The most recent lines, oldest first."""
        with self._lock:
            return list(self._history)


class QtLogHandler(logging.Handler):
    """Forwards every record to a LogEmitter; Qt queues the signal to the emitter's (GUI) thread."""

    def __init__(self, emitter: LogEmitter, level: int = logging.NOTSET) -> None:
        super().__init__(level)
        self.emitter = emitter
        self._formatter = logging.Formatter()

    def emit(self, record: logging.LogRecord) -> None:
        """Format here (any thread), deliver there (GUI thread)."""
        try:
            line = to_line(record, self._formatter)
        except Exception:  # noqa: BLE001 - logging must never raise into the caller
            self.handleError(record)
            return
        self.emitter.remember(line)
        try:
            self.emitter.line.emit(line)
        except RuntimeError:
            pass  # the emitter was deleted while the app shuts down; later records just go nowhere


_installed: tuple[LogEmitter, QtLogHandler] | None = None


def install_log_bridge(level: int = logging.INFO, capacity: int = DEFAULT_CAPACITY) -> LogEmitter:
    """Attach the handler to the root logger (once; call on the GUI thread) and return its emitter.

    The root logger is lowered to ``level`` so INFO records reach the app log; root handlers
    that had no level of their own get the old root level, so the console stays as quiet as before.
    """
    global _installed
    if _installed is not None:
        return _installed[0]
    emitter = LogEmitter(capacity)
    handler = QtLogHandler(emitter)
    root = logging.getLogger()
    if root.level == logging.NOTSET or root.level > level:
        previous = root.level or logging.WARNING
        for existing in root.handlers:
            if existing.level == logging.NOTSET:
                existing.setLevel(previous)
        root.setLevel(level)
    root.addHandler(handler)
    _installed = (emitter, handler)
    return emitter


def uninstall_log_bridge() -> None:
    """Detach the handler (app shutdown), so no thread signals a deleted object."""
    global _installed
    if _installed is None:
        return
    logging.getLogger().removeHandler(_installed[1])
    _installed = None


def log_emitter() -> LogEmitter | None:
    """The installed emitter, if any."""
    return _installed[0] if _installed else None
