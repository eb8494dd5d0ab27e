"""Interface sessions: random server-side ids behind the session cookie, and one-time login tickets.

A session id is never derived from the API token: it is random, kept only in this process's
memory, expires after SESSION_TTL without use (sliding), and is revoked by ``/auth/logout``,
by a restart, or when the API token in force changes. Login tickets let the desktop app open
an interface already signed in without putting the API token in a URL.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections import OrderedDict

from aiohttp import web

from flowdesk.core.listener.app_keys import API_TOKEN

SESSION_TTL = 12 * 3600.0  # idle seconds before a session expires (each use slides it)
TICKET_TTL = 60.0  # seconds a login ticket minted by the app stays redeemable
MAX_SESSIONS = 1000  # only the token holder can mint sessions; the cap bounds memory anyway
MAX_TICKETS = 100


def _fingerprint(token: str) -> bytes:
    return hashlib.sha256(token.encode("utf-8")).digest()


class SessionStore:
    """Live session ids and login tickets; safe to call from the GUI thread and the listener loop."""

    def __init__(self, token: str, *, ttl: float = SESSION_TTL) -> None:
        self.ttl = ttl
        self._token = _fingerprint(token)
        self._sessions: OrderedDict[str, float] = OrderedDict()  # id -> expiry (monotonic), oldest first
        self._tickets: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def _bind(self, token: str) -> None:
        # Called with the lock held: a different API token revokes everything minted under the old one.
        digest = _fingerprint(token)
        if not secrets.compare_digest(digest, self._token):
            self._token = digest
            self._sessions.clear()
            self._tickets.clear()

    def create(self, token: str) -> str:
        """A new session id (``secrets.token_urlsafe``), valid for ``ttl`` seconds of idleness."""
        sid = secrets.token_urlsafe(32)
        now = time.monotonic()
        with self._lock:
            self._bind(token)
            _drop_expired(self._sessions, now)
            while len(self._sessions) >= MAX_SESSIONS:
                self._sessions.popitem(last=False)
            self._sessions[sid] = now + self.ttl
        return sid

    def check(self, sid: str | None, token: str) -> bool:
        """True when ``sid`` is a live session under ``token``; each successful check slides its expiry."""
        if not sid:
            return False
        now = time.monotonic()
        with self._lock:
            self._bind(token)
            expiry = self._sessions.get(sid)
            if expiry is None:
                return False
            if expiry <= now:
                del self._sessions[sid]
                return False
            self._sessions[sid] = now + self.ttl
            self._sessions.move_to_end(sid)
            return True

    def revoke(self, sid: str | None) -> bool:
        """End one session; True when it was live."""
        with self._lock:
            return self._sessions.pop(sid or "", None) is not None

    def revoke_all(self) -> int:
        """End every session and ticket (the API token changed, or the owner asked); returns how many sessions."""
        with self._lock:
            count = len(self._sessions)
            self._sessions.clear()
            self._tickets.clear()
            return count

    def issue_ticket(self, token: str) -> str:
        """A single-use login ticket for ``/auth/login?ticket=``, valid TICKET_TTL seconds."""
        ticket = secrets.token_urlsafe(32)
        now = time.monotonic()
        with self._lock:
            self._bind(token)
            _drop_expired(self._tickets, now)
            while len(self._tickets) >= MAX_TICKETS:
                self._tickets.popitem(last=False)
            self._tickets[ticket] = now + TICKET_TTL
        return ticket

    def redeem_ticket(self, ticket: str | None, token: str) -> bool:
        """True (once) for a live ticket minted under ``token``."""
        if not ticket:
            return False
        with self._lock:
            self._bind(token)
            expiry = self._tickets.pop(ticket, None)
        return expiry is not None and expiry > time.monotonic()

    def __len__(self) -> int:
        with self._lock:
            return len(self._sessions)


def _drop_expired(entries: OrderedDict[str, float], now: float) -> None:
    for key in [k for k, expiry in entries.items() if expiry <= now]:
        del entries[key]


SESSIONS: web.AppKey[SessionStore] = web.AppKey("sessions", SessionStore)


def session_store(app: web.Application) -> SessionStore | None:
    """The application's session store (None on an app built without the auth routes)."""
    return app.get(SESSIONS)


def issue_login_ticket(app: web.Application) -> str:
    """A one-time ticket the desktop app puts in ``/auth/login?ticket=`` to open an interface signed in."""
    return app[SESSIONS].issue_ticket(app[API_TOKEN])
