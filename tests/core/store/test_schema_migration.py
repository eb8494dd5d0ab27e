"""The schema migrates forward on both databases: an earlier FlowDesk's SQLite file, concurrent PostgreSQL openers."""

from __future__ import annotations

import sqlite3
import threading
from datetime import datetime, timezone
from pathlib import Path

from flowdesk.core.store import SCHEMA_VERSION, RunStore, new_run_id
from flowdesk.core.store.run_queue_tables import QueuedRun
from flowdesk.core.store.schema import MIGRATIONS
from flowdesk.core.store.sql_dialect import SQLITE

T0 = datetime(2025, 3, 1, 9, 30, tzinfo=timezone.utc)
T0_MICROS = 1740821400000000


def write_old_store(path: Path, version: int) -> str:
    """A SQLite file as FlowDesk at schema ``version`` wrote it, holding one finished run; returns its id."""
    run_id = new_run_id()
    conn = sqlite3.connect(path)
    conn.execute('CREATE TABLE meta ("key" TEXT NOT NULL PRIMARY KEY, value TEXT NOT NULL)')
    for step in MIGRATIONS[:version]:
        for statement in step.statements(SQLITE):
            conn.execute(statement)
    conn.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(version),))
    conn.execute('INSERT INTO run (id, workflow, "trigger", status, queued_at, started_at, finished_at, duration,'
                 " input, output, message, owner_pid) VALUES (?, 'digest', 'schedule', 'success', ?, ?, ?, 1.5,"
                 " '{\"days\":3}', '{\"status\":\"success\"}', 'sent', 4242)",
                 (run_id, T0_MICROS, T0_MICROS, T0_MICROS + 1_500_000))
    conn.execute("INSERT INTO run_log VALUES (?, 'line 1')", (run_id,))
    conn.execute("INSERT INTO job_state (workflow, cron_expression, timezone, paused) VALUES ('digest', '0 7 * * *',"
                 " 'Europe/Paris', 1)")
    conn.commit()
    conn.close()
    return run_id


def test_a_version_1_sqlite_store_opens_and_migrates_to_the_current_schema(tmp_path: Path) -> None:
    path = tmp_path / "flowdesk.sqlite3"
    old_id = write_old_store(path, 1)  # FlowDesk before the store was the queue: no priority, payload, worker
    with RunStore(path) as store:
        assert store.db.execute_sql("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == (
            str(SCHEMA_VERSION),)
        old = store.get(old_id, include_log=True)
        assert old is not None and (old.status, old.input, old.log, old.duration) == ("success", {"days": 3},
                                                                                       "line 1", 1.5)
        assert old.queued_at == T0
        assert store.db.execute_sql("SELECT priority, payload, not_before, worker FROM run").fetchall() == [
            (1, None, None, None)]
        assert store.get_job_state("digest").paused is True  # type: ignore[union-attr]
        # what the newer versions added works on the migrated file
        queued = QueuedRun(new_run_id(), "digest", "webhook", {}, {"days": 1}, idempotency_key="k1")
        assert store.enqueue([queued]) == [queued.run_id]
        assert store.claim(queued.run_id, "worker-1") and store.record_fire("digest", T0)


def test_a_version_2_sqlite_store_gains_the_cluster_tables(tmp_path: Path) -> None:
    path = tmp_path / "flowdesk.sqlite3"
    old_id = write_old_store(path, 2)
    with RunStore(path) as store:
        assert store.get(old_id).message == "sent"  # type: ignore[union-attr]
        store.upsert_worker("w", "host", 2)
        assert [w.name for w in store.list_workers()] == ["w"]
    with RunStore(path) as again:
        assert again.migrate() == SCHEMA_VERSION


def test_concurrent_openers_of_a_new_postgresql_database_migrate_it_once(pg_url: str) -> None:
    errors: list[BaseException] = []
    go = threading.Barrier(6)

    def open_it() -> None:
        try:
            go.wait()
            store = RunStore(pg_url)  # without the advisory lock, a second migrator fails on V2's ALTER TABLE
            store.create(new_run_id(), "wf", "manual", {})
            store.close()
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with RunStore(pg_url) as store:
        assert store.count_runs() == 6
        assert store.db.execute_sql("SELECT value FROM meta WHERE \"key\" = 'schema_version'").fetchall() == [
            (str(SCHEMA_VERSION),)]
        assert {c.name for c in store.db.get_columns("run")} >= {"payload", "priority", "worker"}
