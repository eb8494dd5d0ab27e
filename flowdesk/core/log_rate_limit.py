"""One log line per kind of noise per interval: a rate limiter and a logging filter built on it.

Strangers can make a server log as often as they like (garbage requests, aborted connections, a
descriptor flood); without a limit that rotates every useful line out of the log files.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable

DEFAULT_INTERVAL = 60.0
MAX_DETAIL = 200  # characters of an exception message kept in the one-line summary
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class RateLimiter:
    """Says yes to a key at most once per interval and counts the noes in between."""

    def __init__(self, interval: float = DEFAULT_INTERVAL, clock: Callable[[], float] = time.monotonic) -> None:
        self.interval = interval
        self._clock = clock
        self._next: dict[str, float] = {}
        self._suppressed: dict[str, int] = {}

    def check(self, key: str) -> int | None:
        """None: stay quiet this time; else how many were suppressed since the last yes."""
        now = self._clock()
        if now < self._next.get(key, float("-inf")):
            self._suppressed[key] = self._suppressed.get(key, 0) + 1
            return None
        self._next[key] = now + self.interval
        return self._suppressed.pop(key, 0)


def one_line(text: str, limit: int = MAX_DETAIL) -> str:
    """``text`` as one printable line of at most ``limit`` characters (attacker bytes stay inert)."""
    flat = _UNPRINTABLE.sub(lambda m: f"\\x{ord(m.group()):02x}", " ".join(text.split()))
    return flat if len(flat) <= limit else flat[:limit] + "…"


Classifier = Callable[[logging.LogRecord], "str | None"]


class RateLimitedLogFilter(logging.Filter):
    """For records ``classify`` names a kind of: drop the traceback, keep one short line per kind per interval.

    Other records pass untouched, so real errors keep their tracebacks.
    """

    def __init__(self, classify: Classifier, interval: float = DEFAULT_INTERVAL, level: int = logging.WARNING,
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.classify = classify
        self.level = level
        self.limiter = RateLimiter(interval, clock)
        self._attached: list[logging.Logger] = []

    def filter(self, record: logging.LogRecord) -> bool:
        """Pass, rewrite to one line, or drop ``record``."""
        kind = self.classify(record)
        if kind is None:
            return True
        suppressed = self.limiter.check(kind)
        if suppressed is None:
            return False
        record.args = (kind, _summary(record), _suppressed_note(suppressed))
        record.msg = "%s: %s%s"
        record.exc_info = record.exc_text = record.stack_info = None
        record.levelno, record.levelname = self.level, logging.getLevelName(self.level)
        return True

    def attach(self, *names: str) -> None:
        """Filter the records logged to each named logger (a filter does not see records of child loggers)."""
        for name in names:
            logger = logging.getLogger(name)
            logger.addFilter(self)
            self._attached.append(logger)

    def detach(self) -> None:
        """Undo every ``attach``."""
        for logger in self._attached:
            logger.removeFilter(self)
        self._attached.clear()


def _summary(record: logging.LogRecord) -> str:
    """The record's first message line, plus the exception's type and message when it carries one."""
    text = record.getMessage().split("\n", 1)[0]
    exc = record.exc_info[1] if record.exc_info else None
    if exc is not None:
        text = f"{text} ({type(exc).__name__}: {exc})" if str(exc) else f"{text} ({type(exc).__name__})"
    return one_line(text)


def _suppressed_note(count: int) -> str:
    return f" [{count} more of this kind since the previous line, not logged]" if count else ""
