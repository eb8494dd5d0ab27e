"""Per-run capture of a worker's merged fd 1/2: end-of-run sentinel, secret masking, byte cap, live lines."""

from __future__ import annotations

import codecs
from collections.abc import Callable
from typing import Any

from flowdesk.core.secret_masking import StreamMasker

RS = b"\x1e"  # first byte of every sentinel


def dropped_marker(count: int) -> str:
    """The line that replaces output cut by the log cap."""
    return f"\n[... {count} bytes of output dropped ...]\n"


class LiveLines:
    """Turns captured bytes into "log" event text: whole lines at once, a partial line after ~100 ms."""

    def __init__(self, emit: Callable[[str], None], call_later: Callable[[float, Callable[[], None]], Any],
                 delay: float = 0.1) -> None:
        self._emit = emit
        self._call_later = call_later
        self._delay = delay
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self._partial = ""
        self._timer: Any = None

    def feed(self, data: bytes) -> None:
        """Emit the complete lines ``data`` finishes; keep the rest for later."""
        text = self._partial + self._decoder.decode(data)
        cut = text.rfind("\n") + 1
        if cut:
            self._emit(text[:cut])
        self._partial = text[cut:]
        if self._partial and self._timer is None:
            self._timer = self._call_later(self._delay, self._flush_partial)

    def _flush_partial(self) -> None:
        self._timer = None
        if self._partial:
            text, self._partial = self._partial, ""
            self._emit(text)

    def close(self) -> None:
        """Emit what is left and stop the timer (the run is over)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._partial += self._decoder.decode(b"", final=True)
        self._flush_partial()


class OutputCapture:
    """Collects one run's output up to ``limit`` bytes (head and tail kept, middle dropped).

    ``feed`` returns True once the run's sentinel went by; anything after it is not this run's.
    Masking happens on the stream before the cap, so the kept text is masked even when a secret
    straddles two reads.
    """

    def __init__(self, sentinel: bytes, limit: int, secrets: list[str], live: LiveLines | None = None) -> None:
        self._sentinel = sentinel
        self._pending = b""  # bytes that may be the start of the sentinel
        self.sentinel_seen = False
        self.closed = False
        masker = StreamMasker(secrets)
        self._masker = masker if masker.active else None
        self._live = live
        limit = max(0, limit)
        self._tail_limit = limit // 4
        self._head_limit = limit - self._tail_limit
        self._head = bytearray()
        self._tail = bytearray()
        self._total = 0

    # -- input -------------------------------------------------------------------------------
    def feed(self, data: bytes) -> bool:
        """Take a chunk read from the pipe; True when the sentinel was found in it."""
        if self.sentinel_seen or self.closed:
            return False
        if self._pending:
            data = self._pending + data
            self._pending = b""
        if RS in data:
            idx = data.find(self._sentinel)
            if idx >= 0:
                self._commit(data[:idx])
                self.sentinel_seen = True
                return True
            last = data.rfind(RS, max(0, len(data) - len(self._sentinel) + 1))
            if last >= 0 and self._sentinel.startswith(data[last:]):
                self._pending = data[last:]
                data = data[:last]
        self._commit(data)
        return False

    def _commit(self, data: bytes) -> None:
        if self._masker is not None:
            data = self._masker.feed(data)
        if data:
            self._keep(data)

    def _keep(self, data: bytes) -> None:
        self._total += len(data)
        room = self._head_limit - len(self._head)
        if room > 0:
            head = data[:room]
            self._head += head
            if self._live is not None:
                self._live.feed(head)
            data = data[room:]
            if not data:
                return
        if self._tail_limit <= 0:
            return
        if self._live is not None and not self._tail:
            self._live.feed(b"\n[... output beyond the log limit is not shown live ...]\n")
        self._tail += data
        if len(self._tail) > 2 * self._tail_limit:  # trim in batches: del from the front is O(n)
            del self._tail[:-self._tail_limit]

    # -- output ------------------------------------------------------------------------------
    def close(self) -> None:
        """End of this run's output (sentinel seen, timeout or crash): release held-back bytes."""
        if self.closed:
            return
        if self._pending:
            pending, self._pending = self._pending, b""
            self._commit(pending)
        if self._masker is not None:
            rest = self._masker.flush()
            if rest:
                self._keep(rest)
        self.closed = True
        if self._live is not None:
            self._live.close()

    @property
    def total_bytes(self) -> int:
        """Bytes of output the run produced (after masking), kept or not."""
        return self._total

    @property
    def truncated(self) -> bool:
        """True when some output was dropped."""
        return self._total > len(self._head) + min(len(self._tail), self._tail_limit)

    def text(self) -> str:
        """The log: head, a marker with the dropped byte count, tail."""
        self.close()
        head = self._head.decode("utf-8", "replace")
        if not self._tail:
            return head
        tail = bytes(self._tail[-self._tail_limit:])
        dropped = self._total - len(self._head) - len(tail)
        if dropped <= 0:
            return head + tail.decode("utf-8", "replace")
        nl = tail.find(b"\n", 0, 512)  # start the tail on a line boundary when one is near
        if nl >= 0:
            dropped += nl + 1
            tail = tail[nl + 1:]
        return head + dropped_marker(dropped) + tail.decode("utf-8", "replace")
