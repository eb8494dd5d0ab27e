"""The entry a list view selects once a refresh lists it, though older refreshes in flight may answer first."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

PATIENCE_S = 10.0  # a wish older than this (the entry never showed up: creation failed, the reload broke) is dropped


class PendingSelection:
    """One wanted slug: ``take`` hands it over with the first list that holds it, not with whichever comes first.

    A view that creates an entry and then refreshes can have another refresh in flight (a reload's, a
    run's, a timer's) that was read before the entry existed. Its answer must neither select the
    entry (it is not there) nor consume the wish, or the refresh that does list it selects something else.
    """

    def __init__(self, patience_s: float = PATIENCE_S, clock: Callable[[], float] = time.monotonic) -> None:
        self.patience_s = patience_s
        self.clock = clock
        self.slug: str | None = None
        self._until = 0.0

    def want(self, slug: str | None) -> None:
        """Select ``slug`` when a refresh lists it (None forgets any wish)."""
        self.slug = slug
        self._until = self.clock() + self.patience_s

    def take(self, listed: Iterable[str]) -> str | None:
        """The wanted slug if ``listed`` holds it (the wish is then fulfilled), else None (kept until it expires)."""
        if self.slug is None:
            return None
        if self.clock() > self._until:
            self.slug = None
            return None
        if self.slug not in set(listed):
            return None
        slug, self.slug = self.slug, None
        return slug


__all__ = ["PendingSelection", "PATIENCE_S"]
