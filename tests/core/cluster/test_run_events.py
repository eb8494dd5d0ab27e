"""Run events from a worker to serve over PostgreSQL NOTIFY: starts go as one notification per batch, and the
relay turns each into the window's ``started`` event; ends and log lines as before."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import psycopg

from flowdesk.core.cluster.live_log_sender import LiveLogSender
from flowdesk.core.cluster.run_claims import event
from flowdesk.core.cluster.run_relay import RunRelay
from flowdesk.core.cluster.store_access import RUNS_CHANNEL, StoreAccess
from flowdesk.core.engine import RunEvent
from flowdesk.core.runtime import Runtime
from flowdesk.core.store import RunStore
from flowdesk.core.workspace import Workspace
from tests.conftest import FIXTURES, copy_workspace


def test_the_starts_of_a_batch_share_one_notification_and_log_lines_keep_theirs(pg_url: str) -> None:
    with RunStore(pg_url) as store, psycopg.connect(pg_url, autocommit=True) as listener:
        listener.execute(f"LISTEN {RUNS_CHANNEL}")
        sender = LiveLogSender(StoreAccess(store), "w1")
        for n in range(400):
            sender.started(f"run-{n:03d}")
        sender.add("run-000", "hello\n")
        sender._flush()
        payloads = [json.loads(n.payload) for n in listener.notifies(timeout=2, stop_after=4)]
    starts = [p for p in payloads if p["k"] == "S"]
    assert [len(p["r"]) for p in starts] == [150, 150, 100]  # 400 starts in 3 notifications, each < 8,000 bytes
    assert [r for p in starts for r in p["r"]] == [f"run-{n:03d}" for n in range(400)]
    assert all(p["w"] == "w1" for p in starts)
    assert [p for p in payloads if p["k"] == "l"] == [{"k": "l", "r": "run-000", "t": "hello\n"}]


def test_the_relay_announces_each_start_of_a_batch_and_ignores_starts_heard_after_the_end(
        tmp_path: Path, pg_url: str, data_dir: Path) -> None:
    ws = copy_workspace(FIXTURES / "queue_workspace", tmp_path / "ws")
    with RunStore(pg_url) as store:
        runtime = Runtime(Workspace(ws), data_dir, database=store)
        heard: list[RunEvent] = []
        runtime.subscribe(heard.append)
        relay = RunRelay(runtime, pg_url)
        relay.handle(event("f", "b", s="success"))  # b ended before its start arrived (batched late)
        relay.handle(json.dumps({"k": "S", "r": ["a", "b", "c"], "w": "w1"}))
        relay.handle(event("s", "d", w="w2"))  # a worker of the version before: one start per notification
        relay.handle('{"k": "S", "r": "not a list"}')  # garbage is dropped
        asyncio.run(asyncio.sleep(0))
    assert [(e.run_id, e.kind) for e in heard] == [("b", "finished"), ("a", "started"), ("c", "started"),
                                                   ("d", "started")]


def test_the_relay_hears_notifications_as_they_come_and_listens_again_after_losing_its_connection(
        tmp_path: Path, pg_url: str, data_dir: Path) -> None:
    ws = copy_workspace(FIXTURES / "queue_workspace", tmp_path / "ws")

    async def scenario() -> list[tuple[str, str]]:
        with RunStore(pg_url) as store:
            runtime = Runtime(Workspace(ws), data_dir, database=store)
            heard: list[RunEvent] = []
            runtime.subscribe(heard.append)
            relay = RunRelay(runtime, pg_url)
            relay.start()

            async def until(check: object, what: str) -> None:
                for _ in range(200):
                    if check():  # type: ignore[operator]
                        return
                    await asyncio.sleep(0.05)
                raise AssertionError(f"timed out waiting for {what}")

            try:
                await until(lambda: relay.connected, "the relay to listen")
                with psycopg.connect(pg_url, autocommit=True) as sender:
                    with sender.transaction():  # several in one commit arrive together
                        for n in range(3):
                            sender.execute("SELECT pg_notify(%s, %s)", (RUNS_CHANNEL, event("l", f"r{n}", t="x")))
                    sender.execute("SELECT pg_notify(%s, %s)", (RUNS_CHANNEL, event("f", "r0", s="success")))
                    await until(lambda: len(heard) == 4, "four events")
                    sender.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                                   " WHERE application_name = 'flowdesk-relay'")
                    await until(lambda: not relay.connected, "the relay to notice")
                    await until(lambda: relay.connected, "the relay to listen again")
                    sender.execute("SELECT pg_notify(%s, %s)", (RUNS_CHANNEL, event("f", "r1", s="error", m="boom")))
                    await until(lambda: len(heard) == 5, "the event after the reconnection")
            finally:
                await relay.stop()
            return [(e.run_id, e.kind) for e in heard]

    assert asyncio.run(scenario()) == [("r0", "log"), ("r1", "log"), ("r2", "log"), ("r0", "finished"),
                                       ("r1", "finished")]
