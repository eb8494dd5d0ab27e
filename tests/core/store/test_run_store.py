"""RunStore on a real SQLite file and a real PostgreSQL database: records, writes, queries, schema, threads, processes."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

import flowdesk
from flowdesk.core.errors import NotFound
from flowdesk.core.store import SCHEMA_VERSION, RunRecord, RunStore, SchemaTooNew, new_run_id, run_store

REPO_ROOT = Path(flowdesk.__file__).resolve().parent.parent
T0 = datetime(2026, 11, 22, 10, 0, 0, 123456, tzinfo=timezone.utc)


def run_child(script: str, *args: str, **popen: object) -> subprocess.Popen[str]:
    """Start a Python child that imports flowdesk from this checkout."""
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(script), *args], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **popen)  # type: ignore[arg-type]


# -- ids and records -------------------------------------------------------


def test_new_run_id_is_32_hex_and_time_ordered() -> None:
    ids = []
    for _ in range(3):
        ids.append(new_run_id())
        time.sleep(0.002)
    assert all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids)
    assert ids == sorted(ids)
    assert abs(int(ids[0][:12], 16) - time.time() * 1000) < 60_000
    assert len({new_run_id() for _ in range(1000)}) == 1000


def test_create_get_and_to_dict_round_trip(store: RunStore) -> None:
    rid = new_run_id()
    created = store.create(rid, "daily-report", "manual", {"city": "Paris", "n": 3}, queued_at=T0,
                           attempt=2, parent_run_id="p" * 32, profile_info={"date": "DEFAULT"})
    got = store.get(rid)
    assert isinstance(got, RunRecord) and got == created
    assert got.status == "queued" and got.log is None and got.queued_at == T0
    data = got.to_dict()
    assert data["queued_at"] == "2026-11-22T10:00:00.123456+00:00"
    assert data["started_at"] is None and "log" not in data
    assert data["input"] == {"city": "Paris", "n": 3} and data["profile_info"] == {"date": "DEFAULT"}
    assert data["attempt"] == 2 and data["parent_run_id"] == "p" * 32
    json.dumps(data)
    assert store.get("0" * 32) is None


def test_create_validates_trigger_status_and_aware_times(store: RunStore) -> None:
    with pytest.raises(ValueError, match="trigger"):
        store.create(new_run_id(), "wf", "telepathy", {})
    with pytest.raises(ValueError, match="status"):
        store.create(new_run_id(), "wf", "manual", {}, status="done")
    with pytest.raises(ValueError, match="naive"):
        store.create(new_run_id(), "wf", "manual", {}, queued_at=datetime(2026, 1, 1))
    assert store.count_runs() == 0


def test_non_utc_times_come_back_as_utc(store: RunStore) -> None:
    paris = timezone(timedelta(hours=1))
    rid = new_run_id()
    store.create(rid, "wf", "schedule", {}, queued_at=datetime(2026, 11, 22, 11, 0, tzinfo=paris))
    got = store.get(rid)
    assert got is not None and got.queued_at == datetime(2026, 11, 22, 10, 0, tzinfo=timezone.utc)
    assert got.queued_at.utcoffset() == timedelta(0)


def test_create_many_is_one_batch(store: RunStore) -> None:
    runs = [{"run_id": new_run_id(), "workflow": "hook", "trigger": "webhook", "input": {"i": i}} for i in range(250)]
    records = store.create_many(runs)
    assert [r.id for r in records] == [r["run_id"] for r in runs]
    assert store.count_runs(workflow="hook", status="queued", trigger="webhook") == 250
    assert store.create_many([]) == []
    with pytest.raises(ValueError):
        store.create_many([{"run_id": new_run_id(), "workflow": "hook", "trigger": "bad", "input": {}}])


# -- lifecycle -------------------------------------------------------------


def test_running_then_finish_uses_stored_start(store: RunStore) -> None:
    rid = new_run_id()
    store.create(rid, "wf", "api", {"a": 1}, queued_at=T0)
    assert store.mark_running(rid, T0 + timedelta(seconds=1))
    assert not store.mark_running(rid, T0 + timedelta(seconds=9)), "only a queued run starts"
    assert store.get(rid).status == "running"  # type: ignore[union-attr]
    done = store.finish(rid, "success", T0 + timedelta(seconds=3.25), output={"status": "success", "data": [1]},
                        message="ok", log="line 1\nline 2\n", log_truncated=True)
    assert done.status == "success" and done.duration == pytest.approx(2.25)
    assert done.started_at == T0 + timedelta(seconds=1) and done.log == "line 1\nline 2\n"
    again = store.get(rid, include_log=True)
    assert again is not None and again.to_dict(include_log=True) == done.to_dict(include_log=True)
    assert again.log_truncated and store.get_log(rid) == "line 1\nline 2\n"


def test_finish_with_explicit_start_and_never_started(store: RunStore) -> None:
    a, b = new_run_id(), new_run_id()
    store.create(a, "wf", "api", {}, queued_at=T0)
    store.create(b, "wf", "api", {}, queued_at=T0)
    rec = store.finish(a, "timeout", T0 + timedelta(seconds=10), started_at=T0 + timedelta(seconds=4), error="slow")
    assert rec.duration == pytest.approx(6.0) and rec.error == "slow"
    skipped = store.finish(b, "skipped", T0 + timedelta(seconds=1), message="max_instances reached")
    assert skipped.started_at == skipped.finished_at and skipped.duration == 0.0
    assert store.get_log(b) == ""
    with pytest.raises(NotFound):
        store.finish("f" * 32, "success", T0)
    with pytest.raises(ValueError):
        store.finish(a, "running", T0)


def test_finish_on_sqlite_without_returning(store: RunStore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(run_store, "_RETURNING", False)  # the path taken on SQLite < 3.35
    rid = new_run_id()
    store.create(rid, "wf", "api", {}, queued_at=T0)
    store.mark_running(rid, T0)
    rec = store.finish(rid, "error", T0 + timedelta(seconds=2), error="boom", log="trace")
    assert rec == store.get(rid, include_log=True) and rec.duration == 2.0
    with pytest.raises(NotFound):
        store.finish("e" * 32, "error", T0)



@pytest.mark.parametrize("returning", [True, False])
def test_finish_stores_encoded_output_as_is_and_never_decodes_it_back(
        store: RunStore, monkeypatch: pytest.MonkeyPatch, returning: bool) -> None:
    monkeypatch.setattr(run_store, "_RETURNING", returning)  # False: SQLite < 3.35 reads the row back
    encoded, given = new_run_id(), new_run_id()
    for rid in (encoded, given):
        store.create(rid, "wf", "api", {}, queued_at=T0)
    text = '{"items":[1,2.5,null],"name":"café ✓"}'
    rec = store.finish(encoded, "success", T0 + timedelta(seconds=1), started_at=T0, output_json=text, message="ok")
    assert rec.output is None and (rec.status, rec.message, rec.duration) == ("success", "ok", 1.0)
    stored = store.db.execute_sql(store.sql("SELECT output FROM run WHERE id = ?"), (encoded,)).fetchone()[0]
    assert stored == text and store.get(encoded).output == {"items": [1, 2.5, None], "name": "café ✓"}
    output = {"n": [1, {"k": "v"}]}
    rec = store.finish(given, "success", T0, output=output)
    assert rec.output is output and store.get(given).output == output  # the caller's own, not a decoded copy


def test_record_skipped(store: RunStore) -> None:
    rec = store.record_skipped(new_run_id(), "wf", "schedule", {"x": 1}, "tool 'gmail' is missing TOKEN")
    got = store.get(rec.id, include_log=True)
    assert got == rec
    assert got.status == "skipped" and got.message == "tool 'gmail' is missing TOKEN" and got.duration == 0.0


def test_nul_characters_in_text_are_kept_where_the_database_can(store: RunStore) -> None:
    rid = new_run_id()
    store.create(rid, "wf", "cli", {"k": "a\x00b"})
    done = store.finish(rid, "error", T0, started_at=T0, message="m\x00", error="e\x00", log="l\x00og")
    shown = "\x00" if store.dialect.name == "sqlite" else "\\0"  # PostgreSQL text cannot hold NUL
    assert (done.message, done.error, done.log) == (f"m{shown}", f"e{shown}", f"l{shown}og")
    got = store.get(rid, include_log=True)
    assert got is not None and got.input == {"k": "a\x00b"} and got.log == f"l{shown}og"  # JSON escapes it


def test_log_lives_in_its_own_table_and_goes_with_the_run(store: RunStore) -> None:
    rid = new_run_id()
    store.create(rid, "wf", "cli", {})
    store.finish(rid, "error", T0, started_at=T0, error="boom", log="x" * 200_000)
    assert store.list_runs()[0].log is None
    raw = store.db.execute_sql(store.sql("SELECT length(log) FROM run_log WHERE run_id = ?"), (rid,)).fetchone()
    assert raw == (200_000,)
    assert store.delete_run(rid) and not store.delete_run(rid)
    assert store.db.execute_sql("SELECT count(*) FROM run_log").fetchone() == (0,)
    assert store.get_log(rid) == ""


# -- queries ---------------------------------------------------------------


def _seed(store: RunStore) -> list[str]:
    ids = []
    plan = [("a", "manual", "success", None), ("a", "api", "error", "KeyError: 'x'"), ("b", "webhook", "success", None),
            ("a", "schedule", "timeout", "took 100% of 5s"), ("b", "cli", "skipped", None)]
    for i, (wf, trigger, status, error) in enumerate(plan):
        rid = new_run_id()
        ids.append(rid)
        at = T0 + timedelta(minutes=i)
        store.create(rid, wf, trigger, {"i": i}, queued_at=at)
        store.finish(rid, status, at + timedelta(seconds=i + 1), started_at=at, error=error, message=f"msg {i}")
    return ids


def test_list_runs_filters_order_and_paging(store: RunStore) -> None:
    ids = _seed(store)
    assert [r.id for r in store.list_runs()] == ids[::-1]
    assert [r.id for r in store.list_runs(workflow="a")] == [ids[3], ids[1], ids[0]]
    assert [r.id for r in store.list_runs(status=["error", "timeout"])] == [ids[3], ids[1]]
    assert [r.id for r in store.list_runs(trigger="webhook")] == [ids[2]]
    window = store.list_runs(since=T0 + timedelta(minutes=1), until=T0 + timedelta(minutes=3))
    assert [r.id for r in window] == [ids[2], ids[1]]
    assert [r.id for r in store.list_runs(limit=2, offset=1)] == [ids[3], ids[2]]
    assert [r.id for r in store.list_runs(limit=None, offset=3)] == [ids[1], ids[0]]
    assert [r.id for r in store.list_runs(search="keyerror")] == [ids[1]]
    assert [r.id for r in store.list_runs(search="msg 4")] == [ids[4]]
    assert [r.id for r in store.list_runs(search="100%")] == [ids[3]]
    assert [r.id for r in store.list_runs(search="%")] == [ids[3]], "% is literal, not a wildcard"
    assert store.list_runs(search="_") == []
    assert store.count_runs() == 5 and store.count_runs(workflow="a", status="success") == 1
    assert store.count_runs(search="msg", trigger=["cli", "api"]) == 2
    with pytest.raises(ValueError):
        store.list_runs(status="finished")


def test_same_queued_at_sorts_by_id(store: RunStore) -> None:
    ids = sorted(new_run_id() for _ in range(5))
    store.create_many([{"run_id": i, "workflow": "w", "trigger": "webhook", "input": {}, "queued_at": T0} for i in ids])
    assert [r.id for r in store.list_runs()] == ids[::-1]


def test_list_and_count_use_an_index_for_a_workflow(sqlite_store: RunStore) -> None:
    store = sqlite_store  # SQLite's statement trace and query plans
    _seed(store)
    conn = store.db.connection()
    seen: list[str] = []
    conn.set_trace_callback(seen.append)
    store.list_runs(workflow="a", limit=10)
    store.count_runs(workflow="a", status="error")
    store.list_runs(workflow="a", since=T0)
    conn.set_trace_callback(None)
    selects = [sql for sql in seen if sql.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 3
    for sql in selects:
        plan = [row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}")]
        assert any("INDEX" in step for step in plan), (sql, plan)
        assert not any(step.startswith("SCAN") and "INDEX" not in step for step in plan), (sql, plan)


# -- schema and files ------------------------------------------------------


def test_pragmas_and_schema_version(tmp_path: Path) -> None:
    path = tmp_path / "data" / "flowdesk.sqlite3"
    with RunStore(path) as s:
        pragma = lambda name: s.db.execute_sql(f"PRAGMA {name}").fetchone()[0]  # noqa: E731
        assert pragma("journal_mode") == "wal"
        assert pragma("synchronous") == 1  # NORMAL
        assert pragma("foreign_keys") == 1
        assert pragma("busy_timeout") == 5000
        assert s.db.execute_sql("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == (
            str(SCHEMA_VERSION),)
        s.create(new_run_id(), "wf", "manual", {})
    with RunStore(path) as again:
        assert again.migrate() == SCHEMA_VERSION and again.count_runs() == 1


def test_models_mirror_the_migrated_tables(store: RunStore) -> None:
    m = store.models
    for model in (m.Meta, m.Run, m.RunLog, m.JobStateRow, m.Setting, m.Worker, m.ScheduleFire):
        table = model._meta.table_name
        assert {c.name for c in store.db.get_columns(table)} == set(model._meta.columns), table
    indexes = {index.name for index in store.db.get_indexes("run")}
    assert {"run_workflow_queued_at", "run_queued_at", "run_workflow_status_duration", "run_queue"} <= indexes
    assert "run_status" not in indexes  # v4: the queue index, which starts with status, does its work


def test_newer_schema_is_refused(store_location: str | Path) -> None:
    with RunStore(store_location) as s:
        s.db.execute_sql(s.sql("UPDATE meta SET value = ? WHERE \"key\" = 'schema_version'"), (str(SCHEMA_VERSION + 1),))
    with pytest.raises(SchemaTooNew):
        RunStore(store_location)


def test_two_stores_in_one_process_stay_apart(tmp_path: Path) -> None:
    one, two = RunStore(tmp_path / "one.sqlite3"), RunStore(tmp_path / "two.sqlite3")
    one.create(new_run_id(), "wf", "manual", {})
    assert (one.count_runs(), two.count_runs()) == (1, 0)
    assert two.list_runs() == [] and len(one.list_runs()) == 1
    one.close()
    two.close()


# -- threads and processes -------------------------------------------------


def test_eight_threads_create_and_finish(store: RunStore) -> None:
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(100):
                rid = new_run_id()
                now = datetime.now(timezone.utc)
                store.create(rid, f"wf{n}", "api", {"i": i})
                store.mark_running(rid, now)
                store.finish(rid, "success", now + timedelta(milliseconds=1), log=f"run {i}")
                store.list_runs(workflow=f"wf{n}", limit=5)
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert store.count_runs(status="success") == 800
    assert sorted(store.stats_by_workflow()) == [f"wf{n}" for n in range(8)]


WRITER = """
    import sys, time
    from datetime import datetime, timezone
    from pathlib import Path
    from flowdesk.core.store import RunStore, new_run_id
    store = RunStore(sys.argv[1])
    go = Path(sys.argv[2])
    print("ready", flush=True)
    while not go.exists():
        time.sleep(0.001)
    for i in range(500):
        rid = new_run_id()
        now = datetime.now(timezone.utc)
        store.create(rid, sys.argv[3], "cli", {"i": i})
        store.mark_running(rid, now)
        store.finish(rid, "success", datetime.now(timezone.utc), log="ok")
    store.close()
    print("done", flush=True)
"""


def test_two_processes_write_the_same_database(store_location: str | Path, tmp_path: Path) -> None:
    path, go = store_location, tmp_path / "go"
    RunStore(path).close()
    children = [run_child(WRITER, str(path), str(go), f"proc{n}") for n in range(2)]
    for child in children:
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
    go.touch()
    for child in children:
        out, err = child.communicate(timeout=90)
        assert child.returncode == 0, err
        assert "locked" not in err and out.strip() == "done"
    with RunStore(path) as s:
        assert s.count_runs() == 1000
        assert s.count_runs(workflow="proc0", status="success") == 500
        if s.dialect.name == "sqlite":
            assert s.db.execute_sql("PRAGMA integrity_check").fetchone() == ("ok",)


CRASHER = """
    import os, signal, sys
    from datetime import datetime, timezone
    from pathlib import Path
    from flowdesk.core.store import RunStore
    store = RunStore(sys.argv[1])
    store.create(sys.argv[2], "wf", "cli", {"x": 1})
    store.mark_running(sys.argv[2], datetime.now(timezone.utc))
    os.kill(os.getpid(), signal.SIGKILL)
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_run_left_by_a_killed_process_is_interrupted_at_next_open(store_location: str | Path) -> None:
    path, rid = store_location, new_run_id()
    child = run_child(CRASHER, str(path), rid)
    child.communicate(timeout=60)
    assert child.returncode == -signal.SIGKILL
    with RunStore(path) as s:
        if s.dialect.name == "sqlite":
            assert s.db.execute_sql("PRAGMA integrity_check").fetchone() == ("ok",)
        assert s.get(rid).status == "running"  # type: ignore[union-attr]
        assert s.mark_interrupted() == 1
        rec = s.get(rid)
        assert rec is not None and rec.status == "interrupted"
        assert rec.error == "FlowDesk stopped before this run finished" and rec.finished_at is not None
        assert s.mark_interrupted() == 0


HOLDER = """
    import sys
    from datetime import datetime, timezone
    from pathlib import Path
    from flowdesk.core.store import RunStore
    store = RunStore(sys.argv[1])
    store.create(sys.argv[2], "wf", "cli", {})
    store.mark_running(sys.argv[2], datetime.now(timezone.utc))
    print("running", flush=True)
    sys.stdin.readline()
"""


def test_mark_interrupted_spares_runs_of_a_live_process(store: RunStore, store_location: str | Path) -> None:
    mine, theirs = new_run_id(), new_run_id()
    store.create(mine, "wf", "manual", {})
    child = run_child(HOLDER, str(store_location), theirs, stdin=subprocess.PIPE)
    assert child.stdout is not None and child.stdout.readline().strip() == "running"
    try:
        assert store.mark_interrupted("shutting down") == 1
        assert store.get(mine).status == "interrupted"  # type: ignore[union-attr]
        assert store.get(mine).error == "shutting down"  # type: ignore[union-attr]
        assert store.get(theirs).status == "running"  # type: ignore[union-attr]
    finally:
        child.communicate("\n", timeout=60)
    assert store.mark_interrupted() == 1
    assert store.get(theirs).status == "interrupted"  # type: ignore[union-attr]
