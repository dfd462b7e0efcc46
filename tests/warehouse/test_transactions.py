"""``etl.warehouse.transactions``: a transaction Postgres aborts for a deadlock is run again and succeeds."""

from __future__ import annotations

import threading

import psycopg2

from etl.warehouse.connection import connect
from etl.warehouse.transactions import run_in_transaction


def test_both_sides_of_a_real_deadlock_complete(db: psycopg2.extensions.connection, clean_database: str) -> None:
    with db, db.cursor() as cur:
        cur.execute("insert into sources (source_name, base_url, language) values ('a', 'x', 'de'), ('b', 'x', 'de')")
    barrier = threading.Barrier(2, timeout=10)
    attempts: list[str] = []
    errors: list[BaseException] = []

    def lock_in_order(first: str, second: str) -> None:
        conn = connect(clean_database)

        def work(cur: psycopg2.extensions.cursor) -> None:
            attempts.append(first)
            cur.execute("update sources set base_url = base_url || '1' where source_name = %s", (first,))
            if len(attempts) <= 2:
                barrier.wait()
            cur.execute("update sources set base_url = base_url || '2' where source_name = %s", (second,))

        try:
            run_in_transaction(conn, work)
        except BaseException as exc:  # surfaced by the assertion below
            errors.append(exc)
        finally:
            conn.close()

    threads = [threading.Thread(target=lock_in_order, args=pair) for pair in (("a", "b"), ("b", "a"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(attempts) == 3  # one side was aborted once and retried
    with db.cursor() as cur:
        cur.execute("select source_name, base_url from sources order by 1")
        rows = cur.fetchall()
    assert [name for name, _ in rows] == ["a", "b"]
    assert all(sorted(url) == ["1", "2", "x"] for _, url in rows)  # each update applied exactly once
