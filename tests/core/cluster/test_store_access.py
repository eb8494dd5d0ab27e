"""The cluster's own table is created once however many serve and worker processes start together."""

from __future__ import annotations

import threading

from flowdesk.core.cluster.store_access import StoreAccess
from flowdesk.core.store import RunStore


def test_workers_starting_together_on_a_fresh_database_all_create_the_parked_table(pg_url: str) -> None:
    stores = [RunStore(pg_url) for _ in range(6)]  # the schema itself first, as each process opens its store
    start = threading.Barrier(len(stores))
    failures: list[BaseException] = []

    def create(store: RunStore) -> None:
        start.wait()
        try:
            StoreAccess(store).ensure_tables()
        except BaseException as exc:  # noqa: BLE001 - reported below
            failures.append(exc)

    threads = [threading.Thread(target=create, args=(store,)) for store in stores]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert failures == []
        rows = stores[0].db.execute_sql("SELECT count(*) FROM cluster_parked_run").fetchone()
        assert rows == (0,)
    finally:
        for store in stores:
            store.close()
