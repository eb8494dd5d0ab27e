"""Browse JSON text without building its objects: spans of values, children page by page, re-indenting as a stream.

A 10 MB run output parsed with ``json.loads`` holds the GIL for ~0.3 s and leaves a million objects
whose garbage collection stalls every thread again later; the window's threads would freeze. Here
the text is read once, in a background thread, to index where its large containers end (pure
Python, so other threads keep running); afterwards any node's children are found in microseconds
and only the values shown are decoded.
"""

from __future__ import annotations

import json
import re
import threading
import time
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from json.decoder import scanstring
from typing import Any

_STRING = r'"[^"\\]*(?:\\.[^"\\]*)*"'
_BRACKETS = re.compile(_STRING + r"|[\[\]{}]")
_TOKENS = re.compile(_STRING + r"|[\[\]{}:,]|[^\s\[\]{}:,\"]+")
_STRING_RE = re.compile(_STRING)
_SCALAR_RE = re.compile(r"[^\s\[\]{}:,\"]+")
_WS = re.compile(r"[ \t\n\r]*")
INDEX_THRESHOLD = 4096  # containers larger than this have their end indexed; smaller ones are skipped on demand
TABLE_THRESHOLD = 100  # large containers with more children than this get their child table built by ``index()``
PREVIEW_CHARS = 300
PAUSE_EVERY = 1024  # brackets scanned between two pauses (about a millisecond of work)
PAUSE_SECONDS = 0.0005
_pausing = {"on": False}  # set by a process whose main thread must stay responsive (the desktop window)


def pause_background_scans(on: bool = True) -> None:
    """Make scans outside the main thread pause now and then (the window's process calls this)."""
    _pausing["on"] = on


def _brackets(text: str, pos: int) -> Iterator[re.Match[str]]:
    """The strings and brackets of ``text`` from ``pos``; off the main thread, a short pause now and then.

    A pure-Python scan does give up the GIL every switch interval, but with several threads waiting the
    forced switch may go to one that hands it straight back: a window's thread was seen starved for
    0.3-1 s behind a 10 MB scan. Sleeping a moment every millisecond of work lets every waiter in (about
    +50 % on the scan's own time, so only where a window's thread is waiting: headless serve never pauses).
    """
    pausing = _pausing["on"] and threading.current_thread() is not threading.main_thread()
    for n, match in enumerate(_BRACKETS.finditer(text, pos), 1):
        if pausing and n % PAUSE_EVERY == 0:
            time.sleep(PAUSE_SECONDS)
        yield match



class ChildTable:
    """Every child of one container: keys (None for an array: the index is the key), value starts and ends.

    Arrays of integers and a list of strings, not an object per child: a 100,000-item table adds
    three objects the garbage collector looks at, not 100,000 (each full collection of those would
    stall every thread for tens of milliseconds).
    """

    __slots__ = ("keys", "starts", "ends")

    def __init__(self, keys: list[str] | None) -> None:
        self.keys = keys
        self.starts = array("q")
        self.ends = array("q")

    def __len__(self) -> int:
        return len(self.starts)

    def key(self, n: int) -> str | int:
        """The n-th child's key (its index in an array)."""
        return self.keys[n] if self.keys is not None else n


@dataclass(frozen=True)
class Span:
    """One JSON value: where it starts and ends in the text, and its kind."""

    start: int
    end: int
    kind: str  # object | array | string | number | true | false | null

    @property
    def is_container(self) -> bool:
        """Objects and arrays have children."""
        return self.kind in ("object", "array")


def kind_at(text: str, pos: int) -> str:
    """The kind of the value starting at ``pos``."""
    char = text[pos:pos + 1]
    return {"{": "object", "[": "array", '"': "string", "t": "true", "f": "false", "n": "null"}.get(char, "number")


class JsonSpans:
    """Index of one JSON document's large containers; build it with ``index()`` in a worker thread."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._ends: dict[int, int] = {}
        self.tables: dict[int, ChildTable] = {}  # container start -> every child, for large containers
        start = _WS.match(text, 0).end()  # type: ignore[union-attr]
        self.root_start = start

    def index(self) -> None:
        """Find the end of every container larger than INDEX_THRESHOLD (one pass; ValueError if unbalanced)."""
        stack: list[int] = []
        ends = self._ends
        for match in _brackets(self.text, self.root_start):
            char = self.text[match.start()]
            if char in "[{":
                stack.append(match.start())
            elif char in "]}":
                if not stack:
                    raise ValueError(f"unbalanced '{char}' at character {match.start()}")
                begin = stack.pop()
                if match.end() - begin > INDEX_THRESHOLD:
                    ends[begin] = match.end()
        if stack:
            raise ValueError("the JSON text ends inside a container")
        for begin in sorted(ends):
            span = Span(begin, ends[begin], kind_at(self.text, begin))
            _, more = self.children(span, limit=TABLE_THRESHOLD)
            if more is not None:
                self.tables[begin] = self.table(span)

    def table(self, parent: Span) -> ChildTable:
        """Every child of a container: precomputed by ``index()`` for large ones, read now for the others."""
        known = self.tables.get(parent.start)
        if known is not None:
            return known
        text, ws = self.text, _WS.match
        table = ChildTable([] if parent.kind == "object" else None)
        pos = ws(text, parent.start + 1).end()  # type: ignore[union-attr]
        while text[pos:pos + 1] not in ("]", "}", ""):
            if text[pos] == ",":
                pos = ws(text, pos + 1).end()  # type: ignore[union-attr]
            if table.keys is not None:
                key, pos = scanstring(text, pos + 1)
                table.keys.append(key)
                pos = ws(text, ws(text, pos).end() + 1).end()  # type: ignore[union-attr]  # past the ':'
            end = self._end_of(pos, kind_at(text, pos))
            table.starts.append(pos)
            table.ends.append(end)
            pos = ws(text, end).end()  # type: ignore[union-attr]
        return table

    def root(self) -> Span:
        """The whole document's value."""
        return self.span_at(self.root_start)

    def span_at(self, pos: int) -> Span:
        """The value starting at ``pos`` (after whitespace)."""
        kind = kind_at(self.text, pos)
        return Span(pos, self._end_of(pos, kind), kind)

    def _end_of(self, pos: int, kind: str) -> int:
        if kind in ("object", "array"):
            known = self._ends.get(pos)
            if known is not None:
                return known
            depth = 0
            for match in _brackets(self.text, pos):
                char = self.text[match.start()]
                if char in "[{":
                    depth += 1
                elif char in "]}":
                    depth -= 1
                    if depth == 0:
                        return match.end()
            raise ValueError(f"unterminated {kind} at character {pos}")
        found = (_STRING_RE if kind == "string" else _SCALAR_RE).match(self.text, pos)
        if found is None:
            raise ValueError(f"invalid JSON value at character {pos}")
        return found.end()

    def children(self, parent: Span, after: int | None = None, limit: int | None = None, first_index: int = 0
                 ) -> tuple[list[tuple[str | int, Span]], int | None]:
        """Up to ``limit`` (key, span) children of a container, resuming at ``after``; returns them and the resume point.

        Array keys are indexes starting at ``first_index`` (the number of children already read);
        a resume point of None means the container's end was reached.
        """
        text, ws = self.text, _WS.match
        pos = ws(text, (after if after is not None else parent.start + 1)).end()  # type: ignore[union-attr]
        out: list[tuple[str | int, Span]] = []
        count = 0
        while True:
            char = text[pos:pos + 1]
            if char in "]}":
                return out, None
            if char == ",":
                pos = ws(text, pos + 1).end()  # type: ignore[union-attr]
            if limit is not None and count >= limit:
                return out, pos
            key: str | int = first_index + count
            if parent.kind == "object":
                key, pos = scanstring(text, pos + 1)
                pos = ws(text, pos).end()  # type: ignore[union-attr]
                pos = ws(text, pos + 1).end()  # type: ignore[union-attr]  # the ':'
            span = self.span_at(pos)
            out.append((key, span))
            count += 1
            pos = ws(text, span.end).end()  # type: ignore[union-attr]

    def value(self, span: Span) -> Any:
        """The decoded value (use for small spans only: it builds the objects)."""
        return json.loads(self.text[span.start:span.end])

    def preview(self, span: Span, limit: int = PREVIEW_CHARS) -> str:
        """One line for the tree: a scalar's text (strings decoded, cut at ``limit``), a container's size."""
        if span.kind == "string":
            if span.end - span.start <= limit + 2:
                return json.dumps(scanstring(self.text, span.start + 1)[0], ensure_ascii=False)
            return json.dumps(_decode_prefix(self.text[span.start + 1:span.start + 1 + limit]), ensure_ascii=False)[:-1] + "…"
        if span.is_container:
            return "{…}" if span.kind == "object" else "[…]"
        return self.text[span.start:span.end]

    def text_of(self, span: Span) -> str:
        """The exact stored text of a value."""
        return self.text[span.start:span.end]


def _decode_prefix(raw: str) -> str:
    """The decoded start of a JSON string body cut anywhere (a cut escape sequence is dropped)."""
    for cut in range(0, 7):
        try:
            return scanstring('"' + raw[:len(raw) - cut] + '"', 1)[0]
        except json.JSONDecodeError:
            continue
    return raw


def reindent(text: str, indent: str = "  ", chunk: int = 65536) -> Iterator[str]:
    """The JSON ``text`` pretty-printed (2-space indent), yielded in pieces of about ``chunk`` characters.

    Works on tokens, never on decoded values, so a huge document streams at constant memory.
    """
    out: list[str] = []
    size = 0
    depth = 0
    pending_open = ""  # an opening bracket not written yet: "{}" and "[]" stay on one line
    for match in _TOKENS.finditer(text):
        token = match.group()
        if pending_open:
            if token in "]}" and len(token) == 1:
                out.append(pending_open + token)
                size += 2
                pending_open = ""
                continue
            depth += 1
            out.append(pending_open + "\n" + indent * depth)
            pending_open = ""
        if token in ("{", "["):
            pending_open = token
            continue
        if token in ("}", "]"):
            depth -= 1
            piece = "\n" + indent * depth + token
        elif token == ",":
            piece = ",\n" + indent * depth
        elif token == ":":
            piece = ": "
        else:
            piece = token
        out.append(piece)
        size += len(piece)
        if size >= chunk:
            yield "".join(out)
            out, size = [], 0
    if pending_open:
        out.append(pending_open)
    if out:
        yield "".join(out)
