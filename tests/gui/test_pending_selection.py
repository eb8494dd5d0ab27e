"""PendingSelection: a wanted entry is handed over with the first list that holds it, not with whichever comes."""

from __future__ import annotations

from flowdesk.gui.pending_selection import PendingSelection


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_wish_survives_lists_without_the_entry_and_is_taken_once() -> None:
    pending = PendingSelection(patience_s=10, clock=Clock())
    assert pending.take(["a", "b"]) is None  # nothing wanted
    pending.want("new")
    assert pending.take(["a", "b"]) is None  # an older refresh: not there yet, and the wish stays
    assert pending.slug == "new"
    assert pending.take(iter(["a", "new", "b"])) == "new"  # any iterable of slugs
    assert pending.take(["a", "new"]) is None and pending.slug is None  # taken once


def test_a_wish_never_fulfilled_expires_and_a_new_one_replaces_it() -> None:
    clock = Clock()
    pending = PendingSelection(patience_s=10, clock=clock)
    pending.want("ghost")
    clock.now += 10.5
    assert pending.take(["ghost"]) is None and pending.slug is None  # too late: the user has moved on
    pending.want("first")
    pending.want("second")
    assert pending.take(["first", "second"]) == "second"
    pending.want("x")
    pending.want(None)
    assert pending.take(["x"]) is None
