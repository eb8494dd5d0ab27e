"""A run's captured log split into lines with their time and level (the worker writes ``%(asctime)s %(levelname)s``).

Lines a workflow printed have no level (``print``); the lines of a multi-line record (a traceback
under ``logger.exception``) take the level of the record they continue.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
LEVEL_RANK = {name: n for n, name in enumerate(LEVELS)}
PRINT = "PRINT"  # a line the workflow printed (stdout/stderr), shown at every level filter but "errors only"
_RECORD_RE = re.compile(r"^(?P<time>\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:[,.]\d+)?) (?P<level>DEBUG|INFO|WARNING|WARN|"
                        r"ERROR|CRITICAL|FATAL) ")
_ALIASES = {"WARN": "WARNING", "FATAL": "CRITICAL"}


@dataclass(frozen=True)
class LogLine:
    """One physical line: its time text ("" when none), level (a LEVELS name or PRINT) and the whole text."""

    time: str
    level: str
    text: str
    continuation: bool = False  # part of the record above (traceback lines)

    @property
    def body_start(self) -> int:
        """Where the text after the time and level starts (0 for lines without them)."""
        return 0 if not self.time or self.continuation else len(self.time) + 1 + len(self.level) + 1


def _is_continuation(line: str) -> bool:
    return line.startswith((" ", "\t", "Traceback (most recent call last)")) or bool(
        re.match(r"^[A-Za-z_][\w.]*(Error|Exception|Interrupt|Exit|Warning)\b", line))


def parse_log(text: str, previous: LogLine | None = None) -> list[LogLine]:
    """Every line of ``text``; ``previous`` is the last line already parsed when ``text`` continues a stream."""
    out: list[LogLine] = []
    last_record = previous if previous is not None and previous.level != PRINT else None
    for line in text.splitlines():
        match = _RECORD_RE.match(line)
        if match:
            level = _ALIASES.get(match.group("level"), match.group("level"))
            parsed = LogLine(match.group("time"), level, line)
            last_record = parsed
        elif last_record is not None and _is_continuation(line):
            parsed = LogLine(last_record.time, last_record.level, line, continuation=True)
        else:
            parsed = LogLine("", PRINT, line)
            last_record = None
        out.append(parsed)
    return out


def passes_level(line: LogLine, minimum: str) -> bool:
    """True when ``line`` is shown with the filter set to ``minimum`` (a LEVELS name); printed lines count as INFO."""
    rank = LEVEL_RANK["INFO"] if line.level == PRINT else LEVEL_RANK.get(line.level, 1)
    return rank >= LEVEL_RANK.get(minimum, 0)
