"""``flowdesk db migrate-to URL``: a workstation's history (an earlier schema) copied into PostgreSQL, idempotently."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from flowdesk.core.instance_lock import InstanceLock
from flowdesk.core.store import RunStore, new_run_id
from flowdesk.core.store.schema import MIGRATIONS, SCHEMA_VERSION
from flowdesk.core.store.sql_dialect import SQLITE
from tests.conftest import CliResult

T0 = 1_767_225_600_000_000  # 2026-01-01T00:00:00Z in microseconds
RUNS = 1203  # three batches of 500, the last one partial


def seed_previous_version(path: Path, runs: int, start: int = 0) -> list[str]:
    """A SQLite store as FlowDesk wrote it at schema v2 (before the cluster columns), with runs and their logs."""
    conn = sqlite3.connect(path)
    if start == 0:
        conn.execute('CREATE TABLE meta ("key" TEXT NOT NULL PRIMARY KEY, value TEXT NOT NULL)')
        for step in MIGRATIONS[:2]:
            for statement in step.statements(SQLITE):
                conn.execute(statement)
        conn.execute("INSERT INTO meta VALUES ('schema_version', '2')")
        conn.execute("INSERT INTO job_state VALUES ('digest', '0 7 * * *', 'Europe/Paris', ?, ?, 'r1', 'success', 0)",
                     (T0 + 86_400_000_000, T0))
        conn.execute("INSERT INTO setting VALUES ('disabled_tools', '[\"slack\"]')")
        conn.execute("INSERT INTO idempotency_key VALUES ('hook', 'delivery-1', 'r1', ?)", (T0,))
    ids = [new_run_id() for _ in range(runs)]
    conn.executemany(
        'INSERT INTO run (id, workflow, "trigger", status, queued_at, started_at, finished_at, duration, input,'
        " output, message, error, attempt, owner_pid, priority) VALUES (?, ?, 'webhook', ?, ?, ?, ?, ?, ?, ?, ?, ?,"
        " 1, 99, 2)",
        [(rid, f"wf{i % 3}", "error" if i % 7 == 0 else "success", T0 + i, T0 + i, T0 + i + 1_500_000, 1.5,
          json.dumps({"i": start + i}), json.dumps({"status": "ok"}), f"message {start + i}",
          "Trace\x00back" if i % 7 == 0 else None) for i, rid in enumerate(ids)])
    conn.executemany("INSERT INTO run_log VALUES (?, ?)", [(rid, f"log of {rid}\n") for rid in ids[::2]])
    conn.commit()
    conn.close()
    return ids


@pytest.fixture()
def old_store(data_dir: Path) -> list[str]:
    return seed_previous_version(data_dir / "flowdesk.sqlite3", RUNS)


def migrate(cli: Callable[..., CliResult], url: str, *extra: str) -> CliResult:
    return cli("db", "migrate-to", url, *extra, timeout=120)


def test_history_of_an_earlier_version_is_copied_once(flowdesk_cli: Callable[..., CliResult], data_dir: Path,
                                                      old_store: list[str], pg_url: str) -> None:
    first = migrate(flowdesk_cli, pg_url)
    assert first.code == 0, first.err
    assert f"source: schema v2 -> v{SCHEMA_VERSION}; target: created at schema v{SCHEMA_VERSION}" in first.out
    assert f"runs: {RUNS}/{RUNS} read, {RUNS} new" in first.out
    assert f"runs: {RUNS} copied, 0 already there" in first.out
    assert "logs: 602 copied" in first.out and "job states: 1 copied" in first.out
    assert "settings: 1 copied" in first.out and "webhook delivery ids: 1 copied" in first.out

    with RunStore(pg_url) as server, RunStore(data_dir / "flowdesk.sqlite3") as local:
        assert server.count_runs() == local.count_runs() == RUNS
        for run_id in (old_store[0], old_store[1], old_store[-1]):
            copied, original = server.get(run_id, include_log=True), local.get(run_id, include_log=True)
            assert copied is not None and original is not None
            assert copied.to_dict(include_log=True) == {**original.to_dict(include_log=True),
                                                        "error": (original.error or "").replace("\x00", "\\0")
                                                        or None}
        assert server.stats("wf0").to_dict() == local.stats("wf0").to_dict()
        assert server.get_job_state("digest") == local.get_job_state("digest")
        assert server.get_setting("disabled_tools") == ["slack"]

    again = migrate(flowdesk_cli, pg_url)
    assert again.code == 0, again.err
    assert f"runs: 0 copied, {RUNS} already there" in again.out and "settings: 0 copied, 1 already there" in again.out

    newer = seed_previous_version(data_dir / "flowdesk.sqlite3", 5, start=RUNS)
    third = migrate(flowdesk_cli, pg_url, "--batch-size", "2")
    assert third.code == 0 and f"runs: 5 copied, {RUNS} already there" in third.out
    with RunStore(pg_url) as server:
        assert server.count_runs() == RUNS + 5 and server.get(newer[-1]) is not None


def test_the_servers_own_job_state_and_settings_win(flowdesk_cli: Callable[..., CliResult], old_store: list[str],
                                                    pg_url: str) -> None:
    with RunStore(pg_url) as server:
        server.set_setting("disabled_tools", ["email"])
    result = migrate(flowdesk_cli, pg_url)
    assert result.code == 0 and "settings: 0 copied, 1 already there" in result.out
    with RunStore(pg_url) as server:
        assert server.get_setting("disabled_tools") == ["email"]


def test_refused_while_flowdesk_runs_on_the_data_dir_or_with_a_bad_url(
        flowdesk_cli: Callable[..., CliResult], data_dir: Path, old_store: list[str], pg_url: str) -> None:
    lock = InstanceLock.for_data_dir(data_dir)
    lock.acquire({"url": "http://127.0.0.1:8000"})
    try:
        busy = migrate(flowdesk_cli, pg_url)
    finally:
        lock.release()
    assert busy.code == 1 and "flowdesk:" in busy.err
    bad = migrate(flowdesk_cli, "mysql://root:pw@db/flowdesk")
    assert bad.code == 1 and bad.err.startswith("flowdesk: flowdesk db migrate-to URL: 'mysql://root:***@db/flowdesk'")
    empty = flowdesk_cli("db", "migrate-to", pg_url, "--data-dir", str(data_dir / "nothing-here"))
    assert empty.code == 1 and "no SQLite store to copy" in empty.err
    with RunStore(pg_url) as server:
        assert server.count_runs() == 0
