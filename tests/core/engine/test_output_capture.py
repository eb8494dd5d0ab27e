"""OutputCapture, LiveLines and secret masking, fed by hand (no processes)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from flowdesk.core.engine.output_capture import LiveLines, OutputCapture
from flowdesk.core.secret_masking import StreamMasker, mask_json, mask_text, usable_secrets
from flowdesk.core.engine.worker_protocol import sentinel

SENT = sentinel("run1", "abcdef")


class FakeTimers:
    """call_later stand-in: timers fire only when the test says so."""

    def __init__(self) -> None:
        self.pending: list[tuple[float, Callable[[], None]]] = []

    def call_later(self, delay: float, fn: Callable[[], None]) -> Any:
        entry = (delay, fn)
        self.pending.append(entry)
        timers = self

        class Handle:
            def cancel(self) -> None:
                if entry in timers.pending:
                    timers.pending.remove(entry)

        return Handle()

    def fire(self) -> None:
        pending, self.pending = self.pending, []
        for _, fn in pending:
            fn()


def feed_in_pieces(capture: OutputCapture, data: bytes, size: int) -> bool:
    seen = False
    for i in range(0, len(data), size):
        seen = capture.feed(data[i:i + size]) or seen
    return seen


@pytest.mark.parametrize("size", [1, 3, 7, 1000])
def test_sentinel_found_across_chunks_and_later_output_dropped(size: int) -> None:
    cap = OutputCapture(SENT, 10_000, [])
    assert feed_in_pieces(cap, b"hello\nno newline" + SENT + b"after the run\n", size)
    assert cap.sentinel_seen
    assert cap.feed(b"stray") is False
    assert cap.text() == "hello\nno newline"


def test_record_separator_that_is_not_a_sentinel_is_kept() -> None:
    cap = OutputCapture(SENT, 10_000, [])
    cap.feed(b"a\x1e[flowdesk:end-of-run other")
    cap.feed(b" xyz]\n")
    assert not cap.sentinel_seen
    cap.feed(b"tail\x1e")
    assert cap.text() == "a\x1e[flowdesk:end-of-run other xyz]\ntail\x1e"


def test_cap_keeps_head_and_tail_with_a_marker() -> None:
    cap = OutputCapture(SENT, 1000, [])
    for i in range(1000):
        cap.feed(f"line {i:04d}\n".encode())
    cap.feed(SENT)
    text = cap.text()
    assert cap.truncated and cap.total_bytes == 10_000
    assert text.startswith("line 0000\n")
    assert text.endswith("line 0999\n")
    head, marker_and_tail = text.split("\n[... ", 1)
    dropped = int(marker_and_tail.split(" ", 1)[0])
    kept = len(text.encode()) - len(f"\n[... {dropped} bytes of output dropped ...]\n")
    assert kept + dropped == 10_000
    assert kept <= 1000


def test_small_output_is_not_truncated() -> None:
    cap = OutputCapture(SENT, 1000, [])
    cap.feed(b"x" * 1000 + SENT)
    assert not cap.truncated and cap.text() == "x" * 1000


@pytest.mark.parametrize("size", [1, 2, 5, 64])
def test_secret_masked_when_split_across_reads(size: int) -> None:
    cap = OutputCapture(SENT, 10_000, ["p4ssw0rd-xyz"])
    data = b"a p4ssw0rd-xyz b p4ssw0rd-xy\np4ssw0rd-xyz" + SENT
    feed_in_pieces(cap, data, size)
    assert cap.text() == "a *** b p4ssw0rd-xy\n***"


def test_partial_secret_at_the_end_is_released_on_close() -> None:
    masker = StreamMasker(["abcdefgh"])
    assert masker.feed(b"xx abcd") == b"xx "
    assert masker.feed(b"e") == b""
    assert masker.flush() == b"abcde"


def test_usable_secrets_and_value_masking() -> None:
    secrets = usable_secrets(["abc", "token-1", "token-1234", "", None])  # type: ignore[list-item]
    assert secrets == ["token-1234", "token-1"]
    assert mask_text("a token-1234 b token-1 c", secrets) == "a *** b *** c"
    value = {"token-1": ["x token-1234", 3, {"k": "token-1"}], "n": None}
    assert mask_json(value, secrets) == {"***": ["x ***", 3, {"k": "***"}], "n": None}


def test_live_lines_whole_lines_then_partial_after_delay() -> None:
    timers = FakeTimers()
    out: list[str] = []
    live = LiveLines(out.append, timers.call_later)
    cap = OutputCapture(SENT, 10_000, ["secret-value"], live)
    cap.feed(b"one\ntwo\nthr")
    assert out == ["one\ntwo\n"]
    cap.feed(b"ee\nsecret-")
    assert out == ["one\ntwo\n", "three\n"]
    cap.feed(b"value and more")
    timers.fire()
    assert out[-1] == "*** and more"
    cap.feed("é".encode()[:1])
    cap.feed("é".encode()[1:] + b"\n" + SENT)
    cap.close()
    assert "".join(out) == cap.text() == "one\ntwo\nthree\n*** and moreé\n"
    assert timers.pending == []


def test_live_lines_stop_at_the_cap() -> None:
    out: list[str] = []
    live = LiveLines(out.append, FakeTimers().call_later)
    cap = OutputCapture(SENT, 40, [], live)
    for _ in range(20):
        cap.feed(b"0123456789\n")
    cap.close()
    shown = "".join(out)
    assert shown.startswith("0123456789\n0123456789\n")
    assert "not shown live" in shown
    assert len(shown) < 200
