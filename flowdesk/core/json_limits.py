"""Limits on JSON that strangers send: nesting depth and number length, checked in linear time."""

from __future__ import annotations

import json
import re
import sys
from itertools import accumulate
from typing import Any

from flowdesk.core.translatable import translatable

MAX_DEPTH = 100  # nesting levels of [] and {}; real payloads stay far below, recursive code is safe far above
_QUOTED = re.compile(rb'"[^"]*"')
_BRACKETS_AND_QUOTES = b'[]{}"'
_OTHER_BYTES = bytes(b for b in range(256) if b not in _BRACKETS_AND_QUOTES)
_AS_STEPS = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")  # read back as signed bytes: +1 / -1
_CHUNK = 65536  # brackets folded per C-level pass: keeps each pass short and lets a deep document stop early


class JsonLimitError(ValueError):
    """JSON that is well-formed but exceeds a limit (nesting depth, digits in a number)."""


def text_too_deep(text: str | bytes, limit: int = MAX_DEPTH) -> bool:
    """True when JSON text nests ``[]``/``{}`` (outside strings) deeper than ``limit`` levels.

    Built from C-speed bytes operations rather than a Python loop per character, so a 1 MiB
    body costs milliseconds: drop escapes, keep only brackets and quotes, drop quoted runs.
    """
    raw = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else bytes(text)
    if raw.count(b"[") + raw.count(b"{") <= limit:
        return False  # cannot nest deeper than it has openings: the common case costs two counts
    if b"\\" in raw:
        raw = raw.replace(b"\\\\", b"").replace(b'\\"', b"")  # escaped backslashes first, then escaped quotes
    # Removing two adjacent quotes never changes which brackets lie inside a string, and most
    # strings hold no bracket, so only the few that do are left for the regular expression.
    marks = raw.translate(None, _OTHER_BYTES).replace(b'""', b"")
    if b'"' in marks:
        marks = _QUOTED.sub(b"", marks)
    steps = memoryview(marks.translate(_AS_STEPS)).cast("b")
    depth = 0
    for start in range(0, len(steps), _CHUNK):
        levels = list(accumulate(steps[start:start + _CHUNK], initial=depth))
        if max(levels) > limit:
            return True
        depth = levels[-1]
    return False


def data_too_deep(value: Any, limit: int = MAX_DEPTH) -> bool:
    """True when lists, tuples and dicts in ``value`` nest deeper than ``limit`` levels (walked without recursion)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, (list, tuple)):
            children = item
        else:
            continue
        depth += 1
        if depth > deepest:
            deepest = depth
            if deepest > limit:
                return True
        stack.extend((child, depth) for child in children)
    return False


def check_depth(value: Any, limit: int = MAX_DEPTH) -> None:
    """Raise JsonLimitError when ``value`` nests deeper than ``limit`` levels."""
    if data_too_deep(value, limit):
        raise JsonLimitError(too_deep_message(limit))


def too_deep_message(limit: int = MAX_DEPTH) -> str:
    """The one wording every refusal of deep nesting uses."""
    return translatable("InputValidation", "JSON nested deeper than {limit} levels", limit=limit)


def loads_limited(text: str | bytes, max_depth: int = MAX_DEPTH) -> Any:
    """``json.loads`` that refuses deep nesting and over-long integers with JsonLimitError.

    Malformed JSON still raises ``json.JSONDecodeError`` (and undecodable bytes UnicodeDecodeError).
    """
    if isinstance(text, (bytes, bytearray)):
        encoding = json.detect_encoding(text)
        text = bytes(text) if encoding == "utf-8" else bytes(text).decode(encoding).encode("utf-8", "surrogatepass")
    if text_too_deep(text, max_depth):
        raise JsonLimitError(too_deep_message(max_depth))
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise
    except RecursionError:  # a lowered recursion limit could still trip the decoder below max_depth
        raise JsonLimitError(too_deep_message(max_depth)) from None
    except ValueError as exc:
        if "integer string conversion" in str(exc):  # Python's int max-str-digits guard
            raise JsonLimitError(translatable("InputValidation", "number too long (more than {digits} digits)",
                                              digits=sys.get_int_max_str_digits())) from None
        raise
