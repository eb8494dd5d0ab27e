"""Choosing the run database: --database, then FLOWDESK_DATABASE_URL, then the data dir's SQLite; bad URLs say where."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from flowdesk.core.errors import StoreUnavailable
from flowdesk.core.store import DatabaseChoice, DatabaseUrlError, RunStore, open_store, resolve_database_url
from flowdesk.core.store.database_url import redact

PG = "postgresql://flow:s3cret@db.example:5432/flowdesk"


def test_the_flag_wins_over_the_variable_and_nothing_means_sqlite() -> None:
    env = {"FLOWDESK_DATABASE_URL": "postgres://env@host/db"}
    assert resolve_database_url(PG, env) == DatabaseChoice(PG, "--database")
    assert resolve_database_url(None, env) == DatabaseChoice("postgresql://env@host/db", "FLOWDESK_DATABASE_URL")
    assert resolve_database_url(None, {}) == DatabaseChoice(None, "default")
    assert resolve_database_url("  ", {"FLOWDESK_DATABASE_URL": ""}).url is None


def test_a_bad_url_names_the_flag_or_the_variable_and_never_the_password() -> None:
    with pytest.raises(DatabaseUrlError, match=r"^--database: 'mysql://u:\*\*\*@h/db' is not a PostgreSQL URL"):
        resolve_database_url("mysql://u:pw@h/db", {})
    with pytest.raises(DatabaseUrlError, match="^FLOWDESK_DATABASE_URL: '/var/lib/flowdesk.db' is not a PostgreSQL"):
        resolve_database_url(None, {"FLOWDESK_DATABASE_URL": "/var/lib/flowdesk.db"})
    with pytest.raises(DatabaseUrlError, match="^--database: not a usable PostgreSQL URL: Port") as port:
        resolve_database_url("postgresql://u:pw@h:port/db", {})
    assert "pw" not in str(port.value)
    with pytest.raises(DatabaseUrlError, match="names no host"):
        resolve_database_url("postgresql:///db", {})
    with pytest.raises(DatabaseUrlError, match=r"^--database: postgresql://u:\*\*\*@h/db\?bogus=1: .*bogus"):
        RunStore("postgresql://u:pw@h/db?bogus=1", source="--database")


def test_redact_masks_only_the_password() -> None:
    assert redact(PG) == "postgresql://flow:***@db.example:5432/flowdesk"
    assert redact("postgresql://flow@db/x") == "postgresql://flow@db/x"
    assert DatabaseChoice(PG, "--database").describe() == "PostgreSQL postgresql://flow:***@db.example:5432/flowdesk" \
        " (from --database)"


def test_open_store_takes_the_data_dirs_sqlite_file_by_default(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FLOWDESK_DATABASE_URL", raising=False)
    with open_store(None, tmp_path) as store:
        assert store.path == tmp_path / "flowdesk.sqlite3" and store.dialect.name == "sqlite"


def test_an_unreachable_server_is_unavailable_naming_url_and_source() -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"postgresql://flow:pw@127.0.0.1:{port}/flowdesk"
    with pytest.raises(StoreUnavailable) as refused:
        RunStore(url, source="FLOWDESK_DATABASE_URL")
    message = str(refused.value)
    assert f"postgresql://flow:***@127.0.0.1:{port}/flowdesk, from FLOWDESK_DATABASE_URL" in message
    assert "pw@" not in message


def test_cli_reports_a_bad_database_url_in_one_line(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "flowdesk", "runs", "--data-dir", str(tmp_path),
                             "--database", "sqlite:///x.db"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr.startswith("flowdesk: --database: 'sqlite:///x.db' is not a PostgreSQL URL")


SQLITE_PATH = """
    import sys
    from pathlib import Path
    from flowdesk.core.store import RunStore, new_run_id
    import flowdesk.core.runtime, flowdesk.core.service, flowdesk.cli.main, flowdesk.gui.app, flowdesk.gui.main_window
    with RunStore(Path(sys.argv[1]) / "flowdesk.sqlite3") as store:
        store.create(new_run_id(), "wf", "manual", {})
        store.stats()
    leaked = sorted(m for m in sys.modules if m.split(".")[0] in ("psycopg", "psycopg2", "psycopg_binary"))
    assert not leaked, leaked
    import psycopg  # still importable afterwards: only peewee's import of it was kept away
    print("ok")
"""


def test_the_sqlite_path_never_imports_the_postgresql_driver(tmp_path: Path) -> None:
    import textwrap

    result = subprocess.run([sys.executable, "-c", textwrap.dedent(SQLITE_PATH), str(tmp_path)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr
