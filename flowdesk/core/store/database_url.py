"""Which database holds the runs: ``--database URL``, else ``FLOWDESK_DATABASE_URL``, else the data dir's SQLite file."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from flowdesk.core.errors import FlowDeskError

if TYPE_CHECKING:
    from flowdesk.core.store.run_store import RunStore

ENV_VAR = "FLOWDESK_DATABASE_URL"
FLAG = "--database"
DB_FILENAME = "flowdesk.sqlite3"  # the desktop's store, in the data dir
_SCHEMES = ("postgresql", "postgres")


class DatabaseUrlError(FlowDeskError):
    """A database URL FlowDesk cannot use; the message names where it came from (flag or variable)."""


@dataclass(frozen=True)
class DatabaseChoice:
    """A PostgreSQL URL and where it was given, or None for the data dir's SQLite file."""

    url: str | None = None
    source: str = "default"

    def describe(self, data_dir: Path | None = None) -> str:
        """A one-line description with any password masked."""
        if self.url is None:
            return f"SQLite {data_dir / DB_FILENAME}" if data_dir is not None else "SQLite (data dir)"
        return f"PostgreSQL {redact(self.url)} (from {self.source})"


def is_postgres_url(value: object) -> bool:
    """True for a ``postgresql://`` / ``postgres://`` URL string."""
    return isinstance(value, str) and value.split(":", 1)[0].lower() in _SCHEMES and "://" in value


def redact(url: str) -> str:
    """The URL with its password replaced by ``***`` (safe for logs and error messages)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)
    user = netloc[0].split(":", 1)[0]
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc[1]}"))


def check_url(url: str, source: str) -> str:
    """The URL in the form psycopg takes (``postgresql://``), or DatabaseUrlError naming ``source``."""
    text = url.strip()
    scheme = text.split(":", 1)[0].lower() if ":" in text else ""
    if scheme not in _SCHEMES or not text[len(scheme):].startswith("://"):
        shown = redact(text) if "://" in text else text
        raise DatabaseUrlError(
            f"{source}: {shown!r} is not a PostgreSQL URL (expected postgresql://user:password@host:5432/dbname;"
            f" leave {ENV_VAR} unset for the data dir's SQLite file)")
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError as exc:
        raise DatabaseUrlError(f"{source}: not a usable PostgreSQL URL: {exc}") from None
    if not parts.netloc and "host=" not in parts.query:
        raise DatabaseUrlError(f"{source}: {redact(text)} names no host (postgresql://host:5432/dbname)")
    return "postgresql" + text[len(scheme):]


def resolve_database_url(flag: str | None, env: Mapping[str, str]) -> DatabaseChoice:
    """``--database`` first, then ``FLOWDESK_DATABASE_URL``; neither (or empty) means the data dir's SQLite file."""
    if flag is not None and flag.strip():
        return DatabaseChoice(check_url(flag, FLAG), FLAG)
    value = env.get(ENV_VAR, "")
    if value.strip():
        return DatabaseChoice(check_url(value, ENV_VAR), ENV_VAR)
    return DatabaseChoice()


def open_store(database: DatabaseChoice | str | None, data_dir: Path) -> RunStore:
    """The RunStore chosen: a URL string, a DatabaseChoice, or None (resolved from the environment)."""
    import os

    from flowdesk.core.store.run_store import RunStore

    if database is None:
        database = resolve_database_url(None, os.environ)
    elif isinstance(database, str):
        database = DatabaseChoice(check_url(database, "database URL"), "database URL")
    if database.url is None:
        return RunStore(data_dir / DB_FILENAME)
    return RunStore(database.url, source=database.source)
