"""The PostgreSQL test fixtures: a real server on loopback, a fresh database per test, stop and start."""

from __future__ import annotations

import psycopg

from tests.pg_server import EmbeddedPostgres


def test_each_test_gets_a_fresh_database_on_loopback(pg_server: EmbeddedPostgres, pg_url: str) -> None:
    assert pg_url.startswith("postgresql://postgres@127.0.0.1:")
    other = pg_server.create_database()
    try:
        with psycopg.connect(pg_url, autocommit=True) as conn:
            conn.execute("CREATE TABLE t (x INTEGER)")
        with psycopg.connect(other) as conn:
            assert conn.execute("SELECT count(*) FROM pg_tables WHERE tablename = 't'").fetchone() == (0,)
    finally:
        pg_server.drop_database(other)


def test_a_server_of_ones_own_stops_and_starts_with_its_data(own_pg_server: EmbeddedPostgres) -> None:
    url = own_pg_server.create_database("kept")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE t (x INTEGER)")
        conn.execute("INSERT INTO t VALUES (1)")
    own_pg_server.stop()
    assert not own_pg_server.running
    try:
        psycopg.connect(url, connect_timeout=2).close()
        raise AssertionError("connected to a stopped server")
    except psycopg.OperationalError:
        pass
    own_pg_server.start()
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT x FROM t").fetchall() == [(1,)]
