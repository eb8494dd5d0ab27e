"""Pending consent flows keyed by a random ``state``: single use, 10-minute life, bound to tool/profile/scopes."""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

STATE_TTL = 600.0
MAX_PENDING = 200


class StateError(Exception):
    """A callback whose ``state`` is unknown, expired or already used."""


@dataclass(frozen=True)
class PendingFlow:
    """What a consent started with, so its callback can only finish that consent."""

    state: str
    tool: str
    profile: str
    scopes: tuple[str, ...]
    redirect_uri: str
    code_verifier: str
    token_file: Path
    credentials_file: Path
    created_at: float = field(default=0.0)

    @property
    def label(self) -> str:
        """``google_calendar (profile WORK)``"""
        return f"{self.tool} (profile {self.profile})"


def _digest(state: str) -> str:
    # Used states are remembered by hash only: nothing replayable is kept around.
    return hashlib.sha256(state.encode("utf-8")).hexdigest()


class OAuthStateStore:
    """Thread-safe store of pending flows; ``pop`` hands a flow out once, within its time to live."""

    def __init__(self, ttl: float = STATE_TTL, clock: Callable[[], float] = time.monotonic,
                 max_pending: int = MAX_PENDING) -> None:
        self.ttl = ttl
        self.clock = clock
        self.max_pending = max_pending
        self._pending: dict[str, PendingFlow] = {}
        self._retired: dict[str, tuple[str, float]] = {}  # state hash -> ("used" | "expired", when)
        self._lock = threading.Lock()

    def create(self, *, tool: str, profile: str, scopes: tuple[str, ...], redirect_uri: str, code_verifier: str,
               token_file: Path, credentials_file: Path) -> PendingFlow:
        """Register a new flow under a fresh 256-bit state."""
        with self._lock:
            self._purge()
            while len(self._pending) >= self.max_pending:  # a flood of abandoned consents drops the oldest
                oldest = min(self._pending.values(), key=lambda p: p.created_at)
                del self._pending[oldest.state]
            flow = PendingFlow(state=secrets.token_urlsafe(32), tool=tool, profile=profile, scopes=tuple(scopes),
                               redirect_uri=redirect_uri, code_verifier=code_verifier, token_file=token_file,
                               credentials_file=credentials_file, created_at=self.clock())
            self._pending[flow.state] = flow
            return flow

    def pop(self, state: str | None) -> PendingFlow:
        """The flow of ``state``, removed so it cannot be used twice; StateError says why not."""
        if not state:
            raise StateError("the callback has no state parameter")
        with self._lock:
            self._purge()
            flow = self._pending.pop(state, None)
            key = _digest(state)
            if flow is None:
                why = self._retired.get(key, ("unknown", 0.0))[0]
                if why == "used":
                    raise StateError("this sign-in link was already used; start the connection again")
                if why == "expired":
                    raise StateError("the sign-in took more than 10 minutes; start the connection again")
                raise StateError("unknown sign-in state (FlowDesk restarted, or the link is not ours); "
                                 "start the connection again")
            self._retired[key] = ("used", self.clock())
            return flow

    def peek(self, state: str) -> PendingFlow | None:
        """The pending flow of ``state`` without consuming it (``None`` when unknown)."""
        with self._lock:
            return self._pending.get(state)

    def __len__(self) -> int:
        with self._lock:
            return len(self._pending)

    def _purge(self) -> None:
        now = self.clock()
        for state in [s for s, f in self._pending.items() if now - f.created_at > self.ttl]:
            self._retired[_digest(state)] = ("expired", now)
            del self._pending[state]
        for key in [k for k, (_, at) in self._retired.items() if now - at > self.ttl]:
            del self._retired[key]
